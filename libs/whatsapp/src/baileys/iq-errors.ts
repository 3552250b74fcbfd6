import {
  SessionNotConnectedError,
  WhatsAppConflictError,
  WhatsAppEngineError,
  WhatsAppItemNotFoundError,
  WhatsAppNotAuthorizedError,
  WhatsAppRateLimitedError,
  WhatsAppRequestError,
} from '../errors';

/** The fields of a `@hapi/boom` error that Baileys throws (no import of Boom needed). */
interface BoomLike {
  isBoom: true;
  message: string;
  data?: unknown;
  output?: { statusCode?: number };
}

/** Baileys' `DisconnectReason.connectionClosed`: the socket closed while a query waited. */
const CONNECTION_CLOSED = 428;

/** WhatsApp's iq error codes that have their own engine error; the others are {@link WhatsAppRequestError}. */
const BY_WHATSAPP_CODE = new Map<number, typeof WhatsAppRequestError>([
  [401, WhatsAppNotAuthorizedError],
  [403, WhatsAppNotAuthorizedError],
  [404, WhatsAppItemNotFoundError],
  [410, WhatsAppItemNotFoundError],
  [406, WhatsAppConflictError],
  [409, WhatsAppConflictError],
  [429, WhatsAppRateLimitedError],
]);

function isBoom(error: unknown): error is BoomLike {
  return error instanceof Error && (error as { isBoom?: unknown }).isBoom === true;
}

/**
 * WhatsApp's error code carried in a Baileys Boom's `data`, or undefined when `data` holds none:
 * - a failed iq (`query()` → `assertNodeErrorFree`, node_modules/baileys/lib/WABinary/generic-utils.js)
 *   sets `data` to `+<error code>`: a number, NaN when the `<error>` had no code;
 * - a failed `w:mex` GraphQL query (node_modules/baileys/lib/Socket/mex.js) sets `data` to the
 *   first GraphQL error, with the code in `extensions.error_code`.
 * @returns the code, null for an iq error without a code
 */
function whatsappCodeOf(data: unknown): number | null | undefined {
  if (typeof data === 'number') return Number.isFinite(data) ? data : null;
  if (data && typeof data === 'object') {
    const code = (data as { extensions?: { error_code?: unknown } }).extensions?.error_code;
    if (typeof code === 'number' && Number.isFinite(code)) return code;
  }
  return undefined;
}

/**
 * Turns an error thrown by a Baileys call into the engine error the app can answer (the table in
 * `src/common/errors/engine-errors.ts`). Baileys rc14 throws every failed iq as a Boom whose
 * `output.statusCode` is always 500 and puts WhatsApp's own code in `err.data` (rc14 trap 14 of
 * docs/sandbox-protocol-notes.md), so the mapping reads `data`, never `output.statusCode`:
 *
 * | WhatsApp code (`err.data`) | engine error |
 * |---|---|
 * | 401 `not-authorized`, 403 `forbidden` | {@link WhatsAppNotAuthorizedError} |
 * | 404 `item-not-found`, 410 `gone` | {@link WhatsAppItemNotFoundError} |
 * | 406 `not-acceptable`, 409 `conflict` | {@link WhatsAppConflictError} |
 * | 429 `rate-overlimit` | {@link WhatsAppRateLimitedError} |
 * | any other code, or none | {@link WhatsAppRequestError} |
 *
 * A Boom `Connection Closed` (428, no WhatsApp code: the socket closed while the query waited)
 * becomes {@link SessionNotConnectedError}. Engine errors pass through; anything else (Baileys'
 * own checks, programming errors) is returned unchanged, so it stays a 500.
 * @param operation the engine operation (e.g. `groups.metadata`), kept on the engine error
 */
export function toEngineError(error: unknown, operation?: string): unknown {
  if (error instanceof WhatsAppEngineError || !isBoom(error)) return error;
  const code = whatsappCodeOf(error.data);
  if (code === undefined) {
    return error.output?.statusCode === CONNECTION_CLOSED && error.data == null
      ? new SessionNotConnectedError(undefined, operation)
      : error;
  }
  const text = error.message === 'Unknown error' ? '' : error.message;
  const Kind = (code !== null && BY_WHATSAPP_CODE.get(code)) || WhatsAppRequestError;
  const mapped = new Kind(code, text, operation);
  mapped.cause = error;
  return mapped;
}

/**
 * For `.catch()` on a Baileys call: rethrows what the call threw as {@link toEngineError} maps it,
 * e.g. `await sock.groupMetadata(jid).catch(rethrowAsEngineError('groups.metadata'))`.
 */
export function rethrowAsEngineError(operation?: string): (error: unknown) => never {
  return (error: unknown) => {
    throw toEngineError(error, operation);
  };
}
