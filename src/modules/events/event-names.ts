/** The six event names of API.md §2.5, also the filter values of webhook and WebSocket configs. */
export const EVENT_NAMES = [
  'message.exchange',
  'message.status',
  'call.update',
  'group.flow',
  'instance.state',
  'label.update',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/**
 * Checks an event filter: an array of distinct known names (order kept; empty = all six).
 * @returns an error text, or `null`
 */
export function checkEventFilter(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    return `${field} must be an array of event names`;
  const unknown = value.filter((v) => !(EVENT_NAMES as readonly string[]).includes(v as string));
  if (unknown.length)
    return `${field} has unknown event names: ${unknown.join(', ')} (allowed: ${EVENT_NAMES.join(', ')})`;
  return null;
}
