import type { InboundEvent, OutgoingEvent } from './messages';

/**
 * The D25 `message.event` block of an event Wharf sends, in the shape received events have
 * (times ISO-8601 UTC), so an outgoing and an incoming event read alike.
 */
export function eventOfOutgoing(content: OutgoingEvent): InboundEvent {
  const iso = (seconds: number | undefined) =>
    seconds === undefined ? null : new Date(seconds * 1000).toISOString();
  const location = content.location;
  return {
    eventMessageId: null,
    name: content.name,
    description: content.description ?? null,
    startAt: iso(content.startTime),
    endAt: iso(content.endTime),
    location: location
      ? {
          name: location.name ?? null,
          address: location.address ?? null,
          latitude: location.latitude ?? null,
          longitude: location.longitude ?? null,
        }
      : null,
    joinLink: content.joinLink ?? null,
    isScheduleCall: content.isScheduleCall ?? false,
    hasReminder: content.hasReminder ?? false,
    reminderOffsetSec: content.reminderOffsetSec ?? null,
    extraGuestsAllowed: content.extraGuestsAllowed ?? false,
    isCanceled: content.isCanceled ?? false,
  };
}

/**
 * D7 `content` of an event message (a short textual rendering): `📅 <name>`, then the start
 * and end (ISO-8601), then the description, one per line; `""` for an event response.
 */
export function renderEvent(event: InboundEvent): string {
  if (event.eventMessageId) return '';
  const when = event.startAt ? [event.startAt, event.endAt].filter(Boolean).join(' – ') : null;
  return [event.name ? `📅 ${event.name}` : '📅', when, event.description]
    .filter(Boolean)
    .join('\n');
}
