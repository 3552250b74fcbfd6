import { ErrorDetail } from './domain-error';

/** Most `error.details` entries an answer lists; the rest are counted in `detailsOmitted`. */
export const MAX_ERROR_DETAILS = 20;
/** Longest `field` or `message` of a detail, and of `error.message`, in characters. */
export const MAX_ERROR_TEXT = 300;

/**
 * The D2 envelope: `{ success: false, error: { message, code, details?, detailsOmitted? } }`.
 * `detailsOmitted` (a Wharf addition) counts the details past the first {@link MAX_ERROR_DETAILS}.
 */
export interface ErrorEnvelope {
  success: false;
  error: { message: string; code: string; details?: ErrorDetail[]; detailsOmitted?: number };
}

/** `text` cut to {@link MAX_ERROR_TEXT} characters (an ellipsis marks the cut). */
function bounded(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

/**
 * Builds the D2 envelope. Bounded whatever the input (issue 11): at most
 * {@link MAX_ERROR_DETAILS} details (5,000 unknown properties answered 308 KB), and every text cut
 * to {@link MAX_ERROR_TEXT} characters, since a field name can come from the request.
 */
export function errorEnvelope(
  message: string,
  code: string,
  details?: ErrorDetail[],
): ErrorEnvelope {
  if (!details?.length) return { success: false, error: { message: bounded(message), code } };
  const shown = details
    .slice(0, MAX_ERROR_DETAILS)
    .map((detail) => ({ field: bounded(detail.field), message: bounded(detail.message) }));
  const omitted = details.length - shown.length;
  return {
    success: false,
    error: {
      message: bounded(message),
      code,
      details: shown,
      ...(omitted > 0 ? { detailsOmitted: omitted } : {}),
    },
  };
}
