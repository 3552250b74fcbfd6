import type { NumberLookup } from '../messages';
import { notSupported } from './not-supported';

/** Contacts of a session: who has WhatsApp. */
export interface ContactsFacet {
  /**
   * Asks WhatsApp which of `numbers` (digits only, country code first) have an account (usync
   * contact query; D13). Answers one entry per number, in order. Throws
   * `SessionNotConnectedError` when not connected.
   */
  lookupNumbers(numbers: string[]): Promise<NumberLookup[]>;
}

/** {@link ContactsFacet} of an engine without it (D16). */
export const CONTACTS_NOT_SUPPORTED: ContactsFacet = {
  lookupNumbers: () => notSupported('contacts.lookupNumbers'),
};
