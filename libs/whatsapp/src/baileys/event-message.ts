import type { BinaryNode, EventMessageOptions, proto } from 'baileys';

import type { InboundEvent, OutgoingEvent } from '../messages';

/**
 * WhatsApp event messages (D25 `POST /api/message/event`) at the Baileys border. Baileys rc14
 * builds `eventMessage` from its `event` content (with the `messageSecret` invitees encrypt
 * their answers to) but has no option for `joinLink`, `hasReminder` or `reminderOffsetSec`:
 * {@link eventMessageExtras} adds them to the built proto before it is relayed.
 */

/** Baileys' `event` content of an {@link OutgoingEvent} (times: Unix seconds → Date). */
export function toEngineEvent(content: OutgoingEvent): EventMessageOptions {
  const location = content.location;
  return {
    name: content.name,
    ...(content.description !== undefined ? { description: content.description } : {}),
    startDate: new Date(content.startTime * 1000),
    ...(content.endTime !== undefined ? { endDate: new Date(content.endTime * 1000) } : {}),
    ...(location
      ? {
          location: {
            name: location.name,
            address: location.address,
            degreesLatitude: location.latitude,
            degreesLongitude: location.longitude,
          },
        }
      : {}),
    isCancelled: content.isCanceled ?? false,
    isScheduleCall: content.isScheduleCall ?? false,
    extraGuestsAllowed: content.extraGuestsAllowed ?? false,
  };
}

/** The `eventMessage` fields Baileys' builder does not set, to merge into the built proto. */
export function eventMessageExtras(content: OutgoingEvent): proto.Message.IEventMessage {
  return {
    ...(content.joinLink !== undefined ? { joinLink: content.joinLink } : {}),
    ...(content.hasReminder !== undefined ? { hasReminder: content.hasReminder } : {}),
    ...(content.reminderOffsetSec !== undefined
      ? { reminderOffsetSec: content.reminderOffsetSec }
      : {}),
  };
}

/** The stanza child Baileys' own `sendMessage` adds to an event creation (`<meta event_type>`). */
export const EVENT_CREATION_NODE: BinaryNode = { tag: 'meta', attrs: { event_type: 'creation' } };

function seconds(
  value: number | { toNumber(): number } | string | null | undefined,
): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'object' ? value.toNumber() : Number(value);
  return Number.isFinite(n) ? n : null;
}

function iso(value: Parameters<typeof seconds>[0]): string | null {
  const n = seconds(value);
  return n === null || n <= 0 ? null : new Date(n * 1000).toISOString();
}

/** The D25 `message.event` block of a received `eventMessage`. */
export function inboundEventOf(m: proto.Message.IEventMessage): InboundEvent {
  const loc = m.location;
  return {
    eventMessageId: null,
    name: m.name ?? null,
    description: m.description ?? null,
    startAt: iso(m.startTime),
    endAt: iso(m.endTime),
    location: loc
      ? {
          name: loc.name ?? null,
          address: loc.address ?? null,
          latitude: loc.degreesLatitude ?? null,
          longitude: loc.degreesLongitude ?? null,
        }
      : null,
    joinLink: m.joinLink || null,
    isScheduleCall: Boolean(m.isScheduleCall),
    hasReminder: Boolean(m.hasReminder),
    reminderOffsetSec: seconds(m.reminderOffsetSec),
    extraGuestsAllowed: Boolean(m.extraGuestsAllowed),
    isCanceled: Boolean(m.isCanceled),
  };
}

/** The D25 `message.event` block of an (encrypted) event response: the event it answers. */
export function inboundEventResponseOf(m: proto.Message.IEncEventResponseMessage): InboundEvent {
  return {
    eventMessageId: m.eventCreationMessageKey?.id ?? null,
    name: null,
    description: null,
    startAt: null,
    endAt: null,
    location: null,
    joinLink: null,
    isScheduleCall: false,
    hasReminder: false,
    reminderOffsetSec: null,
    extraGuestsAllowed: false,
    isCanceled: false,
  };
}
