import { InvalidNumberError, MissingParticipantError } from '../messaging.errors';
import {
  contactContent,
  isReactionRemoval,
  reactionContent,
  reactionTargetOf,
} from './contact.mapper';

const GROUP = '120363406289005073@g.us';

describe('contact content (docs/API.md §3.2)', () => {
  it('sends one card as a contact message', () => {
    const content = contactContent({ vcard: [{ fullName: 'Ana', phone: '5511988887777' }] });
    expect(content).toMatchObject({ kind: 'contact', contacts: [{ displayName: 'Ana' }] });
  });

  it('sends several cards as one contacts message', () => {
    const content = contactContent({ vcard: [{ fullName: 'Ana' }, { phone: '5511977776666' }] });
    expect(content).toMatchObject({
      kind: 'contacts',
      contacts: [{ displayName: 'Ana' }, { displayName: '+5511977776666' }],
    });
  });

  it('refuses a card with neither fullName nor phone, naming it', () => {
    expect(() =>
      contactContent({ vcard: [{ fullName: 'Ana' }, { organization: 'Acme' }] }),
    ).toThrow(
      expect.objectContaining({
        status: 400,
        message: 'Invalid request body: vcard[1] needs fullName or phone',
        details: [{ field: 'vcard[1]', message: 'needs fullName or phone' }],
      }),
    );
  });
});

describe('reaction addressing and content (docs/API.md §3.2)', () => {
  it('needs no participant in a private chat', () => {
    expect(reactionTargetOf({ number: '5511988887777' })).toEqual({
      chatJid: '5511988887777@s.whatsapp.net',
    });
  });

  it('needs no participant in a group when reacting to an own message', () => {
    expect(reactionTargetOf({ number: GROUP, fromMe: true })).toEqual({ chatJid: GROUP });
  });

  it('accepts a group reaction with its author, normalized', () => {
    expect(reactionTargetOf({ number: GROUP, participant: ' 5511977776666 ' })).toEqual({
      chatJid: GROUP,
      participant: '5511977776666@s.whatsapp.net',
    });
  });

  it('refuses a group reaction to someone else without participant', () => {
    for (const participant of [undefined, '  ']) {
      expect(() => reactionTargetOf({ number: GROUP, participant })).toThrow(
        MissingParticipantError,
      );
    }
    expect(() => reactionTargetOf({ number: GROUP })).toThrow(
      'participant is required to react to a group message not sent by this instance',
    );
  });

  it('answers 400 Invalid phone number or JID for a bad participant', () => {
    expect(() => reactionTargetOf({ number: GROUP, participant: 'nobody' })).toThrow(
      InvalidNumberError,
    );
  });

  it('sets an emoji, or removes with "remove" (any case)', () => {
    expect(isReactionRemoval(' Remove ')).toBe(true);
    expect(
      reactionContent({ messageId: 'M1', reaction: '👍', fromMe: true }, GROUP, undefined),
    ).toEqual({
      kind: 'reaction',
      target: { chatJid: GROUP, messageId: 'M1', fromMe: true },
      emoji: '👍',
    });
    expect(
      reactionContent(
        { messageId: 'M1', reaction: 'REMOVE' },
        GROUP,
        '5511977776666@s.whatsapp.net',
      ),
    ).toEqual({
      kind: 'reaction',
      target: {
        chatJid: GROUP,
        messageId: 'M1',
        fromMe: false,
        participant: '5511977776666@s.whatsapp.net',
      },
      emoji: '',
    });
  });

  it('drops the participant outside groups', () => {
    const content = reactionContent(
      { messageId: 'M1', reaction: '👍' },
      '5511988887777@s.whatsapp.net',
      '5511977776666@s.whatsapp.net',
    );
    expect(content).toMatchObject({ target: { fromMe: false } });
    expect(content.kind === 'reaction' && content.target.participant).toBeUndefined();
  });
});
