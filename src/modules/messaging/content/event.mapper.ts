import { ValidationFailedError } from '@wharf/common/errors';
import type { OutgoingEvent } from '@wharf/whatsapp';

import type { SendEventDto } from '../dto/send-event.dto';

/** Whole Unix seconds of an ISO 8601 date-time with a zone (validated by the DTO). */
function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * The engine content of `POST /api/message/event` (D25), from a validated {@link SendEventDto}:
 * times become whole Unix seconds, absent optional fields stay absent. Pure: no I/O.
 * @throws ValidationFailedError `Invalid request body: endAt must be later than startAt` when
 *   `endAt` is not after `startAt` (compared to the second, as WhatsApp stores them)
 */
export function toEventContent(dto: SendEventDto): OutgoingEvent {
  const startTime = unixSeconds(dto.startAt);
  const endTime = dto.endAt === undefined ? undefined : unixSeconds(dto.endAt);
  if (endTime !== undefined && endTime <= startTime) {
    const message = 'endAt must be later than startAt';
    throw new ValidationFailedError(`Invalid request body: ${message}`, [
      { field: 'endAt', message },
    ]);
  }
  const location = dto.location
    ? Object.fromEntries(
        (['name', 'address', 'latitude', 'longitude'] as const)
          .filter((key) => dto.location![key] !== undefined)
          .map((key) => [key, dto.location![key]]),
      )
    : undefined;
  const optional = {
    description: dto.description,
    endTime,
    location: location && Object.keys(location).length ? location : undefined,
    joinLink: dto.joinLink,
    isScheduleCall: dto.isScheduleCall,
    hasReminder: dto.hasReminder,
    reminderOffsetSec: dto.reminderOffsetSec,
    extraGuestsAllowed: dto.extraGuestsAllowed,
    isCanceled: dto.isCanceled,
  };
  return {
    kind: 'event',
    name: dto.name,
    startTime,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}
