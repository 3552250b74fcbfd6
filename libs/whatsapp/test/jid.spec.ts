import {
  brazilianVariant,
  InvalidJidError,
  isGroupJid,
  isLidJid,
  isNewsletterJid,
  isPhoneJid,
  isStatusBroadcast,
  jidKind,
  normalizePhoneNumber,
  normalizeRecipient,
  parseJid,
  phoneNumberOf,
  toPhoneJid,
  toUserJid,
  withBrazilianVariant,
} from '@wharf/whatsapp';

describe('JID helpers (D13)', () => {
  describe('normalizePhoneNumber', () => {
    it.each([
      ['5511999999999', '5511999999999'],
      ['+5511999999999', '5511999999999'],
      ['+55 (11) 99999-9999', '5511999999999'],
      [' 1 (555) 000-1111 ', '15550001111'],
    ])('reads %j as %s', (input, digits) => {
      expect(normalizePhoneNumber(input)).toBe(digits);
    });

    it.each([
      '',
      '+',
      '12345',
      '0551199999999',
      '55119999999999999',
      '55 11 9999.9999',
      '55+11999',
      'abc',
    ])('refuses %j', (input) => {
      expect(() => normalizePhoneNumber(input)).toThrow(InvalidJidError);
    });
  });

  describe('toPhoneJid', () => {
    it('turns a number into <digits>@s.whatsapp.net', () => {
      expect(toPhoneJid('+55 (11) 99999-9999')).toBe('5511999999999@s.whatsapp.net');
    });

    it('drops the device of a device JID and reads @c.us as @s.whatsapp.net', () => {
      expect(toPhoneJid('5511999999999:12@s.whatsapp.net')).toBe('5511999999999@s.whatsapp.net');
      expect(toPhoneJid('5511999999999@c.us')).toBe('5511999999999@s.whatsapp.net');
    });

    it.each([
      '123456789012345@lid',
      '120363012345678901@g.us',
      'status@broadcast',
      'x@s.whatsapp.net',
    ])('refuses %s', (jid) => {
      expect(() => toPhoneJid(jid)).toThrow(InvalidJidError);
    });
  });

  describe('normalizeRecipient', () => {
    it.each([
      ['5511999999999', '5511999999999@s.whatsapp.net'],
      ['+55 11 99999-9999', '5511999999999@s.whatsapp.net'],
      ['5511999999999:3@s.whatsapp.net', '5511999999999@s.whatsapp.net'],
      ['123456789012345:7@lid', '123456789012345@lid'],
      ['120363012345678901@g.us', '120363012345678901@g.us'],
      ['5511999999999-1600000000@g.us', '5511999999999-1600000000@g.us'],
      ['120363012345678901@NEWSLETTER', '120363012345678901@newsletter'],
      ['status@broadcast', 'status@broadcast'],
    ])('reads %s as %s', (input, jid) => {
      expect(normalizeRecipient(input)).toBe(jid);
    });

    it.each([
      'hello',
      'abc@lid',
      'someone@example.com',
      '123@g.us:1',
      'foo@broadcast',
      '@s.whatsapp.net',
    ])('refuses %s', (input) => {
      expect(() => normalizeRecipient(input)).toThrow(InvalidJidError);
    });
  });

  it('classifies JIDs', () => {
    expect(jidKind('5511999999999:1@s.whatsapp.net')).toBe('phone');
    expect(jidKind('123456789012345@lid')).toBe('lid');
    expect(jidKind('120363012345678901@g.us')).toBe('group');
    expect(jidKind('120363012345678901@newsletter')).toBe('newsletter');
    expect(jidKind('status@broadcast')).toBe('status');
    expect(jidKind('5511999999999@broadcast')).toBeNull();
    expect(jidKind('not a jid')).toBeNull();

    expect(isPhoneJid('5511999999999@s.whatsapp.net')).toBe(true);
    expect(isPhoneJid('123456789012345@lid')).toBe(false);
    expect(isLidJid('123456789012345@lid')).toBe(true);
    expect(isLidJid('5511999999999@s.whatsapp.net')).toBe(false);
    expect(isGroupJid('120363012345678901@g.us')).toBe(true);
    expect(isGroupJid('120363012345678901@newsletter')).toBe(false);
    expect(isNewsletterJid('120363012345678901@newsletter')).toBe(true);
    expect(isNewsletterJid('120363012345678901@g.us')).toBe(false);
    expect(isStatusBroadcast('status@broadcast')).toBe(true);
    expect(isStatusBroadcast('status@s.whatsapp.net')).toBe(false);
  });

  it('parses and rewrites JIDs', () => {
    expect(parseJid('5511999999999:12@s.whatsapp.net')).toEqual({
      user: '5511999999999',
      device: 12,
      server: 's.whatsapp.net',
    });
    expect(parseJid('123456789012345@lid')).toEqual({
      user: '123456789012345',
      device: null,
      server: 'lid',
    });
    expect(parseJid('no-at-sign')).toBeNull();
    expect(phoneNumberOf('5511999999999:2@s.whatsapp.net')).toBe('5511999999999');
    expect(phoneNumberOf('123456789012345@lid')).toBeNull();
    expect(toUserJid('123456789012345:4@lid')).toBe('123456789012345@lid');
    expect(toUserJid('5511999999999@c.us')).toBe('5511999999999@s.whatsapp.net');
    expect(() => toUserJid('nope')).toThrow(InvalidJidError);
  });

  describe('the Brazilian 9th digit (D13)', () => {
    it.each([
      // a mobile with the 9th digit ↔ the 8-digit form of accounts created before 2012
      ['5511987654321', '551187654321'],
      ['551187654321', '5511987654321'],
      ['552199998888', '5521999998888'],
      ['5521999998888', '552199998888'],
      ['558566554433', '5585966554433'],
      // landlines (8 digits starting with 2–5) never get a 9
      ['551132654321', null],
      ['552122223333', null],
      ['554155554444', null],
      // a 9 in front of a landline range is not a mobile: dropping it would name a landline
      ['5511932654321', null],
      ['5511900000009', null],
      // not Brazilian, wrong length, area codes with a 0
      ['14155550123', null],
      ['4915112345678', null],
      ['5511912345', null],
      ['55119876543210', null],
      ['550187654321', null],
      ['5510987654321', null],
    ])('%s → %s', (number, variant) => {
      expect(brazilianVariant(number)).toBe(variant);
    });

    it('gives a phone JID with its variant, other JIDs alone', () => {
      expect(withBrazilianVariant('5511987654321@s.whatsapp.net')).toEqual([
        '5511987654321@s.whatsapp.net',
        '551187654321@s.whatsapp.net',
      ]);
      expect(withBrazilianVariant('551187654321@s.whatsapp.net')).toEqual([
        '551187654321@s.whatsapp.net',
        '5511987654321@s.whatsapp.net',
      ]);
      for (const jid of [
        '551132654321@s.whatsapp.net',
        '14155550123@s.whatsapp.net',
        '5511987654321@lid',
        '551187654321@g.us',
        '5511987654321:3@s.whatsapp.net',
      ]) {
        expect(withBrazilianVariant(jid)).toEqual([jid]);
      }
    });
  });
});
