import type { WASocket } from 'baileys';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';

import type { SessionMe } from '../../types';
import type { BaileysModule } from '../loader';

/**
 * What a Baileys facet is given by the session that owns it: the connected socket of the moment
 * (sockets change across reconnects, so it is asked for on every call) and a few details.
 */
export interface BaileysFacetContext {
  /** The connected socket. @throws SessionNotConnectedError when the session is not connected. */
  socket(): WASocket;
  /** The loaded Baileys module, or null before the first `start()`. */
  baileys(): BaileysModule | null;
  /** The linked account, or null. */
  me(): SessionMe | null;
  /** The instance's logger. */
  readonly log: Logger;
  /** The logger Baileys itself writes to (its upload helpers take one). */
  readonly engineLog: Logger;
  /**
   * Resolves once the phone has shared the app-state key with this device (at once when it
   * has), waiting a bounded time for it (`BaileysSessionOptions.appStateKeyWaitMs`).
   * @throws AppStateNotReadyError naming `operation` when the key does not come in time
   */
  appStateKey(operation: string): Promise<void>;
  /** The undici dispatcher of media downloads (sandbox CA, proxy); `undefined`: fetch's default. */
  mediaDispatcher(): Dispatcher | undefined;
}
