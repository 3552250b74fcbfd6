import { pinTime, toChatFlagsChange, toContactChange } from './app-state-events';

describe('app-state event mapping', () => {
  it('maps chats.update flags and ignores updates without any', () => {
    expect(toChatFlagsChange({ id: 'a@s.whatsapp.net', archived: true })).toEqual({
      chatJid: 'a@s.whatsapp.net',
      archived: true,
    });
    expect(toChatFlagsChange({ id: 'a@s.whatsapp.net', unreadCount: -1 })?.unread).toBe(true);
    expect(toChatFlagsChange({ id: 'a@s.whatsapp.net', unreadCount: 0 })?.unread).toBe(false);
    expect(toChatFlagsChange({ id: 'a@s.whatsapp.net', muteEndTime: -1 })?.mutedUntil).toBe(
      'forever',
    );
    expect(toChatFlagsChange({ id: 'a@s.whatsapp.net', muteEndTime: null })?.mutedUntil).toBeNull();
    expect(
      toChatFlagsChange({ id: 'a@s.whatsapp.net', muteEndTime: 1_800_000_000_000 })?.mutedUntil,
    ).toEqual(new Date(1_800_000_000_000));
    expect(toChatFlagsChange({ id: 'a@s.whatsapp.net', pinned: null })?.pinnedAt).toBeNull();
    expect(toChatFlagsChange({ id: 'a@s.whatsapp.net' })).toBeNull();
    expect(toChatFlagsChange({ archived: true })).toBeNull();
  });

  it('reads a pin time in ms (app-state actions) or seconds (history)', () => {
    expect(pinTime(1_796_645_568_069)).toEqual(new Date(1_796_645_568_069));
    expect(pinTime(1_796_645_568)).toEqual(new Date(1_796_645_568_000));
  });

  it('maps only the contact fields Baileys sent', () => {
    expect(toContactChange({ id: 'a@s.whatsapp.net', notify: 'Ann' })).toEqual({
      jid: 'a@s.whatsapp.net',
      pushName: 'Ann',
    });
    expect(
      toContactChange({
        id: 'a@s.whatsapp.net',
        name: 'Ann Lee',
        lid: '1@lid',
        phoneNumber: 'a@s.whatsapp.net',
      }),
    ).toEqual({
      jid: 'a@s.whatsapp.net',
      name: 'Ann Lee',
      lid: '1@lid',
      phoneNumberJid: 'a@s.whatsapp.net',
    });
    expect(toContactChange({ notify: 'x' })).toBeNull();
  });
});
