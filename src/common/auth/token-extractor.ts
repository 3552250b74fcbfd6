/** Headers a token may arrive in (D3), most preferred first. */
export interface TokenSource {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
}

function header(source: TokenSource, name: string): string | undefined {
  const value = source.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The token of a request: `token` header, `Authorization: Bearer <token>`, or `apikey` header
 * (D3). `?token=` is honoured only when `allowQuery` is set (the WebSocket upgrade, D8).
 */
export function extractToken(source: TokenSource, allowQuery = false): string | undefined {
  const direct = header(source, 'token');
  if (direct) return direct;
  const authorization = header(source, 'authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apikey = header(source, 'apikey');
  if (apikey) return apikey;
  if (allowQuery && source.query && typeof source.query === 'object') {
    const value = (source.query as Record<string, unknown>).token;
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}
