import { Agent, get, request } from 'node:https';

import type { proto, WAMessage } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import {
  type PhoneMessagesView,
  type Sandbox,
  SANDBOX_MEDIA_CERT,
  startSandbox,
} from '../src/index';
import { control, linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';
import { eventually } from './messaging-helpers';

jest.setTimeout(10_000);

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** GETs `url` trusting only the sandbox media certificate. */
function download(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, { ca: SANDBOX_MEDIA_CERT }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Buffer.concat(chunks))
          : reject(new Error(`GET ${url}: ${res.statusCode}`)),
      );
    }).on('error', reject);
  });
}

describe('media through the sandbox’s HTTPS media host', () => {
  const fay = '5511900000051';
  const gil = '5511900000052';
  let b: BaileysModule;
  let sandbox: Sandbox;
  let companion: TestClient;
  const upserts: WAMessage[] = [];

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0, mediaPort: 0 });
    sandbox.createPhone(fay, 'Fay');
    sandbox.createPhone(gil, 'Gil');
    companion = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, fay), {
      fetchAgent: new Agent({ ca: SANDBOX_MEDIA_CERT }),
    });
    companion.sock.ev.on('messages.upsert', ({ messages }) => upserts.push(...messages));
    await companion.opened();
  });

  afterAll(async () => {
    await companion.stop();
    await sandbox.close();
  });

  it('carries an image a phone sends; the companion downloads and decrypts it', async () => {
    const sent = await control<{ messageId: string }>(sandbox, 'POST', `/phones/${gil}/messages`, {
      to: fay,
      image: { data: PNG.toString('base64'), mimetype: 'image/png', caption: 'a dot' },
    });
    expect(sent.status).toBe(201);
    const list = await eventually(
      () => upserts,
      (messages) => messages.some((m) => m.key.id === sent.body.messageId),
    );
    const image = (list.find((m) => m.key.id === sent.body.messageId) as WAMessage).message
      ?.imageMessage as proto.Message.IImageMessage;
    expect(image).toMatchObject({ caption: 'a dot', mimetype: 'image/png' });
    expect(image.url).toMatch(new RegExp(`^${sandbox.mediaUrl.replace('.', '\\.')}/v/`));

    const encrypted = await download(image.url as string);
    const { cipherKey, iv } = await b.getMediaKeys(image.mediaKey, 'image');
    const plain = b.aesDecryptWithIV(encrypted.subarray(0, -10), cipherKey, iv);
    expect(plain.equals(PNG)).toBe(true);
  });

  it('lets a companion send a document that the phone receives', async () => {
    const sent = await companion.sock.sendMessage(`${gil}@s.whatsapp.net`, {
      document: Buffer.from('%PDF-1.4 sandbox'),
      mimetype: 'application/pdf',
      fileName: 'report.pdf',
      caption: 'the report',
    });
    const id = sent?.key.id as string;
    const view = await eventually(
      async () =>
        (await control<PhoneMessagesView>(sandbox, 'GET', `/phones/${gil}/messages?chat=${fay}`))
          .body,
      (v) => v.messages.some((m) => m.id === id),
    );
    expect(view.messages.find((m) => m.id === id)).toMatchObject({
      type: 'document',
      caption: 'the report',
      media: { mimetype: 'application/pdf', fileName: 'report.pdf', fileLength: 16 },
    });
  });

  it('refuses uploads without the media_conn auth token and unknown media paths', async () => {
    const status = (method: string, path: string): Promise<number | undefined> =>
      new Promise((resolve, reject) => {
        const req = request(
          `${sandbox.mediaUrl}${path}`,
          { method, ca: SANDBOX_MEDIA_CERT },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end(method === 'POST' ? 'bytes' : undefined);
      });
    expect(await status('POST', '/mms/image/abc?auth=wrong')).toBe(401);
    expect(await status('GET', '/v/t62.7118-24/nothing.enc')).toBe(404);
  });
});
