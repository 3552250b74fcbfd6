import { InvalidJidError, normalizeRecipient, toPhoneJid } from '@wharf/whatsapp';

import { InvalidNumberError } from '../messaging.errors';

/**
 * Runs a recipient conversion of `@wharf/whatsapp`, turning its `InvalidJidError` into the 400
 * `Invalid phone number or JID` of docs/API.md §3.2.
 * @throws InvalidNumberError
 */
export function recipients<T>(convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof InvalidJidError) throw new InvalidNumberError();
    throw error;
  }
}

/**
 * The canonical JID of a send's `number` (D13: digits with punctuation, or a JID), before the
 * account lookup of the send service.
 * @throws InvalidNumberError
 */
export function recipientJidOf(number: string): string {
  return recipients(() => normalizeRecipient(number));
}

/**
 * The phone JIDs of a `mention` list (docs/API.md §3.2: numbers or phone JIDs); `undefined` without one.
 * @throws InvalidNumberError for an entry that is not a phone number
 */
export function mentionJidsOf(numbers: string[] | undefined): string[] | undefined {
  return recipients(() => numbers?.map((number) => toPhoneJid(number)));
}
