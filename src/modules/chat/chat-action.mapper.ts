import type { ChatPresence, MessageType, PinSeconds } from '@wharf/whatsapp';

import { InvalidPinDurationError, InvalidPresenceStateError } from './chat.errors';

/**
 * Pure rules of the message-action routes of docs/API.md §3.3 (presence, forward, edit,
 * pinMessage): no I/O, unit-tested beside (`chat-action.mapper.spec.ts`).
 */

/** WhatsApp's edit window, ms: an own text message can be edited for about 15 minutes (docs/API.md §3.3 `edit`). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

/** The longest chat presence the route shows before its automatic `pause`, seconds (docs/API.md §3.3). */
export const MAX_PRESENCE_SECONDS = 60;

/** The pin durations WhatsApp offers (docs/round2-protocol notes §3.3 `pinMessage`), by the texts accepted. */
const PIN_SECONDS: Readonly<Record<string, PinSeconds>> = {
  '24h': 86_400,
  '1d': 86_400,
  '7d': 604_800,
  '30d': 2_592_000,
};

/**
 * The seconds of a `pinMessage` `duration` (case-insensitive `24h`/`1d`, `7d`, `30d`); absent or
 * empty → 7 days, the reference's example and WhatsApp's default choice.
 * @throws InvalidPinDurationError (400) for another value
 */
export function pinSecondsOf(duration: string | undefined): PinSeconds {
  const key = duration?.trim().toLowerCase();
  if (!key) return PIN_SECONDS['7d'];
  const seconds = PIN_SECONDS[key];
  if (!seconds) throw new InvalidPinDurationError();
  return seconds;
}

/** The `duration` a pin answer echoes: the text given (trimmed), or `7d` when none was. */
export function pinDurationLabelOf(duration: string | undefined): string {
  return duration?.trim() || '7d';
}

/**
 * The engine's chat presence for a `presence` `state` (docs/API.md §3.3, case-insensitive):
 * `typing` → `composing`, `recording` → `recording`, `pause`/`paused` → `paused`.
 * @throws InvalidPresenceStateError (400) for anything else
 */
export function chatPresenceOf(state: string): ChatPresence {
  switch (state.trim().toLowerCase()) {
    case 'typing':
      return 'composing';
    case 'recording':
      return 'recording';
    case 'pause':
    case 'paused':
      return 'paused';
    default:
      throw new InvalidPresenceStateError();
  }
}

/**
 * How long before the automatic `pause`, seconds (docs/API.md §3.3 `presence.duration`): 0 for
 * `paused`, no duration or 0; values above {@link MAX_PRESENCE_SECONDS} become it.
 */
export function presenceSecondsOf(presence: ChatPresence, duration: number | undefined): number {
  if (presence === 'paused' || !duration || duration <= 0) return 0;
  return Math.min(duration, MAX_PRESENCE_SECONDS);
}

/** The D7 types `forward` accepts (docs/API.md §3.3: not reactions, polls, buttons…). */
const FORWARDABLE: ReadonlySet<string> = new Set<MessageType>([
  'text',
  'image',
  'video',
  'audio',
  'ptt',
  'ptv',
  'document',
  'sticker',
  'contact',
  'contacts',
  'location',
]);

/** Whether a stored message of D7 type `type` can be forwarded (docs/API.md §3.3 `forward`). */
export function isForwardable(type: string): boolean {
  return FORWARDABLE.has(type);
}

/** What `edit` needs to know of the stored message. */
export interface EditCandidate {
  direction: 'incoming' | 'outgoing';
  type: string;
  status: string;
  timestamp: Date;
}

/**
 * Whether a stored message can be edited at `now` (docs/API.md §3.3 `edit`): a text this
 * account sent (not a failed send) within {@link EDIT_WINDOW_MS}.
 */
export function isEditable(message: EditCandidate, now: Date): boolean {
  return (
    message.direction === 'outgoing' &&
    message.type === 'text' &&
    message.status !== 'failed' &&
    now.getTime() - message.timestamp.getTime() <= EDIT_WINDOW_MS
  );
}
