import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Message } from '@wharf/modules/messaging/entities/message.entity';
import sharp from 'sharp';

import { Api } from '../support/http';
import {
  allEvents,
  type LinkedInstance,
  type Sandbox,
  startLinkedInstance,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { type WharfHandle } from '../support/wharf';

/** Cap of this file's Wharf: the `/big` file (2.5 MB) is over it. */
const MAX_BYTES = 2_000_000;

/** Runs ffmpeg to make a test file; returns its bytes. */
function ffmpeg(dir: string, name: string, args: string[]): Buffer {
  const out = join(dir, name);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args, '-y', out]);
  return readFileSync(out);
}

describe('sending media, stickers and statuses (docs/API.md §3.2, D12, D14)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  let linked: LinkedInstance;
  let server: Server;
  let base: string;
  let dir: string;
  const files: Record<string, { body: Buffer; type: string }> = {};
  const dan = { number: '5511911200001', jid: '5511911200001@s.whatsapp.net' };
  /** Id of the first image sent (quoted later). */
  let imageId: string;
  const eve = { number: '5511911200002', jid: '5511911200002@s.whatsapp.net' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-media-test-'));
    const jpeg = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } },
    })
      .jpeg()
      .toBuffer();
    const video = ffmpeg(dir, 'clip.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=1:size=96x64:rate=10',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-movflags',
      '+faststart',
    ]);
    files['/photo.jpg'] = { body: jpeg, type: 'image/jpeg' };
    files['/clip.mp4'] = { body: video, type: 'video/mp4' };
    files['/big'] = { body: Buffer.alloc(2_500_000, 1), type: 'application/octet-stream' };
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/moved') {
        res.writeHead(302, { location: '/photo.jpg' });
        res.end();
        return;
      }
      const file = files[path];
      if (!file) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
      res.end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    linked = await startLinkedInstance(
      'media',
      '5511911200000',
      [
        { number: dan.number, name: 'Dan' },
        { number: eve.number, name: 'Eve' },
      ],
      {},
      { ALLOW_PRIVATE_TARGETS: 'true', MEDIA_MAX_BYTES: String(MAX_BYTES) },
    );
    ({ sandbox, wharf, api, ta, instanceId, ownJid } = linked);
  });
  afterAll(async () => {
    await linked?.close();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const onPhone = async (number: string, messageId: string) => {
    await waitUntil(`${messageId} on ${number}`, () =>
      sandbox.messages(number).messages.some((m) => m.id === messageId),
    );
    return sandbox.messages(number).messages.find((m) => m.id === messageId)!;
  };
  /** The outgoing `message.exchange` of a message (published just after the row is updated). */
  const exchangeOf = (messageId: string) =>
    waitUntil(`the message.exchange of ${messageId}`, async () =>
      (await allEvents(wharf, instanceId)).find(
        (e) => e.event === 'message.exchange' && e.data.id === messageId,
      ),
    );
  const downloaded = async (number: string, messageId: string) =>
    Buffer.from((await sandbox.media(number, messageId)).base64, 'base64');
  const storedRow = async (messageId: string) => {
    const orm = await wharf.orm();
    return orm.em
      .fork()
      .findOneOrFail(Message, { instance: instanceId, messageId }, { populate: ['request'] });
  };
  const rowCount = async () =>
    (await wharf.orm()).em.fork().count(Message, { instance: instanceId });
  const send = (type: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
    api.post(`/api/message/${type}/media`, { token: ta, body, headers });

  it('sends an image by URL (following a redirect): CDN URL, type and size in the answer, the same bytes on the phone, the media block in the event', async () => {
    const res = await send('media', {
      number: dan.number,
      mediaType: 'image',
      mediaUrl: `${base}/moved`,
      message: 'Our new menu',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      message: 'Media message sent successfully',
      status: 'sent',
      data: {
        messageType: 'image',
        content: 'Our new menu',
        chat: { jid: dan.jid },
        mediaMimeType: 'image/jpeg',
        mediaSize: files['/photo.jpg'].body.length,
      },
    });
    expect(res.body.data.mediaUrl).toMatch(/^https:\/\/.+\/v\/t62\./);
    const id = res.body.messageId;
    imageId = id;
    expect(await onPhone(dan.number, id)).toMatchObject({
      type: 'image',
      from: ownJid,
      caption: 'Our new menu',
      media: { mimetype: 'image/jpeg', fileLength: files['/photo.jpg'].body.length },
    });
    expect(await downloaded(dan.number, id)).toEqual(files['/photo.jpg'].body);
    const event = await exchangeOf(id);
    expect(event?.data.message).toMatchObject({
      type: 'image',
      content: 'Our new menu',
      source: 'api',
      media: {
        type: 'image',
        mimetype: 'image/jpeg',
        caption: 'Our new menu',
        size: files['/photo.jpg'].body.length,
        url: res.body.data.mediaUrl,
        sha256: createHash('sha256').update(files['/photo.jpg'].body).digest('base64'),
        fileName: `${id}.jpg`,
      },
    });
    // D15 for sent media: the bytes Wharf sent are kept and served at downloadUrl.
    const { downloadUrl } = (event!.data.message as { media: { downloadUrl: string } }).media;
    expect(new URL(downloadUrl).pathname).toBe(`/api/media/media/${id}`);
    const served = await fetch(`${wharf.url}/api/media/media/${id}`, { headers: { token: ta } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(files['/photo.jpg'].body);
    // D14: the bytes are kept with the row only until the send is resolved.
    const row = await storedRow(id);
    expect((row.request as any).content.base64).toBe('');
    expect(row.mediaPath).toEqual(expect.any(String));
  });

  it('sends a document from base64 with a data: prefix, and an Idempotency-Key replay sends nothing more', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const body = {
      number: dan.number,
      mediaType: 'document',
      mediaBase64: `data:application/pdf;base64,${pdf.toString('base64')}`,
      fileName: 'menu.pdf',
    };
    const headers = { 'Idempotency-Key': 'doc-1' };
    const res = await send('media', body, headers);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      messageType: 'document',
      mediaMimeType: 'application/pdf',
      mediaSize: pdf.length,
    });
    expect(await onPhone(dan.number, res.body.messageId)).toMatchObject({
      type: 'document',
      media: { mimetype: 'application/pdf', fileName: 'menu.pdf' },
    });
    expect(await downloaded(dan.number, res.body.messageId)).toEqual(pdf);
    const before = await rowCount();
    const again = await send('media', body, headers);
    expect(again.body.messageId).toBe(res.body.messageId);
    expect(await rowCount()).toBe(before);
  });

  it('accepts the D22 aliases: type, caption, mimetype and media (base64 without prefix)', async () => {
    const png = await sharp({
      create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 1 } },
    })
      .png()
      .toBuffer();
    const res = await send('media', {
      number: dan.number,
      type: 'image',
      media: png.toString('base64'),
      caption: 'aliased',
      mimetype: 'image/png',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      messageType: 'image',
      content: 'aliased',
      mediaMimeType: 'image/png',
    });
    expect(await downloaded(dan.number, res.body.messageId)).toEqual(png);
  });

  it('sends audio as a voice note by default: converted to OGG/Opus with its duration', async () => {
    const wav = ffmpeg(dir, 'tone.wav', [
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2',
      '-ac',
      '1',
    ]);
    const res = await send('media', {
      number: dan.number,
      mediaType: 'audio',
      mediaBase64: wav.toString('base64'),
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      messageType: 'audio',
      mediaMimeType: 'audio/ogg; codecs=opus',
      mediaDuration: 2,
    });
    const onDan = await onPhone(dan.number, res.body.messageId);
    expect(onDan).toMatchObject({
      type: 'audio',
      media: { mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 2 },
    });
    const bytes = await downloaded(dan.number, res.body.messageId);
    expect(bytes.subarray(0, 4).toString()).toBe('OggS');
    expect(bytes.includes(Buffer.from('OpusHead'))).toBe(true);
    expect(res.body.data.mediaSize).toBe(bytes.length);
    const event = await exchangeOf(res.body.messageId);
    expect(event?.data.message).toMatchObject({
      type: 'ptt',
      media: { isVoiceNote: true, duration: 2, mimetype: 'audio/ogg; codecs=opus' },
    });
  });

  it('sends a video by URL, quoting the first image', async () => {
    const res = await send('media', {
      number: dan.number,
      mediaType: 'video',
      mediaUrl: `${base}/clip.mp4`,
      message: 'clip',
      replyTo: imageId,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      messageType: 'video',
      mediaMimeType: 'video/mp4',
      replyTo: imageId,
    });
    expect(await onPhone(dan.number, res.body.messageId)).toMatchObject({
      type: 'video',
      caption: 'clip',
      quotedId: imageId,
      media: { mimetype: 'video/mp4' },
    });
    expect(await downloaded(dan.number, res.body.messageId)).toEqual(files['/clip.mp4'].body);
  });

  it('sends a sticker: a PNG data: URL becomes a 512×512 WebP, no content in the answer', async () => {
    const png = await sharp({
      create: {
        width: 300,
        height: 100,
        channels: 4,
        background: { r: 0, g: 200, b: 0, alpha: 1 },
      },
    })
      .png()
      .toBuffer();
    const res = await send('sticker', {
      number: dan.number,
      imageUrl: `data:image/png;base64,${png.toString('base64')}`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      message: 'Sticker sent successfully',
      data: { messageType: 'sticker', mediaMimeType: 'image/webp' },
    });
    expect(res.body.data).not.toHaveProperty('content');
    expect(await onPhone(dan.number, res.body.messageId)).toMatchObject({
      type: 'sticker',
      media: { mimetype: 'image/webp' },
    });
    const webp = await downloaded(dan.number, res.body.messageId);
    const meta = await sharp(webp).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['webp', 512, 512, true]);
  });

  it('posts a text status and an image status that reach a contact through status@broadcast', async () => {
    const text = await api.post('/api/message/status/media', {
      token: ta,
      body: {
        type: 'text',
        message: 'We are open on Saturday!',
        backgroundColor: '#FF6600',
        font: 'serif',
      },
    });
    expect(text.status).toBe(200);
    expect(text.body).toMatchObject({
      message: 'Status posted successfully',
      data: {
        chat: { jid: 'status@broadcast' },
        messageType: 'text',
        content: 'We are open on Saturday!',
      },
    });
    expect(await onPhone(dan.number, text.body.messageId)).toMatchObject({
      chat: 'status@broadcast',
      from: ownJid,
      type: 'text',
      text: 'We are open on Saturday!',
      textStyle: { backgroundArgb: 0xffff6600, font: 8 },
    });
    const image = await api.post('/api/message/status/media', {
      token: ta,
      body: { type: 'image', mediaUrl: `${base}/photo.jpg`, message: 'menu' },
    });
    expect(image.status).toBe(200);
    expect(image.body.data).toMatchObject({
      chat: { jid: 'status@broadcast' },
      messageType: 'image',
      mediaMimeType: 'image/jpeg',
    });
    expect(await onPhone(dan.number, image.body.messageId)).toMatchObject({
      chat: 'status@broadcast',
      type: 'image',
      caption: 'menu',
    });
    expect(await downloaded(dan.number, image.body.messageId)).toEqual(files['/photo.jpg'].body);
    // Eve never chatted with the instance: not among the status recipients.
    expect(sandbox.messages(eve.number).messages).toEqual([]);
  });

  it.each([
    [
      'both sources',
      { mediaType: 'image', mediaUrl: 'https://example.com/a.jpg', mediaBase64: 'AAAA' },
      'Invalid request body: send mediaUrl or mediaBase64, not both',
    ],
    [
      'no source',
      { mediaType: 'image' },
      'Invalid request body: mediaUrl or mediaBase64 is required',
    ],
    ['no media type', { mediaBase64: 'AAAA' }, 'Invalid request body: mediaType is required'],
    [
      'a bad media type',
      { mediaType: 'gif', mediaBase64: 'AAAA' },
      'Invalid request body: mediaType must be one of image, video, document, audio',
    ],
    [
      'bad base64',
      { mediaType: 'document', mediaBase64: 'not base64!' },
      'Invalid request body: mediaBase64 is not valid base64',
    ],
    [
      'a file over MEDIA_MAX_BYTES',
      { mediaType: 'document', mediaUrl: '<base>/big' },
      `Failed to fetch media: the file is larger than MEDIA_MAX_BYTES (${MAX_BYTES} bytes)`,
    ],
    [
      'a URL answering 404',
      { mediaType: 'image', mediaUrl: '<base>/missing?token=secret' },
      'Failed to fetch media: the server answered HTTP 404',
    ],
    [
      'undecodable audio',
      { mediaType: 'audio', mediaBase64: Buffer.from('not audio at all').toString('base64') },
      'Failed to convert media: the audio could not be decoded',
    ],
  ])('refuses %s with 400 and stores nothing', async (_what, body, message) => {
    const before = await rowCount();
    const resolved = JSON.parse(JSON.stringify(body).replace('<base>', base));
    const res = await send('media', { number: dan.number, ...resolved });
    expect([res.status, res.body.error?.message]).toEqual([400, message]);
    expect(res.text).not.toContain('secret');
    expect(await rowCount()).toBe(before);
  });

  it.each([
    ['sticker', { number: dan.number }, 'Invalid request body: imageUrl is required'],
    [
      'sticker',
      {
        number: dan.number,
        imageUrl: `data:text/plain;base64,${Buffer.from('hi').toString('base64')}`,
      },
      'Invalid request body: imageUrl must be a PNG, JPEG or GIF image',
    ],
    ['status', { type: 'image' }, 'Invalid request body: mediaUrl is required for image statuses'],
    ['status', { type: 'text' }, 'Invalid request body: message is required for a text status'],
    [
      'status',
      { type: 'text', message: 'x', number: dan.number },
      'Invalid request body: property number should not exist',
    ],
    ['media', { mediaType: 'image', mediaBase64: 'AAAA' }, 'Number is required'],
  ])('refuses a %s with %j', async (type, body, message) => {
    const before = await rowCount();
    const res = await api.post(`/api/message/${type}/media`, { token: ta, body });
    expect([res.status, res.body.error?.message]).toEqual([400, message]);
    expect(await rowCount()).toBe(before);
  });
});
