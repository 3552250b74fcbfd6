import type { SendMediaDto, SendStatusDto } from '../dto/send-media.dto';
import { InvalidNumberError, NotImplementedYetError } from '../messaging.errors';
import {
  isHttpUrl,
  mediaRequestOf,
  statusContent,
  statusInnerOf,
  stickerContent,
  stickerSourceOf,
} from './media.mapper';

const refusal = (message: string, field: string) =>
  expect.objectContaining({
    status: 400,
    message: `Invalid request body: ${message}`,
    details: [{ field, message }],
  });

describe('media request (docs/API.md §3.2, D22)', () => {
  const media = (fields: Partial<SendMediaDto>): SendMediaDto => ({
    number: '5511988887777',
    ...fields,
  });

  it('resolves the D22 aliases, the canonical field winning', () => {
    expect(
      mediaRequestOf(
        media({
          type: 'image',
          mediatype: 'video',
          media: 'https://cdn.example.com/a.jpg',
          caption: 'alias',
          mimetype: 'image/png',
        }),
      ),
    ).toEqual({
      request: {
        mediaType: 'image',
        source: { url: 'https://cdn.example.com/a.jpg' },
        caption: 'alias',
        mimeType: 'image/png',
        fileName: undefined,
        isVoice: undefined,
        duration: undefined,
        waveform: undefined,
      },
      mentions: undefined,
    });
    expect(
      mediaRequestOf(
        media({
          mediaType: 'audio',
          type: 'image',
          mediaBase64: 'AAAA',
          message: 'm',
          caption: 'c',
        }),
      ).request,
    ).toMatchObject({
      mediaType: 'audio',
      source: { base64: 'AAAA', field: 'mediaBase64' },
      caption: 'm',
    });
  });

  it('turns mentions into phone JIDs', () => {
    expect(
      mediaRequestOf(media({ mediaType: 'image', mediaUrl: 'AAAA', mention: ['5511977776666'] }))
        .mentions,
    ).toEqual(['5511977776666@s.whatsapp.net']);
  });

  it.each(['replyPrivate', 'mentionAll'] as const)('answers 501 for %s', (field) => {
    expect(() =>
      mediaRequestOf(media({ mediaType: 'image', mediaUrl: 'AAAA', [field]: true })),
    ).toThrow(expect.objectContaining({ status: 501, message: `${field} is not implemented yet` }));
  });

  it('checks 501 before the body, the media type before the source', () => {
    expect(() => mediaRequestOf(media({ replyPrivate: true }))).toThrow(NotImplementedYetError);
    expect(() => mediaRequestOf(media({}))).toThrow(refusal('mediaType is required', 'mediaType'));
    expect(() => mediaRequestOf(media({ mediaType: 'image' }))).toThrow(
      refusal('mediaUrl or mediaBase64 is required', 'mediaUrl'),
    );
    expect(() =>
      mediaRequestOf(media({ mediaType: 'image', mediaUrl: 'AAAA', mediaBase64: 'AAAA' })),
    ).toThrow(refusal('send mediaUrl or mediaBase64, not both', 'mediaUrl'));
  });

  it('answers 400 Invalid phone number or JID for a bad mention', () => {
    expect(() =>
      mediaRequestOf(media({ mediaType: 'image', mediaUrl: 'AAAA', mention: ['x'] })),
    ).toThrow(InvalidNumberError);
  });
});

describe('sticker (docs/API.md §3.2)', () => {
  it('downloads a URL and decodes anything else', () => {
    expect(stickerSourceOf({ imageUrl: ' HTTPS://cdn.example.com/s.png ' })).toEqual({
      url: 'HTTPS://cdn.example.com/s.png',
    });
    expect(stickerSourceOf({ imageUrl: 'data:image/png;base64,AAAA' })).toEqual({
      base64: 'data:image/png;base64,AAAA',
      field: 'imageUrl',
    });
    expect(isHttpUrl('ftp://x')).toBe(false);
  });

  it('answers 501 for replyPrivate', () => {
    expect(() => stickerSourceOf({ imageUrl: 'AAAA', replyPrivate: true })).toThrow(
      'replyPrivate is not implemented yet',
    );
  });

  it('sends WebP', () => {
    expect(stickerContent({ base64: 'UklG' })).toEqual({
      kind: 'sticker',
      base64: 'UklG',
      mimeType: 'image/webp',
    });
  });
});

describe('status (docs/API.md §3.2)', () => {
  const status = (fields: Partial<SendStatusDto>): SendStatusDto => fields as SendStatusDto;

  it('needs message for a text status', () => {
    expect(statusInnerOf(status({ type: 'text', message: 'Open' }))).toEqual({
      kind: 'text',
      text: 'Open',
    });
    for (const message of [undefined, '   ']) {
      expect(() => statusInnerOf(status({ type: 'text', message }))).toThrow(
        refusal('message is required for a text status', 'message'),
      );
    }
  });

  it('needs mediaUrl for a media status, the message as its caption', () => {
    expect(() => statusInnerOf(status({ type: 'video' }))).toThrow(
      refusal('mediaUrl is required for video statuses', 'mediaUrl'),
    );
    expect(
      statusInnerOf(
        status({ type: 'image', mediaUrl: 'https://cdn.example.com/a.jpg', message: 'c' }),
      ),
    ).toMatchObject({
      kind: 'media',
      request: {
        mediaType: 'image',
        source: { url: 'https://cdn.example.com/a.jpg' },
        caption: 'c',
      },
    });
    expect(statusInnerOf(status({ type: 'audio', mediaUrl: 'AAAA' }))).toMatchObject({
      request: { source: { base64: 'AAAA', field: 'mediaUrl' } },
    });
  });

  it('styles text statuses only', () => {
    const recipients = ['5511988887777@s.whatsapp.net'];
    expect(
      statusContent(
        status({ type: 'text', backgroundColor: '#112233', font: 'serif' }),
        { kind: 'text', text: 'Hi' },
        recipients,
      ),
    ).toEqual({
      kind: 'status',
      content: { kind: 'text', text: 'Hi' },
      statusJidList: recipients,
      backgroundColor: '#112233',
      font: 8,
    });
    const image = {
      kind: 'media' as const,
      mediaType: 'image' as const,
      base64: 'AA==',
      mimeType: 'image/jpeg',
    };
    expect(
      statusContent(
        status({ type: 'image', backgroundColor: '#112233', font: 'serif' }),
        image,
        [],
      ),
    ).toEqual({ kind: 'status', content: image, statusJidList: [] });
  });
});
