import { type Opt, OptionalProps } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/**
 * Message statuses of docs/API.md §3.1 metrics and §2.5: `pending` until a worker takes it, `sending`
 * while the engine is called (D14 crash recovery tells the two apart).
 */
export const MESSAGE_STATUSES = [
  'pending',
  'sending',
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * Every message an instance sent or received (issue 4, D14): identified by the WhatsApp message
 * id within the instance; both address forms (phone JID and LID, D13); the D7 type and textual
 * content; typed blocks and media metadata as JSON; the status with the time of each status; and
 * for API sends the request that produced it (so a crash between "written" and "sent" can be
 * resolved on restart, D14).
 */
@Entity({ tableName: 'message' })
@Unique({ properties: ['instance', 'messageId'] })
@Index({ properties: ['instance', 'chatJid', 'timestamp'] })
@Index({ properties: ['instance', 'timestamp'] })
@Index({ properties: ['instance', 'status'] })
export class Message extends BaseEntity {
  [OptionalProps]?: 'raw' | 'request';

  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  /** The WhatsApp message id (pre-generated for API sends). */
  @Property({ type: 'string', length: 128 })
  messageId: string;

  @Property({ type: 'string', length: 10 })
  direction: 'incoming' | 'outgoing';

  @Property({ type: 'string', length: 120 })
  chatJid: string;

  @Property({ type: 'string', length: 120, nullable: true })
  chatLid: string | null = null;

  @Property({ type: 'string', length: 120 })
  senderJid: string;

  @Property({ type: 'string', length: 120, nullable: true })
  senderLid: string | null = null;

  /** D7 `message.type`. */
  @Property({ type: 'string', length: 40 })
  type: string;

  /** D7 `message.content`: always a string. */
  @Property({ type: 'text' })
  content: Opt<string> = '';

  /** `source` of API sends (`"api"` by default), `""` otherwise (D7). */
  @Property({ type: 'string', length: 100 })
  source: Opt<string> = '';

  @Property({ type: 'string', length: 10 })
  status: Opt<MessageStatus> = 'pending';

  /** ISO time of each status reached, e.g. `{ "sent": "…", "read": "…" }`. */
  @Property({ type: 'json' })
  statusTimes: Opt<Record<string, string>> = {};

  /** Why a send failed (`failed` only). */
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'string', length: 128, nullable: true })
  quotedId: string | null = null;

  @Property({ type: 'json' })
  mentions: Opt<string[]> = [];

  /** The D7 typed blocks (media, location, contact, reaction, poll, interactive, edit…). */
  @Property({ type: 'json' })
  payload: Opt<Record<string, unknown>> = {};

  /** Where the decrypted media bytes are stored (local path or S3 key), once downloaded. */
  @Property({ type: 'text', nullable: true })
  mediaPath: string | null = null;

  /** The engine's message (JSON): needed to quote it, decrypt poll votes and download media. */
  @Property({ type: 'json', nullable: true, lazy: true })
  raw: Record<string, unknown> | null = null;

  /** For API sends: the validated request, replayed if the process died before sending (D14). */
  @Property({ type: 'json', nullable: true, lazy: true })
  request: Record<string, unknown> | null = null;

  /** `Idempotency-Key` of the send (D14) and a hash of its body. */
  @Property({ type: 'string', length: 255, nullable: true })
  idempotencyKey: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  requestHash: string | null = null;

  /** When WhatsApp stamped the message. */
  @Property({ type: 'datetime', length: 3 })
  timestamp: Opt<Date> = new Date();

  /** Set when the `message.exchange` event of this row was published (one per message, D7). */
  @Property({ type: 'boolean' })
  published: Opt<boolean> = false;
}
