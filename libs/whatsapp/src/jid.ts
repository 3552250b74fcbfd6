import { InvalidJidError } from './errors';

/**
 * JID helpers (D13). A JID is `<user>[:<device>]@<server>`:
 * - phone number: `<digits>@s.whatsapp.net` (devices: `<digits>:<device>@s.whatsapp.net`);
 * - LID (linked identity): `<digits>@lid`;
 * - group: `<digits>@g.us` (older groups: `<creator>-<time>@g.us`);
 * - newsletter (channel): `<digits>@newsletter`;
 * - the status broadcast list: `status@broadcast`.
 */
export const PHONE_SERVER = 's.whatsapp.net';
export const LID_SERVER = 'lid';
export const GROUP_SERVER = 'g.us';
export const NEWSLETTER_SERVER = 'newsletter';
export const STATUS_BROADCAST_JID = 'status@broadcast';

/** What a JID addresses. */
export type JidKind = 'phone' | 'lid' | 'group' | 'newsletter' | 'status';

/** A JID split into its parts. `device` is null when the JID names no device. */
export interface ParsedJid {
  user: string;
  device: number | null;
  server: string;
}

const JID_PATTERN = /^([^@:\s]+?)(?::(\d+))?@([a-z.]+)$/;
const DIGITS = /^\d+$/;
const PHONE_DIGITS = /^[1-9]\d{5,14}$/;
const GROUP_USER = /^\d+(?:-\d+)?$/;

/** Splits `<user>[:<device>]@<server>`; null when `jid` has another shape. */
export function parseJid(jid: string): ParsedJid | null {
  const match = JID_PATTERN.exec(jid.trim().toLowerCase());
  if (!match) {
    return null;
  }
  return {
    user: match[1],
    device: match[2] === undefined ? null : Number(match[2]),
    server: match[3],
  };
}

/** The kind of a JID, or null when it is none of the supported kinds. */
export function jidKind(jid: string): JidKind | null {
  const parsed = parseJid(jid);
  if (!parsed) {
    return null;
  }
  const { user, server } = parsed;
  switch (server) {
    case PHONE_SERVER:
    case 'c.us':
      return PHONE_DIGITS.test(stripAgent(user)) ? 'phone' : null;
    case LID_SERVER:
      return DIGITS.test(user) ? 'lid' : null;
    case GROUP_SERVER:
      return GROUP_USER.test(user) && parsed.device === null ? 'group' : null;
    case NEWSLETTER_SERVER:
      return DIGITS.test(user) && parsed.device === null ? 'newsletter' : null;
    case 'broadcast':
      return user === 'status' && parsed.device === null ? 'status' : null;
    default:
      return null;
  }
}

/** True for a phone-number JID (`…@s.whatsapp.net`, with or without a device). */
export function isPhoneJid(jid: string): boolean {
  return jidKind(jid) === 'phone';
}

/** True for a LID JID (`…@lid`). */
export function isLidJid(jid: string): boolean {
  return jidKind(jid) === 'lid';
}

/** True for a group JID (`…@g.us`). */
export function isGroupJid(jid: string): boolean {
  return jidKind(jid) === 'group';
}

/** True for a newsletter (channel) JID (`…@newsletter`). */
export function isNewsletterJid(jid: string): boolean {
  return jidKind(jid) === 'newsletter';
}

/** True for `status@broadcast`. */
export function isStatusBroadcast(jid: string): boolean {
  return jidKind(jid) === 'status';
}

/**
 * The digits of a phone number typed with an optional leading `+`, spaces, dashes and
 * parentheses (D13): `+55 (11) 99999-9999` → `5511999999999`. E.164: 6–15 digits, no leading
 * zero. Throws {@link InvalidJidError} otherwise.
 */
export function normalizePhoneNumber(input: string): string {
  const digits = input
    .trim()
    .replace(/^\+/, '')
    .replace(/[\s\-()]/g, '');
  if (!PHONE_DIGITS.test(digits)) {
    throw new InvalidJidError(`Invalid phone number: ${input}`);
  }
  return digits;
}

/**
 * `<digits>@s.whatsapp.net` for a phone number (D13 punctuation allowed) or a phone-number JID
 * (its device is dropped; `@c.us` is read as `@s.whatsapp.net`). Throws {@link InvalidJidError}
 * for anything else, LIDs and groups included.
 */
export function toPhoneJid(numberOrJid: string): string {
  if (!numberOrJid.includes('@')) {
    return `${normalizePhoneNumber(numberOrJid)}@${PHONE_SERVER}`;
  }
  const parsed = parseJid(numberOrJid);
  if (!parsed || jidKind(numberOrJid) !== 'phone') {
    throw new InvalidJidError(`Not a phone number JID: ${numberOrJid}`);
  }
  return `${stripAgent(parsed.user)}@${PHONE_SERVER}`;
}

/**
 * A recipient as D13 accepts it, in canonical form: a phone number becomes
 * `<digits>@s.whatsapp.net`; phone and LID JIDs lose their device; group, newsletter and
 * `status@broadcast` JIDs are returned lower-cased. Throws {@link InvalidJidError} otherwise.
 */
export function normalizeRecipient(input: string): string {
  if (!input.includes('@')) {
    return toPhoneJid(input);
  }
  const kind = jidKind(input);
  const parsed = parseJid(input);
  if (!kind || !parsed) {
    throw new InvalidJidError(`Invalid JID: ${input}`);
  }
  switch (kind) {
    case 'phone':
      return toPhoneJid(input);
    case 'lid':
      return `${parsed.user}@${LID_SERVER}`;
    case 'group':
    case 'newsletter':
      return `${parsed.user}@${parsed.server}`;
    case 'status':
      return STATUS_BROADCAST_JID;
  }
}

/** The phone number (digits) of a phone-number JID, or null for any other JID. */
export function phoneNumberOf(jid: string): string | null {
  const parsed = parseJid(jid);
  return parsed && jidKind(jid) === 'phone' ? stripAgent(parsed.user) : null;
}

/** Drops a device/agent suffix: `5511…:3@s.whatsapp.net` → `5511…@s.whatsapp.net`. */
export function toUserJid(jid: string): string {
  const parsed = parseJid(jid);
  if (!parsed) {
    throw new InvalidJidError(`Invalid JID: ${jid}`);
  }
  const server = parsed.server === 'c.us' ? PHONE_SERVER : parsed.server;
  return `${stripAgent(parsed.user)}@${server}`;
}

function stripAgent(user: string): string {
  const underscore = user.indexOf('_');
  return underscore === -1 ? user : user.slice(0, underscore);
}

/**
 * Brazilian mobile numbers (D13, docs/API.md §1.7): `55`, a two-digit area code (digits 1–9), then a
 * 9-digit mobile number that starts with the 9th digit `9` followed by the old 8-digit number
 * (mobile ranges start with 6–9). WhatsApp accounts created before the 9th digit (2012) may
 * still be registered under the 8-digit form. Landlines (8 digits starting with 2–5) never had
 * a 9, so they have no variant, and dropping the 9 from `9` + 2–5… would name a landline.
 */
const BRAZIL_MOBILE_WITH_NINE = /^55([1-9]{2})9([6-9]\d{7})$/;
const BRAZIL_MOBILE_WITHOUT_NINE = /^55([1-9]{2})([6-9]\d{7})$/;

/**
 * The other 9th-digit form of a Brazilian mobile number (digits, country code first), or null
 * when it has none (D13): `5511987654321` ↔ `551187654321`. Landlines (`551132654321`),
 * numbers of other countries and malformed numbers have no variant. The one rule of the
 * project (issue 12 §6): sending (recipient resolution) and chat reads both use it.
 */
export function brazilianVariant(number: string): string | null {
  const withNine = BRAZIL_MOBILE_WITH_NINE.exec(number);
  if (withNine) return `55${withNine[1]}${withNine[2]}`;
  const withoutNine = BRAZIL_MOBILE_WITHOUT_NINE.exec(number);
  if (withoutNine) return `55${withoutNine[1]}9${withoutNine[2]}`;
  return null;
}

/**
 * A JID and the JID of its Brazilian 9th-digit variant (D13: WhatsApp may know either form),
 * or just the JID when it has none (not a phone-number JID, a device JID, a landline, not
 * Brazilian). `jid` is expected in canonical form ({@link normalizeRecipient}).
 */
export function withBrazilianVariant(jid: string): string[] {
  const parsed = parseJid(jid);
  if (!parsed || parsed.server !== PHONE_SERVER || parsed.device !== null) return [jid];
  const variant = brazilianVariant(parsed.user);
  return variant ? [jid, `${variant}@${PHONE_SERVER}`] : [jid];
}
