/** Fields of one contact card of `POST /api/message/contact` (docs/API.md §3.2). */
export interface VcardFields {
  fullName?: string;
  phone?: string;
  organization?: string;
  email?: string;
  url?: string;
}

/** Escapes a vCard text value (RFC 6350 §3.4): backslash, comma, semicolon and newlines. */
export function escapeVcardText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * The vCard text WhatsApp shows as a contact card: `VERSION:3.0` (what WhatsApp clients write
 * and read), CRLF line breaks and text escaping of RFC 6350 §3.4, `FN`/`N` from `fullName`
 * (or the phone when there is no name), `TEL;type=CELL;type=VOICE;waid=<digits>:+<digits>` so
 * the card offers "Message" on WhatsApp, then `ORG`, `EMAIL` and `URL` when given.
 * @returns the display name and the vCard text; `null` when the card has neither a name nor a
 *   phone with digits
 */
export function buildVcard(fields: VcardFields): { displayName: string; vcard: string } | null {
  const digits = (fields.phone ?? '').replace(/\D/g, '');
  const name = fields.fullName?.trim() || (digits ? `+${digits}` : '');
  if (!name) return null;
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `N:;${escapeVcardText(name)};;;`,
    `FN:${escapeVcardText(name)}`,
  ];
  if (fields.organization?.trim()) lines.push(`ORG:${escapeVcardText(fields.organization.trim())}`);
  if (digits) lines.push(`TEL;type=CELL;type=VOICE;waid=${digits}:+${digits}`);
  if (fields.email?.trim())
    lines.push(`EMAIL;type=INTERNET:${escapeVcardText(fields.email.trim())}`);
  // URL is a URI value (RFC 6350 §6.7.8), not text: no escaping, line breaks dropped.
  if (fields.url?.trim()) lines.push(`URL:${fields.url.trim().replace(/[\r\n]/g, '')}`);
  lines.push('END:VCARD');
  return { displayName: name, vcard: lines.join('\r\n') };
}
