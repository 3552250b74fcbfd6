/**
 * The other Brazilian 9th-digit form of `number` (digits, country code first), or null when it
 * has none (D13): `55` + 2-digit area code + `9` + 8 digits drops the 9; `55` + area code + 8
 * digits starting with 6–9 (mobile ranges) gains it. Landlines (8 digits starting 2–5) have no
 * variant.
 */
export function brazilianVariant(number: string): string | null {
  const mobile = /^55(\d{2})9(\d{8})$/.exec(number);
  if (mobile) return `55${mobile[1]}${mobile[2]}`;
  const old = /^55(\d{2})([6-9]\d{7})$/.exec(number);
  if (old) return `55${old[1]}9${old[2]}`;
  return null;
}
