import { InvalidNumberError } from '../messaging.errors';
import { locationContent, pollContent, textContent } from './message.mapper';
import { mentionJidsOf, recipientJidOf } from './recipient.mapper';

describe('text content (docs/API.md §3.2, D22)', () => {
  it('takes message, or its alias text when message is absent', () => {
    expect(textContent({ message: 'Hi', text: 'alias' })).toEqual({ kind: 'text', text: 'Hi' });
    expect(textContent({ text: 'alias' })).toEqual({ kind: 'text', text: 'alias' });
  });
});

describe('location content (docs/API.md §3.2)', () => {
  it('keeps coordinates, name and address', () => {
    expect(
      locationContent({ latitude: -23.5, longitude: -46.6, name: 'Office', address: 'Av. 1' }),
    ).toEqual({
      kind: 'location',
      latitude: -23.5,
      longitude: -46.6,
      name: 'Office',
      address: 'Av. 1',
    });
  });

  it('accepts one zero coordinate', () => {
    expect(locationContent({ latitude: 0, longitude: 10 })).toMatchObject({ latitude: 0 });
  });

  it('refuses the point 0,0 with the 400 literal', () => {
    expect(() => locationContent({ latitude: 0, longitude: 0 })).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'VALIDATION_FAILED',
        message: 'Invalid request body: latitude and longitude are required',
        details: [{ field: 'latitude', message: 'latitude and longitude are required' }],
      }),
    );
  });
});

describe('poll content (docs/API.md §3.2)', () => {
  const options = ['A', 'B', 'C'];
  it.each([
    [undefined, 1],
    [0, 1],
    [-5, 1],
    [2, 2],
    [9, 3],
  ])('maxAnswer %s → selectableCount %s', (maxAnswer, selectableCount) => {
    expect(pollContent({ question: 'Q?', options, maxAnswer })).toEqual({
      kind: 'poll',
      name: 'Q?',
      options,
      selectableCount,
    });
  });
});

describe('recipients (docs/API.md §3.2, D13)', () => {
  it('normalizes a punctuated number and keeps group JIDs', () => {
    expect(recipientJidOf('+55 (11) 98888-7777')).toBe('5511988887777@s.whatsapp.net');
    expect(recipientJidOf('120363406289005073@g.us')).toBe('120363406289005073@g.us');
  });

  it('answers 400 Invalid phone number or JID for anything else', () => {
    expect(() => recipientJidOf('not a number')).toThrow(InvalidNumberError);
    expect(() => recipientJidOf('not a number')).toThrow('Invalid phone number or JID');
  });

  it('turns mentions into phone JIDs and refuses a group among them', () => {
    expect(mentionJidsOf(undefined)).toBeUndefined();
    expect(mentionJidsOf(['5511988887777', '5511977776666@s.whatsapp.net'])).toEqual([
      '5511988887777@s.whatsapp.net',
      '5511977776666@s.whatsapp.net',
    ]);
    expect(() => mentionJidsOf(['120363406289005073@g.us'])).toThrow(InvalidNumberError);
  });
});
