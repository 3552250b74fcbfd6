import { resolve } from 'node:path';

import { registerAs } from '@nestjs/config';

import { ConfigError, readBool, readEnum, readInt, readString, readUrl } from './env';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface AppConfig {
  nodeEnv: (typeof NODE_ENVS)[number];
  /** TCP port of the HTTP server (PORT, default 8080). */
  port: number;
  host: string;
  /** Public base URL, used in event envelopes (`instanceData.baseUrl`) and media links. */
  publicUrl: string;
  /** Absolute path of the data directory (SQLite file, generated secrets, local media). */
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Allowed browser origins (D21); `['*']` allows any, `[]` allows none. */
  corsOrigins: string[];
  docsEnabled: boolean;
  /** Largest accepted request body, bytes. */
  bodyLimitBytes: number;
  /** TRUST_PROXY: take the client address from `X-Forwarded-For` (behind a load balancer). */
  trustProxy: boolean;
  /** WS_HEARTBEAT_MS: server ping interval of the event WebSocket; two missed pongs end it (D8). */
  wsHeartbeatMs: number;
}

export function loadAppConfig(): AppConfig {
  const nodeEnv = readEnum('NODE_ENV', NODE_ENVS, 'development');
  const port = readInt('PORT', 8080, 0, 65535);
  const host = readString('HOST') ?? '0.0.0.0';
  const publicUrl = (
    readUrl('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`
  ).replace(/\/+$/, '');
  const corsRaw = readString('CORS_ORIGINS');
  const corsOrigins = corsRaw
    ? corsRaw
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean)
    : [];
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `has an invalid origin "${origin}" (scheme://host[:port])`,
      );
    }
  }
  return {
    nodeEnv,
    port,
    host,
    publicUrl,
    dataDir: resolve(readString('DATA_DIR') ?? './data'),
    logLevel: readEnum('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info'),
    corsOrigins,
    docsEnabled: readBool('DOCS_ENABLED', true),
    bodyLimitBytes: readInt('BODY_LIMIT_BYTES', 100 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy: readBool('TRUST_PROXY', false),
    wsHeartbeatMs: readInt('WS_HEARTBEAT_MS', 30_000, 100, 600_000),
  };
}

export const appConfig = registerAs('app', loadAppConfig);
