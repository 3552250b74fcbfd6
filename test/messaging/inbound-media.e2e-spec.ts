/**
 * Received media end to end (D15, docs/API.md §2.3, §3.3 chat/base64): a sandbox phone sends media,
 * Wharf downloads and decrypts it through the sandbox's HTTPS media host, stores it, uploads it
 * to S3 (s3rver, a local S3-protocol server), and serves it at `media.downloadUrl`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Message } from '@wharf/modules/messaging/entities/message.entity';
import S3rver from 's3rver';
import sharp from 'sharp';

import { Api } from '../support/http';
import {
  allEvents,
  type LinkedInstance,
  type Sandbox,
  startLinkedInstance,
} from '../support/sessions';
import { type OpenStream, openStream } from '../support/stream';
import { waitUntil } from '../support/wait';
import { type WharfHandle } from '../support/wharf';
import { type Receiver, startReceiver } from '../webhook/webhook-helpers';

describe('inbound media (D15)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  let linked: LinkedInstance;
  let receiver: Receiver;
  let plainReceiver: Receiver;
  let stream: OpenStream;
  let s3: S3rver;
  let s3Dir: string;
  let s3Endpoint: string;
  const alice = { number: '5511955500001', jid: '5511955500001@s.whatsapp.net' };
  let png: Buffer;

  beforeAll(async () => {
    png = await sharp({
      create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 40, b: 90 } },
    })
      .png()
      .toBuffer();
    s3Dir = mkdtempSync(join(tmpdir(), 'wharf-s3rver-'));
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: 'wharf-media', configs: [] }],
    });
    const address = (await s3.run()) as { port: number };
    s3Endpoint = `http://127.0.0.1:${address.port}`;
    receiver = await startReceiver();
    plainReceiver = await startReceiver();
    linked = await startLinkedInstance(
      'media',
      '5511955500000',
      [{ number: alice.number, name: 'Alice' }],
      {},
      { ALLOW_PRIVATE_TARGETS: 'true' },
    );
    ({ sandbox, wharf, api, ta, instanceId, ownJid } = linked);
    const hook = await api.post('/api/events/webhook/media', {
      token: ta,
      body: { enabled: true, url: receiver.url, events: ['message.exchange'], mediaBase64: true },
    });
    expect(hook.status).toBe(200);
    const plain = await api.post('/api/events/webhook/media', {
      token: ta,
      body: { label: 'plain', url: plainReceiver.url, events: ['message.exchange'] },
    });
    expect(plain.status).toBe(200);
    const bucket = await api.post('/api/instance/s3/media', {
      token: ta,
      body: {
        enabled: true,
        region: 'us-east-1',
        bucket: 'wharf-media',
        accessKey: 'S3RVER',
        secretKey: 'S3RVER',
        endpoint: s3Endpoint,
        pathPrefix: 'inbound/',
      },
    });
    expect(bucket.status).toBe(200);
    const ws = await api.post('/api/events/websocket/media', {
      token: ta,
      body: { enabled: true, events: ['message.exchange'], mediaBase64: true },
    });
    expect(ws.status).toBe(200);
    stream = await openStream(wharf.url, 'media', { headers: { token: ta } });
  });
  afterAll(async () => {
    stream?.socket.close();
    await linked?.close();
    await receiver?.stop();
    await plainReceiver?.stop();
    await s3?.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  async function exchange(messageId: string): Promise<Record<string, any>> {
    const event = await waitUntil(
      `message.exchange of ${messageId}`,
      async () =>
        (await allEvents(wharf, instanceId)).find(
          (e) => e.event === 'message.exchange' && e.data.id === messageId,
        ),
      20_000,
    );
    return event!.data;
  }

  /** GET of a Wharf path with the account token; the body as bytes. */
  async function fetchBytes(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${wharf.url}${path}`, { headers: { token: ta, ...headers } });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');

  it('stores a received image, announces downloadUrl/fileName/size/sha256/s3Url and serves the exact bytes', async () => {
    const { messageId } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      image: { data: png.toString('base64'), mimetype: 'image/png', caption: 'A swatch' },
    });
    const data = await exchange(messageId);
    const media = data.message.media;
    expect(data.message).toMatchObject({ type: 'image', content: 'A swatch' });
    expect(media).toMatchObject({
      type: 'image',
      mimetype: 'image/png',
      caption: 'A swatch',
      fileName: `${messageId}.png`,
      size: png.length,
      sha256: sha256(png),
    });
    expect(new URL(media.downloadUrl).pathname).toBe(`/api/media/media/${messageId}`);
    expect(media.url).toEqual(expect.stringContaining('https://'));
    expect(media.base64).toBeUndefined();

    // s3Url: the object is in the bucket before the event was emitted.
    expect(media.s3Url).toBe(`${s3Endpoint}/wharf-media/inbound/${messageId}.png`);
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3Endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const object = await client.send(
      new GetObjectCommand({ Bucket: 'wharf-media', Key: `inbound/${messageId}.png` }),
    );
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(png)).toBe(true);
    expect(object.ContentType).toBe('image/png');
    client.destroy();

    const path = new URL(media.downloadUrl).pathname;
    const whole = await fetchBytes(path);
    expect(whole.res.status).toBe(200);
    expect(whole.bytes.equals(png)).toBe(true);
    expect(whole.res.headers.get('content-type')).toBe('image/png');
    expect(whole.res.headers.get('content-length')).toBe(String(png.length));
    expect(whole.res.headers.get('content-disposition')).toContain(`filename="${messageId}.png"`);

    // Issue 11: the decrypted file and its folders are private to Wharf's user.
    const row = await (await wharf.orm()).em.fork().findOneOrFail(Message, { messageId });
    const store = join(wharf.env.DATA_DIR, 'media');
    expect(statSync(join(store, row.mediaPath!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(store, row.mediaPath!, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(store).mode & 0o777).toBe(0o700);
    expect(whole.res.headers.get('accept-ranges')).toBe('bytes');

    const part = await fetchBytes(path, { range: 'bytes=10-29' });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('content-range')).toBe(`bytes 10-29/${png.length}`);
    expect(part.res.headers.get('content-length')).toBe('20');
    expect(part.bytes.equals(png.subarray(10, 30))).toBe(true);

    const tail = await fetchBytes(path, { range: 'bytes=-16' });
    expect(tail.res.status).toBe(206);
    expect(tail.bytes.equals(png.subarray(png.length - 16))).toBe(true);

    const outside = await api.get(path, { token: ta, headers: { range: `bytes=${png.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${png.length}`);
    expect(outside.body).toEqual({
      success: false,
      error: { message: 'Requested range not satisfiable', code: 'RANGE_NOT_SATISFIABLE' },
    });

    // chat/base64 reads the stored file (docs/API.md §3.3).
    const b64 = await api.get(`/api/chat/base64/media?messageId=${messageId}`, { token: ta });
    expect(b64.status).toBe(200);
    expect(b64.body).toEqual({
      success: true,
      message: 'Base64 retrieved successfully',
      message_id: messageId,
      mime_type: 'image/png',
      media_type: 'image',
      base64: png.toString('base64'),
    });

    // The mediaBase64 webhook receives media.base64 (docs/API.md §2.3); the event log stays lean.
    const delivered = await waitUntil(
      'the webhook delivery of the image',
      () => receiver.requests.find((r) => r.json?.data?.id === messageId),
      15_000,
    );
    expect(delivered!.json.data.message.media).toMatchObject({
      base64: png.toString('base64'),
      downloadUrl: media.downloadUrl,
      s3Url: media.s3Url,
    });
    // A webhook without mediaBase64 gets the URLs only.
    const plainDelivery = await waitUntil(
      'the plain webhook delivery of the image',
      () => plainReceiver.requests.find((r) => r.json?.data?.id === messageId),
      15_000,
    );
    expect(plainDelivery!.json.data.message.media.base64).toBeUndefined();
    expect(plainDelivery!.json.data.message.media.downloadUrl).toBe(media.downloadUrl);

    // The instance's own token may download too (D18).
    const ti = (await api.get('/api/instance/list', { token: ta })).body.instances[0].token;
    const byTi = await fetch(`${wharf.url}${path}`, { headers: { token: ti } });
    expect(byTi.status).toBe(200);
    expect(Buffer.from(await byTi.arrayBuffer()).equals(png)).toBe(true);

    // So does the stream whose config has mediaBase64 (docs/API.md §2.4).
    const frame = await waitUntil('the stream frame of the image', () =>
      stream.frames.find((f) => f.data?.id === messageId),
    );
    expect(frame.data.message.media).toMatchObject({
      base64: png.toString('base64'),
      downloadUrl: media.downloadUrl,
    });
  });

  it('keeps a document’s file name and serves a voice note with its type', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5000, 7)]);
    const doc = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      document: { data: pdf.toString('base64'), mimetype: 'application/pdf', fileName: 'Relatório março.pdf' },
    });
    const docMedia = (await exchange(doc.messageId)).message.media;
    expect(docMedia).toMatchObject({
      type: 'document',
      fileName: 'Relatório março.pdf',
      size: pdf.length,
      sha256: sha256(pdf),
    });
    const docBytes = await fetchBytes(new URL(docMedia.downloadUrl).pathname);
    expect(docBytes.bytes.equals(pdf)).toBe(true);
    expect(docBytes.res.headers.get('content-type')).toBe('application/pdf');
    expect(docBytes.res.headers.get('content-disposition')).toBe(
      `inline; filename="Relat_rio mar_o.pdf"; filename*=UTF-8''${encodeURIComponent('Relatório março.pdf')}`,
    );

    const voice = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(3000, 3)]);
    const ptt = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      audio: { data: voice.toString('base64'), mimetype: 'audio/ogg; codecs=opus', ptt: true },
    });
    const pttData = await exchange(ptt.messageId);
    expect(pttData.message.type).toBe('ptt');
    expect(pttData.message.media).toMatchObject({
      isVoiceNote: true,
      fileName: `${ptt.messageId}.ogg`,
      size: voice.length,
    });
    const pttBytes = await fetchBytes(`/api/media/media/${ptt.messageId}`);
    expect(pttBytes.bytes.equals(voice)).toBe(true);
    expect(pttBytes.res.headers.get('content-type')).toBe('audio/ogg; codecs=opus');
  });

  it('stores stickers and reports them as sticker in chat/base64', async () => {
    const webp = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 120, b: 255, alpha: 0.5 } },
    })
      .webp()
      .toBuffer();
    const { messageId } = await sandbox.sendMessage(alice.number, {
      to: ownJid,
      sticker: { data: webp.toString('base64'), mimetype: 'image/webp' },
    });
    const data = await exchange(messageId);
    expect(data.message.type).toBe('sticker');
    expect(data.message.media).toMatchObject({
      fileName: `${messageId}.webp`,
      size: webp.length,
      sha256: sha256(webp),
    });
    const b64 = await api.get(`/api/chat/base64/media?messageId=${messageId}`, { token: ta });
    expect(b64.body).toMatchObject({
      media_type: 'sticker',
      mime_type: 'image/webp',
      base64: webp.toString('base64'),
    });
  });

  it('answers 404 for unknown messages and messages without media', async () => {
    const text = await sandbox.sendMessage(alice.number, { to: ownJid, text: 'no media here' });
    await exchange(text.messageId);
    for (const id of ['NOPE0000000000000000', text.messageId]) {
      const res = await api.get(`/api/media/media/${id}`, { token: ta });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        success: false,
        error: { message: 'Message not found or no media available', code: 'MEDIA_NOT_FOUND' },
      });
      const b64 = await api.get(`/api/chat/base64/media?messageId=${id}`, { token: ta });
      expect(b64.status).toBe(404);
      expect(b64.body.error.message).toBe('Message not found or no media available');
    }
    const missing = await api.get('/api/chat/base64/media', { token: ta });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('messageId query parameter is required');
  });
});
