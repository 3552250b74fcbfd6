import { NotSupportedByEngineError } from '../errors';

/**
 * The default of every facet operation an engine does not implement: a rejection with
 * {@link NotSupportedByEngineError} naming the operation (`'<facet>.<operation>'`, D16).
 */
export function notSupported(operation: string): Promise<never> {
  return Promise.reject(new NotSupportedByEngineError(operation));
}
