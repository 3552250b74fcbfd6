import { notSupported } from './not-supported';

/** Groups of a session (the group routes of the coming issues add their operations here). */
export interface GroupsFacet {
  /**
   * JIDs of every participant of the group `groupJid` (as WhatsApp addresses them). Throws
   * `SessionNotConnectedError` when not connected.
   */
  participants(groupJid: string): Promise<string[]>;
}

/** {@link GroupsFacet} of an engine without it (D16). */
export const GROUPS_NOT_SUPPORTED: GroupsFacet = {
  participants: () => notSupported('groups.participants'),
};
