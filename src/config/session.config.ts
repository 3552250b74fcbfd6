import { registerAs } from '@nestjs/config';

import { ConfigError, readEnum, readInt, readString, readUrl } from './env';

export interface SessionConfig {
  /** WA_SANDBOX_URL: connect to the sandbox instead of WhatsApp and trust only its root key (issue 3). */
  sandboxUrl: string | undefined;
  /** WA_VERSION: the WhatsApp Web version the client announces (never fetched at run time). */
  waVersion: [number, number, number];
  /** SESSION_LEASE_TTL_MS: lifetime of a session lease in Redis (D20). */
  leaseTtlMs: number;
  /** SESSION_RESTORE_PER_SECOND: most sessions started per second on boot (D10: 10). */
  restorePerSecond: number;
  /** SESSION_MAX_RECONNECT_FAILURES: failures in a row before a session stops retrying (D10: 20). */
  maxReconnectFailures: number;
  /** SESSION_RECONNECT_MAX_DELAY_MS: ceiling of the reconnect backoff (D10: 5 min). */
  reconnectMaxDelayMs: number;
  /** SESSION_RECONNECT_BASE_DELAY_MS: first reconnect delay (D10: 1 s). */
  reconnectBaseDelayMs: number;
  /** CONNECT_TIMEOUT_MS: how long `connect` waits for the first QR or code (D9: 60 s). */
  connectTimeoutMs: number;
  /** ENGINE_LOG_LEVEL: minimum level of the WhatsApp engine's own log lines (default `warn`; it is chatty). */
  engineLogLevel: (typeof ENGINE_LOG_LEVELS)[number];
}

export const ENGINE_LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** The WhatsApp Web version Baileys rc14 was released with. */
export const DEFAULT_WA_VERSION: [number, number, number] = [2, 3000, 1027934701];

export function loadSessionConfig(): SessionConfig {
  const rawVersion = readString('WA_VERSION');
  let waVersion = DEFAULT_WA_VERSION;
  if (rawVersion !== undefined) {
    const parts = rawVersion.split(/[.,]/).map((p) => p.trim());
    if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) {
      throw new ConfigError('WA_VERSION', `must look like 2.3000.1027934701 (got "${rawVersion}")`);
    }
    waVersion = parts.map(Number) as [number, number, number];
  }
  return {
    sandboxUrl: readUrl('WA_SANDBOX_URL', ['ws:', 'wss:']),
    waVersion,
    leaseTtlMs: readInt('SESSION_LEASE_TTL_MS', 15_000, 1_000, 600_000),
    restorePerSecond: readInt('SESSION_RESTORE_PER_SECOND', 10, 1, 1_000),
    maxReconnectFailures: readInt('SESSION_MAX_RECONNECT_FAILURES', 20, 1, 1_000),
    reconnectMaxDelayMs: readInt('SESSION_RECONNECT_MAX_DELAY_MS', 300_000, 100, 3_600_000),
    reconnectBaseDelayMs: readInt('SESSION_RECONNECT_BASE_DELAY_MS', 1_000, 10, 60_000),
    connectTimeoutMs: readInt('CONNECT_TIMEOUT_MS', 60_000, 1_000, 600_000),
    engineLogLevel: readEnum('ENGINE_LOG_LEVEL', ENGINE_LOG_LEVELS, 'warn'),
  };
}

export const sessionConfig = registerAs('session', loadSessionConfig);
