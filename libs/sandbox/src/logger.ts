/** A pino-compatible log method: `(fields, message)`. */
export type SandboxLogFn = (fields: Record<string, unknown>, message: string) => void;

/** The subset of a pino logger the sandbox writes to. */
export interface SandboxLogger {
  debug: SandboxLogFn;
  info: SandboxLogFn;
  warn: SandboxLogFn;
  error: SandboxLogFn;
}

const noop: SandboxLogFn = () => undefined;

/** A logger that drops everything (the default). */
export const silentLogger: SandboxLogger = { debug: noop, info: noop, warn: noop, error: noop };
