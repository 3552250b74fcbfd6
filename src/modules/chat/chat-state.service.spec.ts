import { InvalidDurationError } from './chat.errors';
import { parseMuteDuration, redactPhone } from './chat-state.service';

describe('chat-state mappers', () => {
  it('parses the mute durations of docs/API.md §3.3 (seconds, 0 = no expiry)', () => {
    for (const text of [undefined, '', 'always', 'Forever', ' permanent ']) {
      expect(parseMuteDuration(text)).toBe(0);
    }
    for (const text of ['8h', '8 hours', '8H']) expect(parseMuteDuration(text)).toBe(28_800);
    for (const text of ['1w', '7d', '1 week']) expect(parseMuteDuration(text)).toBe(604_800);
    expect(() => parseMuteDuration('soon')).toThrow(new InvalidDurationError('soon'));
    expect(new InvalidDurationError('x'.repeat(100)).message).toHaveLength(
      'Invalid duration: '.length + 40,
    );
  });

  it('redacts phone numbers, keeping the country/area prefix and the last 4 digits', () => {
    expect(redactPhone('5511999999999@s.whatsapp.net')).toBe('5511*****9999');
    expect(redactPhone('1234567@s.whatsapp.net')).toBe('12*****');
    expect(redactPhone('123@lid')).toBeUndefined();
    expect(redactPhone(null)).toBeUndefined();
    expect(redactPhone('120363@g.us')).toBeUndefined();
  });
});
