import type { Readable } from 'node:stream';

import { NotSupportedByEngineError } from '../errors';
import type { OutgoingContent, SendOptions } from '../messages';
import type { SentMessage } from '../types';
import { notSupported } from './not-supported';

/** A message to mark read: `chatJid` is the chat, `participant` the author in groups. */
export interface ReadKey {
  chatJid: string;
  id: string;
  participant?: string | null;
}

/**
 * Messages of a session: sending, ids, read receipts and media download. Every operation that
 * talks to WhatsApp throws `SessionNotConnectedError` when the session is not connected.
 */
export interface MessagesFacet {
  /**
   * Sends `content` to `toJid` (a normalized JID, see `jid.ts`), with a pre-generated id when
   * given (D14), quoting and mentions.
   */
  send(toJid: string, content: OutgoingContent, options?: SendOptions): Promise<SentMessage>;

  /** Sends a plain text message to `toJid` (a normalized JID). */
  sendText(toJid: string, text: string): Promise<SentMessage>;

  /** A new message id in WhatsApp's format, for writing the row before sending (D14). Synchronous. */
  generateId(): string;

  /** Sends read receipts ("blue ticks") for received messages. */
  read(keys: ReadKey[]): Promise<void>;

  /**
   * Downloads and decrypts the media of a message (D15). `raw` is the engine message as stored
   * (`InboundMessage.raw` or a sent message's `raw`). Resolves to the plaintext bytes as a
   * stream (or a buffer); when WhatsApp's CDN no longer has the file (404/410) the phone is
   * asked to upload it again once. Throws `MediaUnavailableError` when the message has no media
   * or the download fails.
   */
  downloadMedia(raw: Record<string, unknown>): Promise<Readable | Buffer>;
}

/** {@link MessagesFacet} of an engine without messaging: every operation is refused (D16). */
export const MESSAGES_NOT_SUPPORTED: MessagesFacet = {
  send: () => notSupported('messages.send'),
  sendText: () => notSupported('messages.sendText'),
  generateId: () => {
    throw new NotSupportedByEngineError('messages.generateId');
  },
  read: () => notSupported('messages.read'),
  downloadMedia: () => notSupported('messages.downloadMedia'),
};
