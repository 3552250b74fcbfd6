import { notSupported } from './not-supported';

/**
 * Privacy of the account: today its blocklist (docs/API.md §3.3 `POST /api/chat/block`);
 * privacy settings come with the profile routes. Every operation throws
 * `SessionNotConnectedError` when the session is not connected.
 */
export interface PrivacyFacet {
  /**
   * Blocks `jid` (a phone JID or a LID) on every device of the account: WhatsApp stops
   * delivering its messages, calls and presence. Blocking a blocked contact changes nothing.
   */
  block(jid: string): Promise<void>;

  /** Unblocks `jid` (a phone JID or a LID); unblocking a contact not blocked changes nothing. */
  unblock(jid: string): Promise<void>;

  /** The account's blocklist as WhatsApp holds it: bare JIDs (phone JIDs or LIDs). */
  blocklist(): Promise<string[]>;
}

/** {@link PrivacyFacet} of an engine without it (D16). */
export const PRIVACY_NOT_SUPPORTED: PrivacyFacet = {
  block: () => notSupported('privacy.block'),
  unblock: () => notSupported('privacy.unblock'),
  blocklist: () => notSupported('privacy.blocklist'),
};
