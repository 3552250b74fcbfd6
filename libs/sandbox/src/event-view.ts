import type { proto } from 'baileys';

/**
 * An event message (`eventMessage`) as a sandbox phone received it (`GET /phones/:number/messages`,
 * `type: "event"`): the fields WhatsApp shows on the event card. Times are ISO-8601 (UTC).
 */
export interface EventView {
  name: string;
  description?: string;
  startAt?: string;
  endAt?: string;
  location?: {
    name?: string;
    address?: string;
    degreesLatitude?: number;
    degreesLongitude?: number;
  };
  joinLink?: string;
  isScheduleCall: boolean;
  hasReminder: boolean;
  reminderOffsetSec?: number;
  extraGuestsAllowed: boolean;
  isCanceled: boolean;
  /** Whether the message carries the secret invitees encrypt their answers with. */
  hasMessageSecret: boolean;
}

function toNumber(value: number | { toString(): string } | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value.toString());
  return Number.isFinite(n) ? n : undefined;
}

function isoOf(value: number | { toString(): string } | null | undefined): string | undefined {
  const seconds = toNumber(value);
  return seconds ? new Date(seconds * 1000).toISOString() : undefined;
}

/** The {@link EventView} of a decrypted message's content, or undefined when it is no event. */
export function eventViewOf(content: proto.IMessage): EventView | undefined {
  const event = content.eventMessage;
  if (!event) return undefined;
  const loc = event.location;
  const location = loc
    ? {
        ...(loc.name ? { name: loc.name } : {}),
        ...(loc.address ? { address: loc.address } : {}),
        ...(loc.degreesLatitude != null ? { degreesLatitude: loc.degreesLatitude } : {}),
        ...(loc.degreesLongitude != null ? { degreesLongitude: loc.degreesLongitude } : {}),
      }
    : undefined;
  const startAt = isoOf(event.startTime);
  const endAt = isoOf(event.endTime);
  const reminderOffsetSec = toNumber(event.reminderOffsetSec);
  return {
    name: event.name ?? '',
    ...(event.description ? { description: event.description } : {}),
    ...(startAt ? { startAt } : {}),
    ...(endAt ? { endAt } : {}),
    ...(location ? { location } : {}),
    ...(event.joinLink ? { joinLink: event.joinLink } : {}),
    isScheduleCall: Boolean(event.isScheduleCall),
    hasReminder: Boolean(event.hasReminder),
    ...(reminderOffsetSec !== undefined ? { reminderOffsetSec } : {}),
    extraGuestsAllowed: Boolean(event.extraGuestsAllowed),
    isCanceled: Boolean(event.isCanceled),
    hasMessageSecret: Boolean(content.messageContextInfo?.messageSecret?.length),
  };
}
