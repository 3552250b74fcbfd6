import type { ConfigService } from '@nestjs/config';
import { HostAllowlist } from '@wharf/common/http/url-guard';
import type { AllConfig } from '@wharf/config';
import sharp from 'sharp';

import { mediaSourceOf } from './content/media.mapper';
import { MediaPrepareService, splitDataUrl } from './media-prepare.service';
import { MediaConversionError, MediaFetchFailedError } from './messaging.errors';
import { mediaBytesOf, messageTypeOf, withoutMediaBytes } from './outgoing-content';

function service(maxBytes = 1_000_000, allowPrivate = false): MediaPrepareService {
  const values: Record<string, unknown> = {
    'media.maxBytes': maxBytes,
    'media.fetchTimeoutMs': 2_000,
    'media.ffmpegPath': 'ffmpeg',
    security: { allowPrivateTargets: allowPrivate, outboundAllowedHosts: HostAllowlist.EMPTY },
  };
  return new MediaPrepareService({
    get: (key: string) => values[key],
  } as unknown as ConfigService<AllConfig, true>);
}

/** A mono 16-bit PCM WAV of `seconds` of a 440 Hz tone. */
function wav(seconds: number, rate = 8000): Buffer {
  const samples = seconds * rate;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('media sources and aliases (docs/API.md §3.2, D22)', () => {
  it('takes exactly one of mediaUrl / mediaBase64, the alias media only without them', () => {
    expect(mediaSourceOf({ mediaUrl: ' https://x.example.com/a.jpg ' })).toEqual({
      url: 'https://x.example.com/a.jpg',
    });
    expect(mediaSourceOf({ mediaUrl: 'AAAA' })).toEqual({ base64: 'AAAA', field: 'mediaUrl' });
    expect(mediaSourceOf({ mediaBase64: 'AAAA', media: 'https://x.example.com' })).toEqual({
      base64: 'AAAA',
      field: 'mediaBase64',
    });
    expect(mediaSourceOf({ media: 'https://x.example.com/b.png' })).toEqual({
      url: 'https://x.example.com/b.png',
    });
    expect(mediaSourceOf({ media: 'data:image/png;base64,AAAA' })).toEqual({
      base64: 'data:image/png;base64,AAAA',
      field: 'media',
    });
    expect(() => mediaSourceOf({ mediaUrl: 'https://x', mediaBase64: 'AAAA' })).toThrow(
      'Invalid request body: send mediaUrl or mediaBase64, not both',
    );
    expect(() => mediaSourceOf({})).toThrow(
      'Invalid request body: mediaUrl or mediaBase64 is required',
    );
  });

  it('splits data: URLs', () => {
    expect(splitDataUrl('data:image/PNG;base64,AAAA')).toEqual({ mime: 'image/png', data: 'AAAA' });
    expect(splitDataUrl('AAAA')).toEqual({ mime: null, data: 'AAAA' });
  });
});

describe('MediaPrepareService', () => {
  const prepare = service();
  afterAll(() => prepare.onApplicationShutdown());

  it('converts a WAV voice note to OGG/Opus and computes its duration', async () => {
    const media = await prepare.prepareMedia({
      mediaType: 'audio',
      source: { base64: wav(3).toString('base64'), field: 'mediaBase64' },
    });
    expect(media).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', ptt: true, seconds: 3 });
    const bytes = Buffer.from(media.base64, 'base64');
    expect(bytes.subarray(0, 4).toString()).toBe('OggS');
  });

  it('keeps plain audio as it is when isVoice is false, and a given duration wins', async () => {
    const input = wav(1);
    const media = await prepare.prepareMedia({
      mediaType: 'audio',
      source: { base64: input.toString('base64'), field: 'mediaBase64' },
      isVoice: false,
      duration: 7,
    });
    expect(media).toMatchObject({ mimeType: 'audio/wav', ptt: false, seconds: 7 });
    expect(Buffer.from(media.base64, 'base64')).toEqual(input);
  });

  it('detects the MIME type, names documents and refuses a file of another kind', async () => {
    const png = await sharp({
      create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .png()
      .toBuffer();
    const source = {
      base64: `data:application/octet-stream;base64,${png.toString('base64')}`,
      field: 'mediaBase64',
    };
    expect(await prepare.prepareMedia({ mediaType: 'image', source })).toMatchObject({
      mimeType: 'image/png',
    });
    expect(await prepare.prepareMedia({ mediaType: 'document', source })).toMatchObject({
      mimeType: 'image/png',
      fileName: 'file.png',
    });
    await expect(prepare.prepareMedia({ mediaType: 'video', source })).rejects.toThrow(
      'Invalid request body: the file is not a video',
    );
  });

  it('makes a 512×512 WebP sticker with a transparent background', async () => {
    const jpeg = await sharp({
      create: { width: 100, height: 50, channels: 3, background: { r: 9, g: 9, b: 9 } },
    })
      .jpeg()
      .toBuffer();
    const sticker = await prepare.prepareSticker({
      base64: jpeg.toString('base64'),
      field: 'imageUrl',
    });
    const meta = await sharp(Buffer.from(sticker.base64, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['webp', 512, 512, true]);
  });

  it('refuses base64 over MEDIA_MAX_BYTES, undecodable audio and private URLs', async () => {
    const small = service(1024);
    await expect(
      small.load({ base64: Buffer.alloc(2048).toString('base64'), field: 'mediaBase64' }),
    ).rejects.toThrow('Invalid request body: the file is larger than MEDIA_MAX_BYTES (1024 bytes)');
    await expect(
      prepare.prepareMedia({
        mediaType: 'audio',
        source: { base64: Buffer.from('nope').toString('base64'), field: 'mediaBase64' },
      }),
    ).rejects.toBeInstanceOf(MediaConversionError);
    const refused = prepare.load({ url: 'http://127.0.0.1:9/x.png' });
    await expect(refused).rejects.toBeInstanceOf(MediaFetchFailedError);
    await expect(refused).rejects.toThrow(
      'Failed to fetch media: the URL must not point to a private or loopback address',
    );
    await small.onApplicationShutdown();
  });
});

describe('stored media sends (D14)', () => {
  const media = {
    kind: 'media' as const,
    mediaType: 'audio' as const,
    base64: 'AAAA',
    mimeType: 'audio/ogg; codecs=opus',
  };

  it('types rows by media type and by the inner type of a status', () => {
    expect(messageTypeOf(media)).toBe('audio');
    expect(messageTypeOf({ kind: 'sticker', base64: '', mimeType: 'image/webp' })).toBe('sticker');
    expect(
      messageTypeOf({ kind: 'status', content: { kind: 'text', text: 'x' }, statusJidList: [] }),
    ).toBe('text');
    expect(messageTypeOf({ kind: 'status', content: media, statusJidList: [] })).toBe('audio');
  });

  it('blanks the bytes once a send is resolved, and leaves other sends alone', () => {
    expect(withoutMediaBytes({ chatJid: 'x', content: media })).toEqual({
      request: { chatJid: 'x', content: { ...media, base64: '' } },
    });
    expect(
      withoutMediaBytes({ content: { kind: 'status', content: media, statusJidList: [] } }),
    ).toEqual({
      request: {
        content: { kind: 'status', content: { ...media, base64: '' }, statusJidList: [] },
      },
    });
    expect(withoutMediaBytes({ content: { kind: 'text', text: 'hi' } })).toEqual({});
    expect(withoutMediaBytes(null)).toEqual({});
  });

  it('blanks the header media bytes of buttons and carousel cards too', () => {
    const header = { type: 'image' as const, url: 'https://x/a.png', base64: 'AAEC' };
    const buttons = { kind: 'buttons' as const, text: 't', buttons: [], media: header };
    expect(withoutMediaBytes({ content: buttons })).toEqual({
      request: { content: { ...buttons, media: { ...header, base64: '' } } },
    });
    const card = { title: 'c', body: 'b', buttons: [] };
    const carousel = {
      kind: 'interactive' as const,
      flow: { type: 'carousel' as const, text: '', cards: [{ ...card, media: header }, card] },
    };
    expect(withoutMediaBytes({ content: carousel })).toEqual({
      request: {
        content: {
          ...carousel,
          flow: { ...carousel.flow, cards: [{ ...card, media: { ...header, base64: '' } }, card] },
        },
      },
    });
    expect(withoutMediaBytes({ content: { ...buttons, media: undefined } })).toEqual({});
  });

  it('reads back the bytes a send carries, for keeping sent media (D15)', () => {
    const file = { ...media, base64: Buffer.from('voice bytes').toString('base64') };
    expect(mediaBytesOf(file)?.toString()).toBe('voice bytes');
    expect(mediaBytesOf({ kind: 'status', content: file, statusJidList: [] })?.toString()).toBe(
      'voice bytes',
    );
    expect(mediaBytesOf({ kind: 'sticker', base64: 'AAEC', mimeType: 'image/webp' })).toEqual(
      Buffer.from([0, 1, 2]),
    );
    expect(mediaBytesOf({ ...file, base64: '' })).toBeNull();
    expect(mediaBytesOf({ kind: 'text', text: 'hi' })).toBeNull();
    expect(mediaBytesOf(undefined)).toBeNull();
  });
});
