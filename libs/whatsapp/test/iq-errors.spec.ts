import { Boom } from '@hapi/boom';
import { type Sandbox, startSandbox } from '@wharf/sandbox';
import {
  InMemoryAuthStateStore,
  SessionNotConnectedError,
  WhatsAppConflictError,
  WhatsAppItemNotFoundError,
  WhatsAppNotAuthorizedError,
  WhatsAppRateLimitedError,
  WhatsAppRequestError,
} from '@wharf/whatsapp';

import { rethrowAsEngineError, toEngineError } from '../src/baileys/iq-errors';
import { type BaileysModule, loadBaileys } from '../src/baileys/loader';
import { linkByQr, type SessionProbe } from './helpers';

/**
 * The error rc14's `query()` throws for an iq answered with `<error code text>`: made by Baileys'
 * own `assertNodeErrorFree` (WABinary/generic-utils.js), so `output.statusCode` is 500 and the
 * WhatsApp code is in `data`, exactly as on a live socket.
 */
function iqFailure(b: BaileysModule, attrs: Record<string, string>): Error {
  try {
    b.assertNodeErrorFree({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'error', id: '1' },
      content: [{ tag: 'error', attrs }],
    });
  } catch (error) {
    return error as Error;
  }
  throw new Error('assertNodeErrorFree did not throw');
}

describe('Baileys iq errors → engine errors (issue 12 §1)', () => {
  let b: BaileysModule;
  beforeAll(async () => {
    b = await loadBaileys();
  });

  it('builds the test errors the way rc14 does: status 500, the WhatsApp code in data', () => {
    const error = iqFailure(b, { code: '403', text: 'not-authorized' }) as Boom;
    expect(error.isBoom).toBe(true);
    expect(error.output.statusCode).toBe(500);
    expect(error.data).toBe(403);
    expect(error.message).toBe('not-authorized');
  });

  it.each([
    ['401', 'not-authorized', 'WHATSAPP_NOT_AUTHORIZED', WhatsAppNotAuthorizedError],
    ['403', 'forbidden', 'WHATSAPP_NOT_AUTHORIZED', WhatsAppNotAuthorizedError],
    ['404', 'item-not-found', 'WHATSAPP_ITEM_NOT_FOUND', WhatsAppItemNotFoundError],
    ['410', 'gone', 'WHATSAPP_ITEM_NOT_FOUND', WhatsAppItemNotFoundError],
    ['406', 'not-acceptable', 'WHATSAPP_CONFLICT', WhatsAppConflictError],
    ['409', 'conflict', 'WHATSAPP_CONFLICT', WhatsAppConflictError],
    ['429', 'rate-overlimit', 'WHATSAPP_RATE_LIMITED', WhatsAppRateLimitedError],
    ['500', 'internal-server-error', 'WHATSAPP_REQUEST_FAILED', WhatsAppRequestError],
    ['400', 'bad-request', 'WHATSAPP_REQUEST_FAILED', WhatsAppRequestError],
    ['503', 'service-unavailable', 'WHATSAPP_REQUEST_FAILED', WhatsAppRequestError],
  ])('iq error %s %s → %s', (code, text, engineCode, kind) => {
    const boom = iqFailure(b, { code, text });
    const mapped = toEngineError(boom, 'groups.metadata');
    expect(mapped).toBeInstanceOf(kind);
    expect(mapped).toMatchObject({
      code: engineCode,
      whatsappCode: Number(code),
      whatsappText: text,
      operation: 'groups.metadata',
      cause: boom,
    });
    expect((mapped as Error).message).toBe(`WhatsApp answered ${code} ${text} to groups.metadata`);
  });

  it('an iq error without code or text is a WhatsAppRequestError with neither', () => {
    const mapped = toEngineError(iqFailure(b, {}));
    expect(mapped).toBeInstanceOf(WhatsAppRequestError);
    expect(mapped).toMatchObject({
      code: 'WHATSAPP_REQUEST_FAILED',
      whatsappCode: null,
      whatsappText: '',
    });
  });

  it('reads the code of a failed w:mex (GraphQL) query from data.extensions.error_code', () => {
    // Shaped as node_modules/baileys/lib/Socket/mex.js throws it.
    const first = { message: 'not a channel admin', extensions: { error_code: 403 } };
    const boom = new Boom('GraphQL server error: not a channel admin', {
      statusCode: 403,
      data: first,
    });
    expect(toEngineError(boom, 'newsletters.update')).toBeInstanceOf(WhatsAppNotAuthorizedError);
  });

  it('a socket closed while the query waited is "not connected"', () => {
    const closed = new Boom('Connection Closed', { statusCode: 428 });
    expect(toEngineError(closed, 'calls.reject')).toBeInstanceOf(SessionNotConnectedError);
  });

  it('leaves Baileys’ own errors and everything else unchanged', () => {
    // Not an iq answer: Baileys' own check (Socket/chats.js appPatch), a timeout, a plain error.
    const ownCheck = new Boom('App state key not present!', { statusCode: 400 });
    const timeout = new Boom('Timed Out', { statusCode: 408, data: { stack: '' } });
    const plain = new TypeError('x is undefined');
    for (const error of [ownCheck, timeout, plain, 'text'])
      expect(toEngineError(error)).toBe(error);
    const engine = new SessionNotConnectedError();
    expect(toEngineError(engine, 'x')).toBe(engine);
  });

  it('ignores output.statusCode: a Boom whose status says 404 but data says 403 is not authorized', () => {
    const boom = new Boom('forbidden', { statusCode: 404, data: 403 });
    expect(toEngineError(boom)).toBeInstanceOf(WhatsAppNotAuthorizedError);
  });

  it('rethrowAsEngineError rethrows the mapped error for .catch()', async () => {
    const failing = Promise.reject(iqFailure(b, { code: '404', text: 'item-not-found' }));
    await expect(failing.catch(rethrowAsEngineError('groups.metadata'))).rejects.toBeInstanceOf(
      WhatsAppItemNotFoundError,
    );
  });
});

describe('BaileysSession: a WhatsApp iq error reaches the caller as an engine error', () => {
  const number = '5511910000031';
  let sandbox: Sandbox;
  let probe: SessionProbe;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
    sandbox.createPhone(number, 'Member of nothing');
    probe = await linkByQr(sandbox, new InMemoryAuthStateStore(), number);
  });

  afterAll(async () => {
    await probe.session.stop();
    await sandbox.close();
  });

  it('group metadata of a group the account is not in: 404 item-not-found → WhatsAppItemNotFoundError', async () => {
    const error: unknown = await probe.session
      .groups.participants('120363000000000031@g.us')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WhatsAppItemNotFoundError);
    expect(error).toMatchObject({
      code: 'WHATSAPP_ITEM_NOT_FOUND',
      whatsappCode: 404,
      whatsappText: 'item-not-found',
      operation: 'groups.participants',
    });
  });
});
