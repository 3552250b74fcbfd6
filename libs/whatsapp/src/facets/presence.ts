import type { OwnPresence } from '../types';
import { notSupported } from './not-supported';

/** A chat state shown to the other side of a chat (D14 `delay`). */
export type ChatPresence = 'composing' | 'recording' | 'paused';

/** Presence of a session. Both operations throw `SessionNotConnectedError` when not connected. */
export interface PresenceFacet {
  /** Sets the own presence (online / offline). */
  setOwn(presence: OwnPresence): Promise<void>;

  /**
   * Shows "typing…" (`composing`), "recording audio…" (`recording`) or stops it (`paused`) in the
   * chat `chatJid`.
   */
  setInChat(chatJid: string, presence: ChatPresence): Promise<void>;
}

/** {@link PresenceFacet} of an engine without it (D16). */
export const PRESENCE_NOT_SUPPORTED: PresenceFacet = {
  setOwn: () => notSupported('presence.setOwn'),
  setInChat: () => notSupported('presence.setInChat'),
};
