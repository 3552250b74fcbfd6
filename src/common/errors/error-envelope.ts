import { ErrorDetail } from './domain-error';

/** The D2 envelope: `{ success: false, error: { message, code, details? } }`. */
export interface ErrorEnvelope {
  success: false;
  error: { message: string; code: string; details?: ErrorDetail[] };
}

export function errorEnvelope(
  message: string,
  code: string,
  details?: ErrorDetail[],
): ErrorEnvelope {
  return {
    success: false,
    error: details?.length ? { message, code, details } : { message, code },
  };
}
