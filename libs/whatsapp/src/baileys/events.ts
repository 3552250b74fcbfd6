import type { AuthenticationCreds, WACallEvent, WACallUpdateType, WASocket } from 'baileys';

import type { ReceiptEvent } from '../messages';
import type {
  CallEvent,
  CallStatus,
  ProfileEvent,
  SessionMe,
  WhatsAppSessionEvents,
} from '../types';
import type { BaileysModule } from './loader';
import { receiptStatusOf, timestampToDate, toInboundMessage } from './message-mapper';

/** Emits one of the port's events (the session's protected `emit`). */
export type PortEmit = <K extends keyof WhatsAppSessionEvents>(
  event: K,
  payload: WhatsAppSessionEvents[K],
) => void;

/** What {@link bindTrafficEvents} needs of the session. */
export interface EventBinding {
  /** Whether the socket is still the session's current one (events of an old socket are dropped). */
  isCurrent(): boolean;
  /** The linked account, for `fromMe` and own-JID mapping. */
  me(): SessionMe | null;
  emit: PortEmit;
}

/**
 * Maps a socket's Baileys events to the port's typed events: `messages.upsert` → `message` (and
 * the `receipt` Baileys folds into an own message's status), `messages.update` and
 * `message-receipt.update` → `receipt`, `call` → `call`. The connection and credential events
 * stay with the session's lifecycle (`baileys-session.ts`).
 */
export function bindTrafficEvents(
  b: BaileysModule,
  sock: Pick<WASocket, 'ev'>,
  { isCurrent, me, emit }: EventBinding,
): void {
  sock.ev.on('messages.upsert', ({ messages, type }) => {
    if (!isCurrent() || (type !== 'notify' && type !== 'append')) {
      return;
    }
    for (const message of messages) {
      const raw = JSON.parse(JSON.stringify(message, b.BufferJSON.replacer)) as Record<
        string,
        unknown
      >;
      const event = toInboundMessage(message, me()?.jid ?? null, raw);
      if (event) {
        emit('message', event);
      }
      // Baileys' event buffer folds a receipt that arrives while our own message's upsert is
      // still buffered into that message's `status` and emits no `messages.update` for it.
      const folded = message.key.fromMe ? receiptStatusOf(message.status) : null;
      if (
        message.key.id &&
        message.key.remoteJid &&
        (folded === 'delivered' || folded === 'read' || folded === 'played')
      ) {
        emit('receipt', {
          messageIds: [message.key.id],
          chatJid: message.key.remoteJid,
          participant: message.key.participant || null,
          status: folded,
          timestamp: new Date(),
        });
      }
    }
  });
  sock.ev.on('messages.update', (updates) => {
    if (!isCurrent()) {
      return;
    }
    for (const { key, update } of updates) {
      const status = receiptStatusOf(update.status);
      if (!key.id || !key.remoteJid || !status || !key.fromMe) {
        continue;
      }
      emit('receipt', {
        messageIds: [key.id],
        chatJid: key.remoteJid,
        participant: key.participant ?? null,
        status,
        timestamp: new Date(),
      });
    }
  });
  sock.ev.on('message-receipt.update', (receipts) => {
    if (!isCurrent()) {
      return;
    }
    for (const { key, receipt } of receipts) {
      // Only receipts for the account's own messages: a receipt another device of the account
      // relays for a message it read (it carries `recipient`, so Baileys sets `fromMe: false`)
      // is not a delivery status of anything Wharf sent.
      if (!key.id || !key.remoteJid || key.fromMe === false) {
        continue;
      }
      const status: ReceiptEvent['status'] = receipt.playedTimestamp
        ? 'played'
        : receipt.readTimestamp
          ? 'read'
          : 'delivered';
      emit('receipt', {
        messageIds: [key.id],
        chatJid: key.remoteJid,
        participant: receipt.userJid ?? null,
        status,
        timestamp: timestampToDate(
          receipt.playedTimestamp ?? receipt.readTimestamp ?? receipt.receiptTimestamp,
        ),
      });
    }
  });
  sock.ev.on('call', (calls) => {
    if (!isCurrent()) {
      return;
    }
    for (const call of calls) {
      const event = toCallEvent(call);
      if (event) {
        emit('call', event);
      }
    }
  });
}

const CALL_STATUS: Partial<Record<WACallUpdateType, CallStatus>> = {
  offer: 'offer',
  ringing: 'ringing',
  accept: 'accepted',
  reject: 'rejected',
  terminate: 'terminated',
  timeout: 'timeout',
};

const BUSINESS_PLATFORMS = new Set(['smba', 'smbi']);

/** The port's {@link CallEvent} of a Baileys call update; null for updates the port does not report. */
export function toCallEvent(call: WACallEvent): CallEvent | null {
  const status = CALL_STATUS[call.status];
  if (!status) {
    return null;
  }
  return {
    id: call.id,
    from: call.from,
    ...(call.callerPn ? { callerPn: call.callerPn } : {}),
    chatId: call.chatId,
    ...(call.groupJid ? { groupJid: call.groupJid } : {}),
    status,
    isVideo: call.isVideo ?? false,
    isGroup: call.isGroup ?? false,
    offline: call.offline,
    timestamp: call.date,
  };
}

/** The port's {@link ProfileEvent} of the stored credentials; null while not linked. */
export function profileOf(creds: AuthenticationCreds): ProfileEvent | null {
  if (!creds.account || !creds.me?.id) {
    return null;
  }
  const platform = creds.platform ?? null;
  return {
    jid: creds.me.id,
    lid: creds.me.lid ?? null,
    name: creds.me.name ?? null,
    platform,
    isBusiness: platform !== null && BUSINESS_PLATFORMS.has(platform),
  };
}
