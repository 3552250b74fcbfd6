import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Message } from '@wharf/modules/messaging/entities/message.entity';
import S3rver from 's3rver';
import sharp from 'sharp';

import { type LinkedInstance, startLinkedInstance } from '../support/sessions';
import { waitUntil } from '../support/wait';

/** How long the S3 stand-in holds each request before passing it on, ms. */
const S3_DELAY_MS = 1_500;

/**
 * D14: a synchronous send answers with its own outcome. The counterpart's phone answers with a
 * delivery receipt within milliseconds, while the sender's S3 upload (D15) is held for
 * {@link S3_DELAY_MS} by a slow proxy in front of s3rver: the answer must still wait for the
 * send's record (timestamp, raw message, `s3Url`), not return as soon as the receipt moved the
 * row to `delivered`. (MEDIA_AUTO_DOWNLOAD is off so the engine's echo of the send, which
 * would otherwise upload too and hold the receipt behind it, stays out of the way.)
 */
describe('synchronous send outcome (D14) when a receipt beats the send record', () => {
  let linked: LinkedInstance;
  let s3: S3rver;
  let s3Dir: string;
  let slow: Server;
  let png: Buffer;
  const peer = '5511977710001';

  beforeAll(async () => {
    png = await sharp({
      create: { width: 20, height: 20, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .png()
      .toBuffer();
    s3Dir = mkdtempSync(join(tmpdir(), 'wharf-s3rver-'));
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: 'outcome', configs: [] }],
    });
    const s3Port = ((await s3.run()) as { port: number }).port;
    slow = createServer((req, res) => {
      setTimeout(() => {
        const upstream = request(
          {
            host: '127.0.0.1',
            port: s3Port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.writeHead(502).end());
        req.pipe(upstream);
      }, S3_DELAY_MS);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    linked = await startLinkedInstance(
      'outcome',
      '5511977710000',
      [{ number: peer, name: 'Peer' }],
      {},
      // The echo of the send then stores nothing itself, so the receipt is ingested at once
      // while the send's own upload of the bytes it sent is still held by the proxy.
      { ALLOW_PRIVATE_TARGETS: 'true', MEDIA_AUTO_DOWNLOAD: 'false' },
    );
    const set = await linked.api.post('/api/instance/s3/outcome', {
      token: linked.ta,
      body: {
        enabled: true,
        region: 'us-east-1',
        bucket: 'outcome',
        accessKey: 'S3RVER',
        secretKey: 'S3RVER',
        endpoint: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      },
    });
    expect(set.status).toBe(200);
  });

  afterAll(async () => {
    await linked?.close();
    await new Promise((resolve) => slow?.close(resolve));
    await s3?.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  it('answers sent with the recorded send (timestamp, s3Url), not at the delivery receipt', async () => {
    const res = await linked.api.post('/api/message/media/outcome', {
      token: linked.ta,
      body: { number: peer, mediaType: 'image', mediaBase64: png.toString('base64') },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'sent' });
    const orm = await linked.wharf.orm();
    const row = await orm.em.fork().findOneOrFail(Message, { messageId: res.body.messageId });
    // Read right after the answer: the send's own record is complete.
    expect(row.statusTimes.sent).toEqual(expect.any(String));
    expect((row.payload.media as { s3Url?: string }).s3Url).toMatch(/\/outcome\//);
    // And the receipt did beat it: the peer's phone got the image well before the upload ended.
    await waitUntil('the delivery receipt stored', async () => {
      const latest = await orm.em.fork().findOneOrFail(Message, { messageId: res.body.messageId });
      return latest.statusTimes.delivered;
    });
  });
});
