/**
 * Reconnect delay of D10: exponential from `baseMs` doubling to `maxMs`, with "equal jitter"
 * (a random value in the upper half of the step) so many sessions do not retry in lockstep.
 * @param failures consecutive failures so far (1 for the first retry)
 * @returns milliseconds to wait
 */
export function reconnectDelayMs(
  failures: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
