/**
 * Typed, validated reading of environment variables. This folder is the only place in Wharf
 * that reads `process.env` (docs/CONVENTIONS.md §5).
 *
 * Every reader throws {@link ConfigError} with one line naming the variable, so that a wrong
 * value stops start-up with a clear message (issue "Platform", Configuration).
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The raw environment; tests may swap it through {@link withEnvironment}. */
let source: Env = process.env;

/** Runs `fn` reading variables from `env` instead of `process.env` (tests and tools). */
export function withEnvironment<T>(env: Env, fn: () => T): T {
  const previous = source;
  source = env;
  try {
    return fn();
  } finally {
    source = previous;
  }
}

/** The value of `name`, trimmed; `undefined` when unset or blank. */
export function readString(name: string): string | undefined {
  const raw = source[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  return value === '' ? undefined : value;
}

export function readInt(name: string, fallback: number, min: number, max: number): number {
  const raw = readString(name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  }
  return value;
}

export function readBool(name: string, fallback: boolean): boolean {
  const raw = readString(name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

export function readEnum<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const raw = readString(name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

/** A URL whose protocol is one of `protocols` (e.g. `['http:', 'https:']`). */
export function readUrl(name: string, protocols: readonly string[]): string | undefined {
  const raw = readString(name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use one of ${protocols.join(', ')} (got "${url.protocol}")`);
  }
  return raw;
}
