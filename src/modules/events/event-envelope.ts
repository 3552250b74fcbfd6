import type { EventName } from './event-names';

/** The D7 envelope, identical for webhooks and WebSocket frames. */
export interface EventEnvelope<T extends object = Record<string, unknown>> {
  event: EventName;
  /** UUIDv7; equals the `webhook-id` delivery header (D6). */
  eventId: string;
  data: T;
  instanceData: { baseUrl: string; instance: string; token?: string };
}

/** `instance.state` data (D7). */
export interface InstanceStateData {
  instance: string;
  state: string;
  status: string;
  reason: string;
  previousState: string;
  jid?: string;
  qrCode?: string;
  qrCodeBase64?: string;
  pairingCode?: string;
  timestamp: string;
}

/** `call.update` data (D7 / docs/API.md §2.5). */
export interface CallUpdateData {
  callId: string;
  action: string;
  from: string;
  isVideo: boolean;
  isGroup: boolean;
  timestamp: string;
}

/**
 * `message.exchange` and `message.status` data (D7, the `EventMessageExchangeData` and
 * `EventMessageStatusData` schemas of the OpenAPI document): built by the messaging mappers
 * (`message-event.mapper.ts`), which return plain objects; typed as such until they return the
 * documented shapes.
 */
export type MessageEventData = Record<string, unknown>;

/**
 * `group.flow` and `label.update` data (docs/API.md §2.5): no producer yet; the group and label
 * issues give them their interfaces here.
 */
export type PendingEventData = Record<string, unknown>;

/**
 * The data of each event name (D7): the type map of the typed event bus
 * (`EventsService.publish<E>(instance, name: E, data: EventData[E])`). A new event is a name in
 * `EVENT_NAMES` plus an entry here; the compiler then checks every producer.
 */
export interface EventData {
  'message.exchange': MessageEventData;
  'message.status': MessageEventData;
  'call.update': CallUpdateData;
  'group.flow': PendingEventData;
  'instance.state': InstanceStateData;
  'label.update': PendingEventData;
}
