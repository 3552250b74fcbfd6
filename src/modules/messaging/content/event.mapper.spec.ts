import { ValidationFailedError } from '@wharf/common/errors';

import type { SendEventDto } from '../dto/send-event.dto';
import { toEventContent } from './event.mapper';

const dto = (extra: Partial<SendEventDto> = {}): SendEventDto => ({
  number: '5511999999999',
  name: 'Quarterly review',
  startAt: '2026-05-04T14:00:00-03:00',
  ...extra,
});

describe('toEventContent (D25 POST /api/message/event)', () => {
  it('maps the required fields to whole Unix seconds and leaves the rest absent', () => {
    expect(toEventContent(dto())).toEqual({
      kind: 'event',
      name: 'Quarterly review',
      startTime: Date.parse('2026-05-04T17:00:00Z') / 1000,
    });
  });

  it('maps every optional field', () => {
    expect(
      toEventContent(
        dto({
          endAt: '2026-05-04T18:30:00.750Z',
          description: 'Numbers of Q1',
          location: { name: 'Head office', latitude: -23.5, longitude: -46.6 },
          joinLink: 'https://meet.example.com/q',
          isScheduleCall: true,
          hasReminder: true,
          reminderOffsetSec: 900,
          extraGuestsAllowed: true,
          isCanceled: false,
        }),
      ),
    ).toEqual({
      kind: 'event',
      name: 'Quarterly review',
      startTime: Date.parse('2026-05-04T17:00:00Z') / 1000,
      endTime: Date.parse('2026-05-04T18:30:00Z') / 1000,
      description: 'Numbers of Q1',
      location: { name: 'Head office', latitude: -23.5, longitude: -46.6 },
      joinLink: 'https://meet.example.com/q',
      isScheduleCall: true,
      hasReminder: true,
      reminderOffsetSec: 900,
      extraGuestsAllowed: true,
      isCanceled: false,
    });
  });

  it('drops an empty location', () => {
    expect(toEventContent(dto({ location: {} })).location).toBeUndefined();
  });

  it.each([
    ['equal to', '2026-05-04T17:00:00Z'],
    ['before', '2026-05-04T13:59:59-03:00'],
    ['within the same second as', '2026-05-04T17:00:00.900Z'],
  ])('refuses an endAt %s startAt with the D2 validation error', (_, endAt) => {
    let error: unknown;
    try {
      toEventContent(dto({ endAt }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).message).toBe(
      'Invalid request body: endAt must be later than startAt',
    );
  });
});
