import { brazilianVariant } from '@wharf/whatsapp';

import { firstUrl, pageMetadata } from './link-preview.service';
import { buildVcard, escapeVcardText } from './vcard';

describe('vCard building (RFC 6350 escaping, WhatsApp waid)', () => {
  it('escapes backslash, comma, semicolon and line breaks', () => {
    expect(escapeVcardText('a\\b,c;d\ne\r\nf')).toBe('a\\\\b\\,c\\;d\\ne\\nf');
  });

  it('builds a card with waid from a punctuated phone, URL left unescaped', () => {
    expect(
      buildVcard({
        fullName: 'Ana, CEO',
        phone: '+55 (11) 98888-7777',
        organization: 'Acme; Inc',
        email: 'ana@acme.com',
        url: 'https://acme.com/a,b',
      })?.vcard.split('\r\n'),
    ).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:;Ana\\, CEO;;;',
      'FN:Ana\\, CEO',
      'ORG:Acme\\; Inc',
      'TEL;type=CELL;type=VOICE;waid=5511988887777:+5511988887777',
      'EMAIL;type=INTERNET:ana@acme.com',
      'URL:https://acme.com/a,b',
      'END:VCARD',
    ]);
  });

  it('names a card by its phone when there is no name, and refuses an empty card', () => {
    expect(buildVcard({ phone: '5511977776666' })?.displayName).toBe('+5511977776666');
    expect(buildVcard({ organization: 'Acme' })).toBeNull();
    expect(buildVcard({ phone: '---' })).toBeNull();
  });
});

describe('brazilianVariant (D13)', () => {
  it.each([
    ['5511987654321', '551187654321'],
    ['551187654321', '5511987654321'],
    ['552199998888', '5521999998888'],
    ['551132654321', null], // landline: no variant
    ['14155550123', null],
    ['5511912345', null],
  ])('%s → %s', (number, variant) => {
    expect(brazilianVariant(number)).toBe(variant);
  });
});

describe('link preview parsing', () => {
  it('finds the first URL without trailing punctuation', () => {
    expect(firstUrl('see (https://a.example/x?y=1). ok')).toBe('https://a.example/x?y=1');
    expect(firstUrl('no link here')).toBeNull();
  });

  it('prefers og tags, falls back to twitter tags, <title> and description', () => {
    expect(
      pageMetadata(
        '<title>T &amp; U</title><meta name="description" content="D"><meta name="twitter:image" content="/i.png">',
      ),
    ).toEqual({ title: 'T & U', description: 'D', image: '/i.png', url: undefined });
    expect(
      pageMetadata(
        '<meta property="og:title" content="OG"><meta property="og:url" content="https://c.example/">',
      ),
    ).toMatchObject({ title: 'OG', url: 'https://c.example/' });
  });
});
