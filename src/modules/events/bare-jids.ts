import { parseJid } from '@wharf/whatsapp';

/**
 * Keys whose values are free text (message text, captions, names, vCards, media bytes): never
 * read as JIDs, so a text that happens to look like a device JID reaches clients unchanged.
 */
const FREE_TEXT_KEYS = new Set([
  'content',
  'text',
  'caption',
  'quotedContent',
  'previousContent',
  'description',
  'name',
  'title',
  'body',
  'footer',
  'vcard',
  'displayName',
  'groupName',
  'base64',
  'qrCode',
  'qrCodeBase64',
  'error',
]);

/** Servers whose JIDs can name a device (`<user>[_<agent>]:<device>@<server>`). */
const DEVICE_SERVERS = new Set(['s.whatsapp.net', 'lid']);

/**
 * The bare user JID of a device JID (D25): `5511…:1@s.whatsapp.net` → `5511…@s.whatsapp.net`,
 * `1997…:3@lid` → `1997…@lid` (an agent suffix `_<n>` goes too). Any other string — bare JIDs,
 * group and newsletter JIDs, text — is returned unchanged.
 */
export function bareJid(value: string): string {
  if (!value.includes('@') || (!value.includes(':') && !value.includes('_'))) return value;
  const parsed = parseJid(value);
  if (!parsed || !DEVICE_SERVERS.has(parsed.server)) return value;
  const underscore = parsed.user.indexOf('_');
  const user = underscore === -1 ? parsed.user : parsed.user.slice(0, underscore);
  if (parsed.device === null && underscore === -1) return value;
  return `${user}@${parsed.server}`;
}

/**
 * One normalisation of JIDs for every event (D25): a copy of `value` where every string that is
 * a device JID becomes the bare user JID ({@link bareJid}), at any depth, in objects and arrays;
 * values under free-text keys ({@link FREE_TEXT_KEYS}) are left as they are. No event field is
 * documented as a device JID, so none keeps its device part. `Date`s and other non-plain objects
 * are returned as they are.
 */
export function bareJids<T>(value: T): T {
  return walk(value, null) as T;
}

function walk(value: unknown, key: string | null): unknown {
  if (typeof value === 'string')
    return key !== null && FREE_TEXT_KEYS.has(key) ? value : bareJid(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, key));
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(v, k)]),
  );
}
