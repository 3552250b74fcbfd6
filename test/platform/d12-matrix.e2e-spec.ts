import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

import { isPrivateAddress } from '@wharf/common/http/url-guard';
import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { WebhookDelivery } from '@wharf/modules/webhook/entities/webhook-delivery.entity';
import S3rver from 's3rver';
import sharp from 'sharp';

import { createInstance, type InstanceFixture } from '../support/fixtures';
import { type ApiResponse } from '../support/http';
import { type LinkedInstance, startLinkedInstance } from '../support/sessions';
import { waitUntil } from '../support/wait';
import { TEST_DIALECT } from '../support/wharf';
import { publishEvents } from '../webhook/webhook-helpers';

/**
 * The D12 matrix of issue 11: every user-supplied URL or host × every encoding of a loopback,
 * private, special-use or own-interface address × reached directly, through a DNS name that
 * resolves to it, and through a redirect from a public-looking URL — against one Wharf with the
 * default policy (ALLOW_PRIVATE_TARGETS off). The "public-looking" redirector listens on
 * 127.0.0.2, which the operator allowlist OUTBOUND_ALLOWED_HOSTS lets through; every refused
 * address that is local reaches a "victim" listener on all interfaces, which must never see a
 * connection. Controls prove each path is live (an allowed URL works). The classification itself
 * (every IANA range) is unit-tested in src/common/http/url-guard.spec.ts.
 */

/** A host to aim at: `url` is its form in a URL, `host` its form as a proxy host. */
interface Target {
  label: string;
  url: string;
  host: string;
}

const target = (url: string, label = url): Target => ({
  label,
  url,
  host: url.replace(/^\[|\]$/g, ''),
});

/** Encodings of loopback (all of them reach the victim if not refused). */
const LOOPBACK = [
  '127.0.0.1',
  '2130706433',
  '0x7f000001',
  '0177.0.0.1',
  '127.1',
  '0x7f.1',
  '127.0.0.1.',
  '127.42.0.7',
  '[::1]',
  '[0:0:0:0:0:0:0:1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:7f00:1]',
  '[::127.0.0.1]',
  '[::ffff:0:127.0.0.1]',
  '[64:ff9b::127.0.0.1]',
  '[2002:7f00:1::]',
  '0.0.0.0',
  '0',
  '[::]',
  'localhost',
  'localhost.',
  'LOCALHOST',
  'wharf.localhost',
  'wharf.localhost.',
];

/** Private, link-local and special-use addresses (IPv4 and IPv6) and local names. */
const SPECIAL = [
  '10.0.0.1',
  '172.16.0.1',
  '192.168.0.1',
  '3232235521',
  '169.254.169.254',
  '0xa9fea9fe',
  '[::ffff:169.254.169.254]',
  '100.64.0.1',
  '192.0.0.1',
  '192.0.2.1',
  '198.51.100.1',
  '203.0.113.1',
  '198.18.0.1',
  '240.0.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '[fe80::1]',
  '[fc00::1]',
  '[fd12:3456::1]',
  '[2001:db8::1]',
  '[64:ff9b:1::1]',
  '[2001:2::1]',
  '[2001::1]',
  '[100::1]',
  '[ff02::1]',
  '[3fff::1]',
  'metadata.google.internal',
  'printer.local',
];

/** This machine's own interface addresses (TEST-NET and ULA here), direct and IPv4-mapped. */
function ownInterfaceTargets(): Target[] {
  const targets: Target[] = [];
  for (const info of Object.values(networkInterfaces()).flat()) {
    if (!info || info.internal) continue;
    if (info.family === 'IPv4') {
      targets.push(target(info.address, `own ${info.address}`));
      targets.push(target(`[::ffff:${info.address}]`, `own [::ffff:${info.address}]`));
    } else if (!info.address.toLowerCase().startsWith('fe80')) {
      targets.push(target(`[${info.address}]`, `own [${info.address}]`));
    }
  }
  return targets;
}

/** Names that resolve (through the system resolver) to a refused address: the machine's own. */
async function privateNames(): Promise<string[]> {
  const candidates = new Set([hostname()]);
  for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
    const [, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    for (const name of names) if (name && !name.includes('localhost')) candidates.add(name);
  }
  const names: string[] = [];
  for (const name of candidates) {
    const addresses = await lookup(name, { all: true }).catch(() => []);
    if (addresses.length && addresses.every((a) => isPrivateAddress(a.address))) names.push(name);
    if (names.length === 3) break;
  }
  return names;
}

type Mode = 'direct' | 'dns' | 'redirect';
/** A webhook case delivered for real: its mode, target label, URL and webhook label. */
type HookCase = { mode: Mode; label: string; url: string; tag: string };
const MODES: Mode[] = ['direct', 'dns', 'redirect'];

describe(`D12 matrix: every outbound URL and proxy host × every encoding of a refused address × direct, DNS, redirect (issue 11, ${TEST_DIALECT})`, () => {
  let linked: LinkedInstance;
  let victim: Server;
  let victimPort: number;
  const victimHits: string[] = [];
  let redirector: Server;
  let redirectorBase: string;
  let s3: S3rver;
  let s3Dir: string;
  let s3Endpoint: string;
  let png: Buffer;
  let direct: Target[];
  let dnsNames: Target[];
  /** Redirect targets: every direct target and every DNS name, addressed by index. */
  let redirectTargets: Target[];
  const peer = '5511977700001';
  const tally = new Map<string, Record<Mode, { refused: number; total: number }>>();
  const failures: string[] = [];

  /** Counts one case of `input`; a case that was not refused is listed in the failure. */
  const count = (input: string, mode: Mode, label: string, refused: boolean, detail = '') => {
    const row = tally.get(input) ?? {
      direct: { refused: 0, total: 0 },
      dns: { refused: 0, total: 0 },
      redirect: { refused: 0, total: 0 },
    };
    tally.set(input, row);
    row[mode].total += 1;
    if (refused) row[mode].refused += 1;
    else failures.push(`${input} ${mode} ${label}: ${detail}`);
  };
  const expectAllRefused = (input: string) => {
    const mine = failures.filter((line) => line.startsWith(`${input} `));
    expect(mine).toEqual([]);
    const row = tally.get(input)!;
    expect(MODES.some((mode) => row[mode].total > 0)).toBe(true);
  };

  /** A URL of the victim through `t`, tagged so a hit names its case. */
  const victimUrl = (t: Target, tag: string) => `http://${t.url}:${victimPort}/hit/${tag}`;
  const redirectUrl = (index: number, tag: string) => `${redirectorBase}/to/${index}/${tag}`;
  /** The URL of case `index` of `mode`, tagged with `tag`. */
  const caseUrl = (mode: Mode, t: Target, index: number, tag: string) =>
    mode === 'redirect' ? redirectUrl(index, tag) : victimUrl(t, tag);
  const casesOf = (mode: Mode): Target[] =>
    mode === 'direct' ? direct : mode === 'dns' ? dnsNames : redirectTargets;
  const hit = (tag: string) => victimHits.some((path) => path.includes(`/hit/${tag}`));
  const post = (route: string, body: Record<string, unknown>, token = linked.ta) =>
    linked.api.post(route, { token, body });
  const isD12 = (res: ApiResponse) =>
    /private or loopback address/.test(String(res.body?.error?.message ?? ''));

  beforeAll(async () => {
    png = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 120, b: 200 } },
    })
      .png()
      .toBuffer();
    victim = createServer((req, res) => {
      victimHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    });
    // Any TCP connection at all (a proxy CONNECT, a SOCKS greeting, an S3 PUT) is a hit.
    victim.on('connection', () => victimHits.push('(connection)'));
    victim.on('connect', (req: IncomingMessage, socket: Socket) => {
      victimHits.push(`CONNECT ${req.url}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => victim.listen(0, '::', resolve));
    victimPort = (victim.address() as AddressInfo).port;

    direct = [...LOOPBACK, ...SPECIAL].map((url) => target(url)).concat(ownInterfaceTargets());
    dnsNames = (await privateNames()).map((name) => target(name, `dns ${name}`));
    redirectTargets = [...direct, ...dnsNames];

    redirector = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const to = /^\/to\/(\d+)\/(.+)$/.exec(url.pathname);
      const og = /^\/og\/(.+)$/.exec(url.pathname);
      if (to) {
        res.writeHead(302, { location: victimUrl(redirectTargets[Number(to[1])], to[2]) }).end();
      } else if (og) {
        const image = decodeURIComponent(og[1]);
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<html><head><meta property="og:title" content="Refused image"><meta property="og:image" content="${image.replace(/"/g, '&quot;')}"></head></html>`,
          );
      } else if (url.pathname === '/image.png') {
        res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      } else if (url.pathname === '/to-ok') {
        res.writeHead(302, { location: '/image.png' }).end();
      } else if (url.pathname === '/page-ok') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<html><head><meta property="og:title" content="Allowed"><meta property="og:image" content="/image.png"></head></html>`,
          );
      } else {
        res.writeHead(200).end('ok');
      }
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.2', resolve));
    redirectorBase = `http://127.0.0.2:${(redirector.address() as AddressInfo).port}`;

    s3Dir = mkdtempSync(join(tmpdir(), 'wharf-s3rver-'));
    s3 = new S3rver({
      address: '127.0.0.2',
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: 'matrix', configs: [] }],
    });
    s3Endpoint = `http://127.0.0.2:${((await s3.run()) as { port: number }).port}`;

    linked = await startLinkedInstance(
      'matrix',
      '5511977700000',
      [{ number: peer, name: 'Peer' }],
      {},
      {
        OUTBOUND_ALLOWED_HOSTS: '127.0.0.2',
        WEBHOOK_RETRY_SCHEDULE_MS: '100',
        // Short limits so that a target that is not refused fails fast instead of hanging.
        WEBHOOK_TIMEOUT_MS: '3000',
        MEDIA_FETCH_TIMEOUT_MS: '3000',
      },
    );
  });

  afterAll(async () => {
    await linked?.close();
    await new Promise((resolve) => victim?.close(resolve));
    await new Promise((resolve) => redirector?.close(resolve));
    await s3?.close();
    rmSync(s3Dir, { recursive: true, force: true });
    const lines = [...tally].map(([input, row]) => {
      const cells = MODES.map((mode) =>
        row[mode].total ? `${mode} ${row[mode].refused}/${row[mode].total}` : `${mode} n/a`,
      );
      return `  ${input.padEnd(28)} ${cells.join('  ')}`;
    });
    const refused = [...tally.values()].reduce(
      (sum, row) => sum + MODES.reduce((s, mode) => s + row[mode].refused, 0),
      0,
    );
    const total = [...tally.values()].reduce(
      (sum, row) => sum + MODES.reduce((s, mode) => s + row[mode].total, 0),
      0,
    );
    console.log(
      `D12 matrix (${TEST_DIALECT}): refused ${refused} / ${total} cases; victim connections: ${victimHits.length}\n${lines.join('\n')}`,
    );
  });

  it('has targets in every mode: local addresses, own interfaces and a DNS name that resolves to one', () => {
    expect(direct.length).toBeGreaterThan(50);
    expect(direct.some((t) => t.label.startsWith('own '))).toBe(true);
    expect(dnsNames.length).toBeGreaterThan(0);
  });

  describe.each([
    [
      'media mediaUrl',
      (url: string) =>
        post('/api/message/media/matrix', { number: peer, mediaType: 'image', mediaUrl: url }),
    ],
    [
      'media media (D22 alias)',
      (url: string) =>
        post('/api/message/media/matrix', { number: peer, mediaType: 'image', media: url }),
    ],
    [
      'sticker imageUrl',
      (url: string) => post('/api/message/sticker/matrix', { number: peer, imageUrl: url }),
    ],
    [
      'status mediaUrl',
      (url: string) => post('/api/message/status/matrix', { type: 'image', mediaUrl: url }),
    ],
  ] as const)('%s', (input, send) => {
    it('downloads an allowed URL, directly and through a redirect (control)', async () => {
      for (const url of [`${redirectorBase}/image.png`, `${redirectorBase}/to-ok`]) {
        const res = await send(url);
        expect([url, res.status, res.body.error]).toEqual([url, 200, undefined]);
      }
    });

    it('refuses every encoding, DNS name and redirect with 400 and never connects', async () => {
      for (const mode of MODES) {
        for (const [index, t] of casesOf(mode).entries()) {
          const tag = `${input.replace(/\W+/g, '-')}-${mode}-${index}`;
          const res = await send(caseUrl(mode, t, index, tag));
          count(
            input,
            mode,
            t.label,
            res.status === 400 &&
              res.body.error?.code === 'MEDIA_FETCH_FAILED' &&
              isD12(res) &&
              !hit(tag),
            `${res.status} ${JSON.stringify(res.body.error)}`,
          );
        }
      }
      expectAllRefused(input);
    });
  });

  it('never fetches a URL given as mediaBase64 (it is base64, not a URL)', async () => {
    for (const mode of MODES) {
      for (const [index, t] of casesOf(mode).entries()) {
        const tag = `base64-${mode}-${index}`;
        const res = await post('/api/message/media/matrix', {
          number: peer,
          mediaType: 'image',
          mediaBase64: caseUrl(mode, t, index, tag),
        });
        count('media mediaBase64', mode, t.label, res.status === 400 && !hit(tag), `${res.status}`);
      }
    }
    expectAllRefused('media mediaBase64');
  });

  describe.each([
    [
      'button mediaUrl',
      (url: string) =>
        post('/api/message/button/matrix', {
          number: peer,
          contentText: 'header media',
          mediaUrl: url,
          mediaType: 'IMAGE',
          buttons: [{ id: 'ok', displayText: 'OK' }],
        }),
    ],
    [
      'carousel card imageUrl',
      (url: string) =>
        post('/api/message/carousel/matrix', {
          number: peer,
          cards: [
            {
              header: { title: 'Card', imageUrl: url },
              body: { text: 'Body' },
              buttons: [{ id: 'x', displayText: 'X' }],
            },
          ],
        }),
    ],
  ] as const)('%s', (input, send) => {
    it('uploads an allowed header image (control)', async () => {
      const res = await send(`${redirectorBase}/image.png`);
      expect([res.status, res.body.error]).toEqual([200, undefined]);
    });

    it('refuses every encoding, DNS name and redirect with 400 before storing anything', async () => {
      for (const mode of MODES) {
        for (const [index, t] of casesOf(mode).entries()) {
          const tag = `${input.replace(/\W+/g, '-')}-${mode}-${index}`;
          const res = await send(caseUrl(mode, t, index, tag));
          // A refused literal or local name: 400 VALIDATION_FAILED at once. A DNS name resolving
          // to a refused address, or a redirect to one: the header media is downloaded in the
          // request, so 400 `Failed to fetch media: …` (MEDIA_FETCH_FAILED), nothing stored.
          const expected =
            res.status === 400 &&
            res.body.error?.code ===
              (mode === 'direct' ? 'VALIDATION_FAILED' : 'MEDIA_FETCH_FAILED');
          count(
            input,
            mode,
            t.label,
            expected && isD12(res) && !hit(tag),
            `${res.status} ${JSON.stringify(res.body.error)}`,
          );
        }
      }
      expectAllRefused(input);
    });
  });

  describe('link previews', () => {
    const sendText = (text: string) =>
      post('/api/message/text/matrix', { number: peer, message: text, linkPreview: true });
    const onPhone = async (ids: string[]) => {
      await waitUntil(`${ids.length} messages on the phone`, () => {
        const seen = new Set(linked.sandbox.messages(peer).messages.map((m) => m.id));
        return ids.every((id) => seen.has(id));
      });
      const all = linked.sandbox.messages(peer).messages;
      return ids.map((id) => all.find((m) => m.id === id)!);
    };

    it('builds a preview with its og:image from an allowed page (control)', async () => {
      const res = await sendText(`see ${redirectorBase}/page-ok`);
      expect(res.status).toBe(200);
      const [view] = await onPhone([res.body.messageId]);
      expect(view.linkPreview).toMatchObject({ title: 'Allowed', hasThumbnail: true });
    });

    it('never fetches a refused page: the text goes without a preview', async () => {
      const sent: Array<[Mode, string, string, string]> = [];
      for (const mode of MODES) {
        for (const [index, t] of casesOf(mode).entries()) {
          const tag = `preview-${mode}-${index}`;
          const res = await sendText(`read ${caseUrl(mode, t, index, tag)} now`);
          if (res.status !== 200)
            count('link preview target', mode, t.label, false, `${res.status}`);
          else sent.push([mode, t.label, tag, res.body.messageId]);
        }
      }
      const views = await onPhone(sent.map(([, , , id]) => id));
      sent.forEach(([mode, label, tag], i) =>
        count(
          'link preview target',
          mode,
          label,
          !views[i].linkPreview && !hit(tag),
          JSON.stringify(views[i].linkPreview),
        ),
      );
      expectAllRefused('link preview target');
    });

    it('never fetches a refused og:image: the preview goes without a thumbnail', async () => {
      const sent: Array<[Mode, string, string, string]> = [];
      for (const mode of MODES) {
        for (const [index, t] of casesOf(mode).entries()) {
          const tag = `og-${mode}-${index}`;
          const image = caseUrl(mode, t, index, tag);
          const res = await sendText(`look ${redirectorBase}/og/${encodeURIComponent(image)}`);
          if (res.status !== 200)
            count('link preview og:image', mode, t.label, false, `${res.status}`);
          else sent.push([mode, t.label, tag, res.body.messageId]);
        }
      }
      const views = await onPhone(sent.map(([, , , id]) => id));
      sent.forEach(([mode, label, tag], i) =>
        count(
          'link preview og:image',
          mode,
          label,
          views[i].linkPreview?.title === 'Refused image' &&
            !views[i].linkPreview.hasThumbnail &&
            !hit(tag),
          JSON.stringify(views[i].linkPreview),
        ),
      );
      expectAllRefused('link preview og:image');
    });
  });

  describe('webhooks', () => {
    it('refuses every encoding as webhookURL of instance/new (the block reports the error)', async () => {
      for (const [index, t] of direct.entries()) {
        const res = await post('/api/instance/new', {
          name: `hook-new-${index}`,
          webhookEnabled: true,
          webhookURL: victimUrl(t, `new-${index}`),
        });
        count(
          'webhookURL (instance/new)',
          'direct',
          t.label,
          res.status === 201 &&
            res.body.webhook?.error ===
              'webhookURL must not point to a private or loopback address',
          `${res.status} ${JSON.stringify(res.body.webhook ?? res.body.error)}`,
        );
      }
      expectAllRefused('webhookURL (instance/new)');
    });

    it('refuses every encoding with 400; delivers to an allowed URL, never through a DNS name or a redirect to a refused one', async () => {
      const receiver: string[] = [];
      const control = createServer((req, res) => {
        receiver.push(req.headers.authorization ?? '');
        res.writeHead(200).end();
      });
      await new Promise<void>((resolve) => control.listen(0, '127.0.0.2', resolve));
      try {
        const hooks = await createInstance(linked.wharf, linked.ta, 'hooks');
        for (const [index, t] of direct.entries()) {
          const res = await post(
            '/api/events/webhook/hooks',
            {
              label: 'direct',
              url: victimUrl(t, `hook-direct-${index}`),
              authorization: 'Bearer secret',
            },
            hooks.token,
          );
          count(
            'webhook url',
            'direct',
            t.label,
            res.status === 400 && isD12(res),
            `${res.status}`,
          );
        }
        // Up to 3 enabled webhooks per instance: one instance per 3 cases.
        const cases: HookCase[] = [
          {
            mode: 'dns',
            label: 'control',
            url: `http://127.0.0.2:${(control.address() as AddressInfo).port}/ok`,
            tag: 'control',
          },
          ...dnsNames.map((t, index): HookCase => ({
            mode: 'dns',
            label: t.label,
            url: victimUrl(t, `hook-dns-${index}`),
            tag: `hook-dns-${index}`,
          })),
          ...redirectTargets.map((t, index): HookCase => ({
            mode: 'redirect',
            label: t.label,
            url: redirectUrl(index, `hook-redirect-${index}`),
            tag: `hook-redirect-${index}`,
          })),
        ];
        const instances: InstanceFixture[] = [];
        for (let i = 0; i < cases.length; i += 3) {
          const instance = await createInstance(linked.wharf, linked.ta, `hooks-${i / 3}`);
          instances.push(instance);
          for (const c of cases.slice(i, i + 3)) {
            const res = await post(
              `/api/events/webhook/${instance.name}`,
              { label: c.tag, url: c.url, authorization: 'Bearer secret' },
              instance.token,
            );
            expect([c.tag, res.status]).toEqual([c.tag, 200]);
          }
        }
        await publishEvents(linked.wharf, {
          instances: instances.map(({ id, name }) => ({ id, name })),
          count: instances.length,
          expectedDeliveries: cases.length,
        }).done;
        const orm = await linked.wharf.orm();
        const settled = await waitUntil(
          `${cases.length} deliveries to settle`,
          async () => {
            const rows = await orm.em
              .fork()
              .find(WebhookDelivery, { instance: { $in: instances.map((i) => i.id) } });
            return rows.length === cases.length &&
              rows.every((row) => row.status === 'dead' || row.status === 'succeeded')
              ? rows
              : undefined;
          },
          30_000,
        );
        const byLabel = new Map(settled!.map((row) => [row.label, row]));
        expect(byLabel.get('control')?.status).toBe('succeeded');
        expect(receiver).toContain('Bearer secret');
        for (const c of cases.slice(1)) {
          const row = byLabel.get(c.tag)!;
          const reason =
            c.mode === 'dns'
              ? /Refusing to connect to .*: it resolves to a private or loopback address/
              : /HTTP 302: redirects are not followed/;
          count(
            'webhook url',
            c.mode,
            c.label,
            row.status === 'dead' && reason.test(row.lastError ?? '') && !hit(c.tag),
            row.lastError ?? '',
          );
        }
      } finally {
        await new Promise((resolve) => control.close(resolve));
      }
      expectAllRefused('webhook url');
    });
  });

  describe('S3 endpoint', () => {
    const s3Body = (endpoint: string) => ({
      enabled: true,
      region: 'us-east-1',
      bucket: 'matrix',
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      endpoint,
    });
    const sendImage = () =>
      post('/api/message/media/matrix', {
        number: peer,
        mediaType: 'image',
        mediaBase64: png.toString('base64'),
      });
    const s3UrlOf = async (messageId: string) => {
      const orm = await linked.wharf.orm();
      const row = await orm.em.fork().findOneOrFail(Message, { messageId });
      return (row.payload.media as { s3Url?: string } | undefined)?.s3Url;
    };

    it('refuses every encoding with 400 (instance/s3 and s3Endpoint of instance/new)', async () => {
      for (const [index, t] of direct.entries()) {
        const endpoint = `http://${t.url}:${victimPort}`;
        const res = await post('/api/instance/s3/matrix', s3Body(endpoint));
        count('S3 endpoint', 'direct', t.label, res.status === 400 && isD12(res), `${res.status}`);
        const created = await post('/api/instance/new', {
          name: `s3-new-${index}`,
          s3Enabled: true,
          s3Region: 'us-east-1',
          s3Bucket: 'matrix',
          s3AccessKey: 'a',
          s3SecretKey: 's',
          s3Endpoint: endpoint,
        });
        count(
          's3Endpoint (instance/new)',
          'direct',
          t.label,
          created.status === 400 && isD12(created),
          `${created.status}`,
        );
      }
      expectAllRefused('S3 endpoint');
      expectAllRefused('s3Endpoint (instance/new)');
    });

    it('uploads sent media to an allowed endpoint (control), never to a DNS name that resolves to a refused address', async () => {
      try {
        expect((await post('/api/instance/s3/matrix', s3Body(s3Endpoint))).status).toBe(200);
        const control = await sendImage();
        expect(control.status).toBe(200);
        expect(await s3UrlOf(control.body.messageId)).toMatch(
          /^http:\/\/127\.0\.0\.2:\d+\/matrix\//,
        );
        for (const t of dnsNames) {
          const before = victimHits.length;
          const set = await post(
            '/api/instance/s3/matrix',
            s3Body(`http://${t.url}:${victimPort}`),
          );
          expect(set.status).toBe(200);
          const res = await sendImage();
          count(
            'S3 endpoint',
            'dns',
            t.label,
            res.status === 200 &&
              !(await s3UrlOf(res.body.messageId)) &&
              victimHits.length === before,
            `${res.status}`,
          );
        }
      } finally {
        await post('/api/instance/s3/matrix', { enabled: false });
      }
      expectAllRefused('S3 endpoint');
    });
  });

  describe('proxy host', () => {
    beforeAll(async () => {
      await createInstance(linked.wharf, linked.ta, 'proxied');
    });

    it('refuses every encoding with 400 (instance/proxy and proxyHost of instance/new), changing nothing', async () => {
      for (const [index, t] of direct.entries()) {
        for (const host of new Set([t.host, t.url])) {
          const res = await post('/api/instance/proxy/proxied', {
            enabled: true,
            host,
            port: String(victimPort),
            protocol: 'http',
            username: 'proxy-user',
            password: 'proxy-secret',
          });
          count(
            'proxy host',
            'direct',
            `${t.label} as ${host}`,
            res.status === 400 &&
              res.body.error?.message ===
                'Invalid request body: host must not point to a private or loopback address' &&
              !res.text.includes('proxy-secret'),
            `${res.status} ${JSON.stringify(res.body.error)}`,
          );
        }
        const created = await post('/api/instance/new', {
          name: `proxy-new-${index}`,
          proxyHost: t.host,
          proxyPort: String(victimPort),
          proxyProtocol: 'socks5',
        });
        count(
          'proxyHost (instance/new)',
          'direct',
          t.label,
          created.status === 400 && isD12(created),
          `${created.status}`,
        );
      }
      const read = await linked.api.get('/api/instance/getProxy/proxied', { token: linked.ta });
      expect(read.body.proxy).toEqual({
        enabled: false,
        host: null,
        port: null,
        protocol: null,
        username: null,
      });
      expectAllRefused('proxy host');
      expectAllRefused('proxyHost (instance/new)');
    });

    it('refuses at connect time a proxy named by a DNS name that resolves to a refused address, before any connection', async () => {
      for (const t of dnsNames) {
        for (const protocol of ['http', 'https', 'socks5']) {
          const set = await post('/api/instance/proxy/proxied', {
            enabled: true,
            host: t.host,
            port: String(victimPort),
            protocol,
            username: 'proxy-user',
            password: 'proxy-secret',
          });
          expect(set.status).toBe(200);
          const before = victimHits.length;
          const res = await linked.api.get('/api/instance/connect/proxied', { token: linked.ta });
          count(
            'proxy host',
            'dns',
            `${t.label} (${protocol})`,
            res.status === 400 &&
              res.body.error?.code === 'PROXY_REFUSED' &&
              !res.text.includes('proxy-secret') &&
              victimHits.length === before,
            `${res.status} ${res.text.slice(0, 200)}`,
          );
        }
      }
      expectAllRefused('proxy host');
    });
  });

  it('the victim never saw a connection', () => {
    expect(victimHits).toEqual([]);
  });
});
