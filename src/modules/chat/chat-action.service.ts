import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { recipientJidOf } from '@wharf/modules/messaging/content/recipient.mapper';
import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { InvalidNumberError, SendFailedError } from '@wharf/modules/messaging/messaging.errors';
import { type SendOutcome, SendService } from '@wharf/modules/messaging/send.service';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import {
  isGroupJid,
  isLidJid,
  isPhoneJid,
  type MessageType,
  type ReactionTarget,
  type ReadKey,
} from '@wharf/whatsapp';

import {
  ActionMessageNotFoundError,
  MessageNotEditableError,
  PinMessageNotFoundError,
  SenderRequiredError,
  UnsupportedForwardTypeError,
} from './chat.errors';
import {
  chatPresenceOf,
  isEditable,
  isForwardable,
  pinDurationLabelOf,
  pinSecondsOf,
  presenceSecondsOf,
} from './chat-action.mapper';
import type {
  BlockContactDto,
  BlockContactResponseDto,
  ChatPresenceDto,
  ChatPresenceResponseDto,
  EditMessageDto,
  EditMessageResponseDto,
  ForwardMessageDto,
  ForwardMessageResponseDto,
  MarkReadDto,
  MarkReadResponseDto,
  PinMessageDto,
  PinMessageResponseDto,
} from './dto/chat-action.dto';

/** The key of a stored message as the engine addressed it (the row's `raw.key`). */
interface StoredKey {
  remoteJid?: string | null;
  participant?: string | null;
}

/**
 * The message-action routes of docs/API.md §3.3: presence, forward, edit, pinMessage, markRead
 * and block. Each runs on whichever process owns the session (D20): forward, edit and pin are
 * messages and go through the D14 send path ({@link SendService}: a stored row, the owner's
 * queue, the outgoing `message.exchange` of D7), so nothing accepted is lost across a restart;
 * presence, read receipts and the blocklist are session commands (`SessionProvider.run`).
 * Messages are looked up in the instance's store; no method knows HTTP.
 */
@Injectable()
export class ChatActionService {
  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionProvider,
    private readonly sends: SendService,
  ) {}

  /**
   * Shows typing / recording in a chat, or stops it; with `duration` the owner sends the pause
   * itself that many seconds later (at most 60).
   * @throws InvalidPresenceStateError (400), InvalidNumberError / NumberNotOnWhatsAppError (400),
   *   InstanceNotConnectedError (503)
   */
  async presence(instance: Instance, body: ChatPresenceDto): Promise<ChatPresenceResponseDto> {
    const presence = chatPresenceOf(body.state);
    const chatJid = await this.sends.resolveRecipient(instance, { number: body.number });
    const seconds = presenceSecondsOf(presence, body.duration);
    await this.sessions.run(instance.id, 'presence.setInChat', {
      chatJid,
      presence,
      ...(seconds ? { pauseAfterMs: seconds * 1000 } : {}),
    });
    const state = presence === 'composing' ? 'typing' : presence;
    return seconds
      ? {
          success: true,
          message: `Presence sent successfully; pause follows in ${seconds} seconds`,
          chat_jid: chatJid,
          state,
          duration: seconds,
        }
      : { success: true, message: 'Presence sent successfully', chat_jid: chatJid, state };
  }

  /**
   * Forwards a stored message to `to`, marked forwarded by WhatsApp's rule (a message this
   * account wrote is forwarded unmarked, as the phone does); media by reference.
   * @throws ActionMessageNotFoundError (404), UnsupportedForwardTypeError (500),
   *   InvalidNumberError / NumberNotOnWhatsAppError (400), InstanceNotConnectedError (503),
   *   SendFailedError (500)
   */
  async forward(instance: Instance, body: ForwardMessageDto): Promise<ForwardMessageResponseDto> {
    const row = await this.stored(instance, body.messageId);
    if (!row?.raw) throw new ActionMessageNotFoundError();
    if (!isForwardable(row.type)) throw new UnsupportedForwardTypeError(row.type);
    const destinationJid = await this.sends.resolveRecipient(instance, { number: body.to });
    const outcome = settled(
      await this.sends.send(
        instance,
        { jid: destinationJid },
        { kind: 'forward', message: row.raw, type: row.type as MessageType, text: row.content },
      ),
    );
    return {
      success: true,
      message: 'Message forwarded successfully',
      messageId: outcome.messageId,
      originalId: row.messageId,
      destinationJid,
    };
  }

  /**
   * Replaces the text of a text message this instance sent, within WhatsApp's 15 minutes; the
   * stored text becomes the new one once sent.
   * @throws ActionMessageNotFoundError (404), MessageNotEditableError (400),
   *   InstanceNotConnectedError (503), SendFailedError (500)
   */
  async edit(instance: Instance, body: EditMessageDto): Promise<EditMessageResponseDto> {
    const row = await this.stored(instance, body.messageId);
    if (!row) throw new ActionMessageNotFoundError();
    if (!isEditable(row, new Date())) throw new MessageNotEditableError();
    const target = this.targetOf(row);
    settled(
      await this.sends.send(
        instance,
        { jid: target.chatJid },
        { kind: 'edit', target, text: body.content, previousContent: row.content },
      ),
    );
    return {
      success: true,
      message: 'Message edited successfully',
      messageId: row.messageId,
      chatJid: row.chatJid,
      oldContent: row.content,
      newContent: body.content,
    };
  }

  /**
   * Pins (for `duration`, default 7 days) or unpins a stored message in its chat, for every
   * participant.
   * @throws PinMessageNotFoundError (404), InvalidPinDurationError (400),
   *   InstanceNotConnectedError (503), SendFailedError (500)
   */
  async pinMessage(instance: Instance, body: PinMessageDto): Promise<PinMessageResponseDto> {
    const pin = body.pin ?? true;
    const seconds = pinSecondsOf(pin ? body.duration : undefined);
    const row = await this.stored(instance, body.messageId);
    if (!row) throw new PinMessageNotFoundError(body.messageId);
    const target = this.targetOf(row);
    settled(
      await this.sends.send(
        instance,
        { jid: target.chatJid },
        { kind: 'pin', target, pin, seconds },
      ),
    );
    return pin
      ? {
          success: true,
          message: 'Message pinned successfully',
          chat_jid: row.chatJid,
          message_id: row.messageId,
          pinned: true,
          duration: pinDurationLabelOf(body.duration),
        }
      : {
          success: true,
          message: 'Message unpinned successfully',
          chat_jid: row.chatJid,
          message_id: row.messageId,
          pinned: false,
        };
  }

  /**
   * Sends the read receipt of one message. A stored message is read with its stored key (the
   * chat and author as WhatsApp addressed them); otherwise with `number` and, in groups,
   * `sender`.
   * @throws InvalidNumberError, SenderRequiredError (400), InstanceNotConnectedError (503)
   */
  async markRead(instance: Instance, body: MarkReadDto): Promise<MarkReadResponseDto> {
    const chatJid = recipientJidOf(body.number);
    const group = isGroupJid(chatJid);
    if (group && !body.sender) throw new SenderRequiredError();
    const sender = body.sender ? recipientJidOf(body.sender) : null;
    const row = await this.stored(instance, body.messageId);
    const key: StoredKey | undefined = (row?.raw as { key?: StoredKey } | null)?.key;
    const readKey: ReadKey =
      row && key?.remoteJid
        ? { chatJid: key.remoteJid, id: row.messageId, participant: key.participant ?? null }
        : { chatJid, id: body.messageId, participant: group ? sender : null };
    await this.sessions.run(instance.id, 'messages.read', { key: readKey });
    return {
      success: true,
      message: 'Message marked as read successfully',
      message_id: body.messageId,
      chat_jid: chatJid,
    };
  }

  /**
   * Blocks or unblocks a contact; `blocked_count` is WhatsApp's blocklist after it.
   * @throws InvalidNumberError (400: not a user), NumberNotOnWhatsAppError (400),
   *   InstanceNotConnectedError (503), the engine errors of `privacy.*` (404 when WhatsApp knows
   *   no such account)
   */
  async block(instance: Instance, body: BlockContactDto): Promise<BlockContactResponseDto> {
    const jid = await this.sends.resolveRecipient(instance, { number: body.number });
    if (!isPhoneJid(jid) && !isLidJid(jid)) throw new InvalidNumberError();
    const block = body.block ?? true;
    await this.sessions.run(instance.id, block ? 'privacy.block' : 'privacy.unblock', { jid });
    const list = await this.sessions.run(instance.id, 'privacy.blocklist', {});
    return {
      success: true,
      message: block ? 'Contact blocked successfully' : 'Contact unblocked successfully',
      contact_jid: jid,
      blocked_count: list.length,
      blocked: block,
    };
  }

  /** The stored message `messageId` of the instance, with its raw engine message; null if none. */
  private stored(instance: Instance, messageId: string): Promise<Message | null> {
    return this.em
      .fork()
      .findOne(Message, { instance: instance.id, messageId }, { populate: ['raw'] });
  }

  /** The key a stored message is pinned or edited by: its chat as addressed, author in groups. */
  private targetOf(row: Message): ReactionTarget {
    const key = (row.raw as { key?: StoredKey } | null)?.key;
    const fromMe = row.direction === 'outgoing';
    const chatJid = key?.remoteJid || row.chatJid;
    const participant =
      isGroupJid(chatJid) && !fromMe ? key?.participant || row.senderJid : undefined;
    return {
      chatJid,
      messageId: row.messageId,
      fromMe,
      ...(participant ? { participant } : {}),
    };
  }
}

/**
 * A send outcome that was accepted: `sent`, or `queued` when the synchronous wait ran out (the
 * send still happens, D14).
 * @throws SendFailedError (500 `Failed to send message: <reason>`) for a failed send
 */
function settled(outcome: SendOutcome): SendOutcome {
  if (outcome.status === 'failed') throw new SendFailedError(outcome.error ?? 'unknown error');
  return outcome;
}
