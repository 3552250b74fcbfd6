import { InvalidPinDurationError, InvalidPresenceStateError } from './chat.errors';
import {
  chatPresenceOf,
  EDIT_WINDOW_MS,
  isEditable,
  isForwardable,
  pinDurationLabelOf,
  pinSecondsOf,
  presenceSecondsOf,
} from './chat-action.mapper';

describe('chat-action mapper (docs/API.md §3.3)', () => {
  it('turns a pin duration into WhatsApp seconds, 7 days by default', () => {
    expect(pinSecondsOf('24h')).toBe(86_400);
    expect(pinSecondsOf('1D')).toBe(86_400);
    expect(pinSecondsOf(' 7d ')).toBe(604_800);
    expect(pinSecondsOf('30d')).toBe(2_592_000);
    expect(pinSecondsOf(undefined)).toBe(604_800);
    expect(pinSecondsOf('')).toBe(604_800);
    for (const bad of ['5d', '7', 'week', '-7d'])
      expect(() => pinSecondsOf(bad)).toThrow(InvalidPinDurationError);
    expect(pinDurationLabelOf(undefined)).toBe('7d');
    expect(pinDurationLabelOf(' 30d')).toBe('30d');
  });

  it('maps presence states case-insensitively and refuses others', () => {
    expect(chatPresenceOf('typing')).toBe('composing');
    expect(chatPresenceOf('TYPING')).toBe('composing');
    expect(chatPresenceOf('Recording')).toBe('recording');
    expect(chatPresenceOf('pause')).toBe('paused');
    expect(chatPresenceOf('paused')).toBe('paused');
    for (const bad of ['composing', 'available', 'x'])
      expect(() => chatPresenceOf(bad)).toThrow(InvalidPresenceStateError);
  });

  it('bounds the presence duration to 0–60 s and ignores it for pause', () => {
    expect(presenceSecondsOf('composing', undefined)).toBe(0);
    expect(presenceSecondsOf('composing', 0)).toBe(0);
    expect(presenceSecondsOf('composing', 5)).toBe(5);
    expect(presenceSecondsOf('recording', 600)).toBe(60);
    expect(presenceSecondsOf('paused', 5)).toBe(0);
  });

  it('forwards only the types WhatsApp forwards', () => {
    for (const ok of ['text', 'image', 'video', 'audio', 'ptt', 'document', 'sticker', 'location'])
      expect(isForwardable(ok)).toBe(true);
    for (const no of ['reaction', 'poll', 'buttons', 'list', 'message_edit', 'unknown'])
      expect(isForwardable(no)).toBe(false);
  });

  it('edits only own sent texts within 15 minutes', () => {
    const now = new Date('2026-05-01T12:00:00Z');
    const own = {
      direction: 'outgoing' as const,
      type: 'text',
      status: 'sent',
      timestamp: new Date(now.getTime() - EDIT_WINDOW_MS),
    };
    expect(isEditable(own, now)).toBe(true);
    expect(
      isEditable({ ...own, timestamp: new Date(now.getTime() - EDIT_WINDOW_MS - 1) }, now),
    ).toBe(false);
    expect(isEditable({ ...own, direction: 'incoming' }, now)).toBe(false);
    expect(isEditable({ ...own, type: 'image' }, now)).toBe(false);
    expect(isEditable({ ...own, status: 'failed' }, now)).toBe(false);
  });
});
