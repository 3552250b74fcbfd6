import type { PhoneDirectory } from './directory';
import { LID_SERVER, lidJid, parseJid, PN_SERVER, pnJid } from './jid';
import type { BlockedContact, Phone } from './state';

/**
 * What an account's settings decide for the router and the features: who it blocked
 * (features/blocklist.ts) and its privacy categories (features/privacy.ts). Both live on the
 * {@link Phone} (saved with it, persistence.ts); these functions read them with their defaults.
 */

/** Privacy settings WhatsApp reports for a fresh account (`iq xmlns="privacy" get`). */
export const DEFAULT_PRIVACY: Readonly<Record<string, string>> = {
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'contacts',
  groupadd: 'all',
  readreceipts: 'all',
  calladd: 'all',
  messages: 'all',
  defense: 'off',
};

/**
 * The values each privacy category accepts, from Baileys rc14's types (`WAPrivacyValue`,
 * `WAPrivacyOnlineValue`, `WAPrivacyGroupAddValue`, `WAReadReceiptsValue`, `WAPrivacyCallValue`,
 * `WAPrivacyMessagesValue` in Types/Chat.d.ts); `defense` (no Baileys setter) takes `off` and
 * `on_standard` **[guess]**. A set with another name or value is refused (round2-protocol §3.7).
 */
export const PRIVACY_VALUES: Readonly<Record<string, readonly string[]>> = {
  last: ['all', 'contacts', 'contact_blacklist', 'none'],
  online: ['all', 'match_last_seen'],
  profile: ['all', 'contacts', 'contact_blacklist', 'none'],
  status: ['all', 'contacts', 'contact_blacklist', 'none'],
  groupadd: ['all', 'contacts', 'contact_blacklist'],
  readreceipts: ['all', 'none'],
  calladd: ['all', 'known'],
  messages: ['all', 'contacts'],
  defense: ['off', 'on_standard'],
};

/** Every privacy category of an account with its value (the stored one, else the default). */
export function privacyOf(phone: Phone): Record<string, string> {
  return { ...DEFAULT_PRIVACY, ...Object.fromEntries(phone.privacy ?? []) };
}

/** The value of one privacy category of an account (the default when it never set it). */
export function privacySetting(phone: Phone, name: string): string {
  return phone.privacy?.get(name) ?? DEFAULT_PRIVACY[name];
}

/** The phone a user JID (`<number>@s.whatsapp.net` or `<lid>@lid`, any device) belongs to. */
export function phoneOfJid(directory: PhoneDirectory, jid: string): Phone | undefined {
  const parsed = parseJid(jid);
  if (parsed?.server === PN_SERVER) {
    return directory.phoneByNumber(parsed.user);
  }
  if (parsed?.server === LID_SERVER) {
    return directory.phoneByLid(parsed.user);
  }
  return undefined;
}

/**
 * The blocklist entry for a contact named by `jid` (LID or PN, device part dropped) and an
 * optional `pnJid`: for a sandbox phone its LID and PN JIDs whichever was given; otherwise the
 * given LID (with `pnJid` when it is a PN JID), or the given PN JID. Undefined for anything that
 * is not a user JID.
 */
export function blockedContactOf(
  directory: PhoneDirectory,
  jid: string,
  pn?: string,
): BlockedContact | undefined {
  const parsed = parseJid(jid);
  if (!parsed || (parsed.server !== PN_SERVER && parsed.server !== LID_SERVER)) {
    return undefined;
  }
  const phone = phoneOfJid(directory, jid);
  if (phone) {
    return { jid: lidJid(phone.lid), pn: phone.jid };
  }
  if (parsed.server === PN_SERVER) {
    return { jid: pnJid(parsed.user) };
  }
  const parsedPn = pn ? parseJid(pn) : undefined;
  return parsedPn?.server === PN_SERVER
    ? { jid: lidJid(parsed.user), pn: pnJid(parsedPn.user) }
    : { jid: lidJid(parsed.user) };
}

/** True when `blocker` blocked the account `contact` (by its LID or its PN). */
export function blocks(blocker: Phone, contact: Phone): boolean {
  const list = blocker.blocklist;
  return !!list && (list.has(lidJid(contact.lid)) || list.has(contact.jid));
}
