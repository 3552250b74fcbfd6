/**
 * Jest setup: Baileys rc14 leaves timers running after `sock.end()` — the 30 s race timer of
 * `uploadPreKeys` (socket.js, never cleared) and the 60 s timeout of every query still in flight
 * when the socket closes (`waitForMessage`, whose close listener `end()` removes). They would
 * keep Jest alive for up to a minute after the last test. This unrefs timers created from
 * inside `node_modules/baileys` only, so they still fire while tests run but no longer hold the
 * process open; the sandbox's and the tests' own timers are untouched.
 */
const originalSetTimeout = globalThis.setTimeout;

function setTimeoutUnrefForBaileys(
  this: unknown,
  ...args: Parameters<typeof setTimeout>
): ReturnType<typeof setTimeout> {
  const timer = originalSetTimeout.apply(this, args);
  if (new Error().stack?.includes('node_modules/baileys/')) {
    timer.unref();
  }
  return timer;
}

globalThis.setTimeout = Object.assign(setTimeoutUnrefForBaileys, originalSetTimeout);
