/**
 * An error the control API reports as `{ "error": message }` with `status` (400 invalid input,
 * 404 unknown phone/ref/call, 409 conflicting state, 410 expired QR ref).
 */
export class SandboxError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 410,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

/** The message of a caught value (an Error's message, anything else as a string). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
