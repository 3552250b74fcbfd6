import { HttpStatus } from '@nestjs/common';
import { fixedError } from '@wharf/common/errors';

/**
 * 400 of `connect`/`reconnect` (D12): the instance's proxy host is, or now resolves to, a
 * private, loopback or special-use address (or this machine's own) and is not allowed by
 * PROXY_ALLOWED_HOSTS or ALLOW_PRIVATE_TARGETS. Nothing is sent to it, credentials least of all.
 */
export class ProxyRefusedError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'PROXY_REFUSED',
  'Proxy refused: the proxy host is or resolves to a private or loopback address (D12)',
) {}
