import type { CallUpdateData, EventData, InstanceStateData } from './event-envelope';
import type { EventName } from './event-names';
import type { EventsService } from './events.service';

type Publish = EventsService['publish'];
const instance = { id: '0196', name: 'sales' };

/** Compile-time checks of the typed event bus (ts-jest type-checks this file). */
export function typedPublishCalls(publish: Publish): void {
  const call: CallUpdateData = {
    callId: 'C1',
    action: 'offer',
    from: '5511987654321@s.whatsapp.net',
    isVideo: false,
    isGroup: false,
    timestamp: '2026-04-28T10:30:00.000Z',
  };
  void publish(instance, 'call.update', call);
  // @ts-expect-error call.update data needs every CallUpdateData field
  void publish(instance, 'call.update', { callId: 'C1' });
  // @ts-expect-error instance.state data is not call.update data
  void publish(instance, 'instance.state', call);
  // @ts-expect-error not an event name
  void publish(instance, 'message.unknown', {});
}

describe('EventData (the typed event bus)', () => {
  it('has one entry per event name', () => {
    const names: Record<keyof EventData, true> & Record<EventName, true> = {
      'message.exchange': true,
      'message.status': true,
      'call.update': true,
      'group.flow': true,
      'instance.state': true,
      'label.update': true,
    };
    const state: InstanceStateData['state'] = 'open';
    expect(Object.keys(names)).toHaveLength(6);
    expect(state).toBe('open');
    expect(typeof typedPublishCalls).toBe('function');
  });
});
