/**
 * The URL an event is posted to (docs/API.md §2.3, D6): the configured URL as is, or with `byEvents`
 * the event name appended as a last path segment, query string and fragment kept
 * (`https://app/wh?x=1` → `https://app/wh/message.exchange?x=1`).
 */
export function deliveryUrl(url: string, byEvents: boolean, event: string): string {
  if (!byEvents) return url;
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/${event}`;
  return parsed.toString();
}
