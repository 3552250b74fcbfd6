import type { IncomingMessage } from 'node:http';

import type { AppConfig } from '@wharf/config';
import type { Params } from 'nestjs-pino';

/** Removes credentials from a URL before it is logged (`?token=` of the WebSocket upgrade, D8). */
export function maskUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&](?:token|apikey|access_token)=)[^&#]*/gi, '$1[redacted]');
}

/** Header and body paths pino must never print (docs/CONVENTIONS.md §11, D3). */
export const REDACTED_PATHS = [
  'req.headers.token',
  'req.headers.authorization',
  'req.headers.apikey',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.password',
  '*.proxyPassword',
  '*.secretKey',
  '*.s3SecretKey',
  '*.authorization',
  '*.webhookAuthorization',
  '*.chatwootApiToken',
  '*.secret',
];

/** nestjs-pino options: one JSON line per request with the request id; secrets redacted. */
export function loggerOptions(app: AppConfig): Params {
  return {
    pinoHttp: {
      level: app.logLevel,
      genReqId: (req: IncomingMessage) =>
        (req as IncomingMessage & { id?: string }).id ?? 'unknown',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: maskUrl(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req: IncomingMessage) => Boolean(req.url?.startsWith('/health')) },
      quietReqLogger: true,
      transport: undefined,
    },
  };
}
