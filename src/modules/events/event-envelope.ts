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

/** `call.update` data (D7 / API.md §2.5). */
export interface CallUpdateData {
  callId: string;
  action: string;
  from: string;
  isVideo: boolean;
  isGroup: boolean;
  timestamp: string;
}
