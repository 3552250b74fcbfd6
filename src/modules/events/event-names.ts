/** The six event names of docs/API.md §2.5, also the filter values of webhook and WebSocket configs. */
export const EVENT_NAMES = [
  'message.exchange',
  'message.status',
  'call.update',
  'group.flow',
  'instance.state',
  'label.update',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** Longest text that can be an event name (the longest of {@link EVENT_NAMES} is 16). */
const MAX_EVENT_NAME_LENGTH = 64;

/**
 * Checks an event filter: an array of known names (order kept; empty = all six), at most as many
 * as there are event names (issue 11: bounded, so the error text that names the unknown ones is
 * bounded too). `null` or `undefined` is "no filter".
 * @returns an error text, or `null`
 */
export function checkEventFilter(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.length > EVENT_NAMES.length)
    return `${field} must contain at most ${EVENT_NAMES.length} event names`;
  if (
    !Array.isArray(value) ||
    value.some((v) => typeof v !== 'string' || v.length > MAX_EVENT_NAME_LENGTH)
  )
    return `${field} must be an array of event names`;
  const unknown = value.filter((v) => !(EVENT_NAMES as readonly string[]).includes(v as string));
  if (unknown.length)
    return `${field} has unknown event names: ${unknown.join(', ')} (allowed: ${EVENT_NAMES.join(', ')})`;
  return null;
}
