/** Polls `read` until `match` accepts its value; rejects with the last value after `timeoutMs`. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  match: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (match(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
