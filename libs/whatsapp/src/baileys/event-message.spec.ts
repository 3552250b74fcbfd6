import { eventOfOutgoing, renderEvent } from '../event-content';
import type { OutgoingEvent } from '../messages';
import { eventMessageExtras, toEngineEvent } from './event-message';
import { renderContent } from './message-mapper';

const start = Date.parse('2026-05-04T17:00:00Z') / 1000;
const full: OutgoingEvent = {
  kind: 'event',
  name: 'Review',
  description: 'Q1 numbers',
  startTime: start,
  endTime: start + 3600,
  location: { name: 'Office', latitude: -23.5, longitude: -46.6 },
  joinLink: 'https://meet.example.com/r',
  isScheduleCall: true,
  hasReminder: true,
  reminderOffsetSec: 900,
  extraGuestsAllowed: true,
  isCanceled: false,
};

describe('event messages at the engine border (D25)', () => {
  it('builds Baileys event content and the fields its builder lacks', () => {
    expect(toEngineEvent(full)).toEqual({
      name: 'Review',
      description: 'Q1 numbers',
      startDate: new Date(start * 1000),
      endDate: new Date((start + 3600) * 1000),
      location: {
        name: 'Office',
        address: undefined,
        degreesLatitude: -23.5,
        degreesLongitude: -46.6,
      },
      isCancelled: false,
      isScheduleCall: true,
      extraGuestsAllowed: true,
    });
    expect(eventMessageExtras(full)).toEqual({
      joinLink: 'https://meet.example.com/r',
      hasReminder: true,
      reminderOffsetSec: 900,
    });
    expect(eventMessageExtras({ kind: 'event', name: 'x', startTime: start })).toEqual({});
  });

  it('reads a received eventMessage as type event, with the same block and content as sent', () => {
    const rendered = renderContent({
      eventMessage: {
        name: 'Review',
        description: 'Q1 numbers',
        startTime: start,
        endTime: start + 3600,
        location: { name: 'Office', degreesLatitude: -23.5, degreesLongitude: -46.6 },
        joinLink: 'https://meet.example.com/r',
        isScheduleCall: true,
        hasReminder: true,
        reminderOffsetSec: 900,
        extraGuestsAllowed: true,
        isCanceled: false,
      },
    });
    const sent = eventOfOutgoing(full);
    expect(rendered.type).toBe('event');
    expect(rendered.fields.event).toEqual({
      ...sent,
      location: { name: 'Office', address: null, latitude: -23.5, longitude: -46.6 },
    });
    expect(rendered.content).toBe(
      '📅 Review\n2026-05-04T17:00:00.000Z – 2026-05-04T18:00:00.000Z\nQ1 numbers',
    );
    expect(rendered.content).toBe(renderEvent(sent));
  });

  it('reads an event response as type event_response naming the event', () => {
    const rendered = renderContent({
      encEventResponseMessage: {
        eventCreationMessageKey: { id: 'EVENT1', remoteJid: '5511@s.whatsapp.net' },
        encPayload: new Uint8Array([1]),
        encIv: new Uint8Array([2]),
      },
    });
    expect(rendered.type).toBe('event_response');
    expect(rendered.content).toBe('');
    expect(rendered.fields.event).toMatchObject({ eventMessageId: 'EVENT1', name: null });
  });
});
