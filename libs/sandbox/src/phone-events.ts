import type { BaileysEventMap } from 'baileys';

/**
 * The Baileys events a sandbox phone's primary records, so tests can prove what the account's
 * own phone observed (an app-state change, a chatstate, a receipt, a blocklist change):
 * `GET /phones/:number/events?type=<name>&since=<seq>` (features/phone-events.ts).
 */
export const RECORDED_PHONE_EVENTS = [
  'chats.upsert',
  'chats.update',
  'chats.delete',
  'labels.edit',
  'labels.association',
  'messages.update',
  'messages.delete',
  'messages.reaction',
  'message-receipt.update',
  'contacts.upsert',
  'contacts.update',
  'presence.update',
  'blocklist.set',
  'blocklist.update',
  'groups.update',
  'group-participants.update',
] as const satisfies readonly (keyof BaileysEventMap)[];

/** The name of a recorded event. */
export type RecordedPhoneEvent = (typeof RECORDED_PHONE_EVENTS)[number];

/** One recorded event: `seq` counts from 1 per phone; `at` is an ISO-8601 time; `data` JSON. */
export interface PhoneEvent {
  seq: number;
  at: string;
  type: RecordedPhoneEvent;
  data: unknown;
}

/** The most events a phone keeps (the oldest are dropped first). */
const MAX_EVENTS = 5_000;

/**
 * A JSON-safe copy of an event payload: Buffers and byte arrays become base64 strings, protobuf
 * Longs and bigints become numbers (or strings past 2^53), functions and cycles are dropped.
 */
export function toJsonSafe(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  if (value instanceof Date) return value.toISOString();
  const long = value as { low?: unknown; high?: unknown; toNumber?: () => number };
  if (typeof long.low === 'number' && typeof long.high === 'number' && long.toNumber) {
    return long.toNumber();
  }
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, seen) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safe = toJsonSafe(item, seen);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

/** The events one phone observed, oldest first (at most {@link MAX_EVENTS}). */
export class PhoneEventLog {
  private readonly events: PhoneEvent[] = [];
  private seq = 0;

  /** Records one event (its payload copied JSON-safe at once). */
  record(type: RecordedPhoneEvent, data: unknown): void {
    this.seq += 1;
    this.events.push({ seq: this.seq, at: new Date().toISOString(), type, data: toJsonSafe(data) });
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  /** Events of `type` (all types when absent) with `seq` greater than `since` (default 0). */
  list(type?: string, since = 0): PhoneEvent[] {
    return this.events.filter((event) => event.seq > since && (!type || event.type === type));
  }

  /** The newest `seq` (0 before any event): pass it as `since` to see only later events. */
  get lastSeq(): number {
    return this.seq;
  }
}
