import { createServer, type Server } from 'node:http';

import { chromium } from 'playwright-core';

import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import { linkByQr, type Sandbox, sandboxEnv, startTestSandbox } from '../support/sessions';
import { startWharf, type WharfHandle } from '../support/wharf';

/** Debian's Chromium (installed by .ci/run); flags as this machine needs them (no network, root). */
const CHROMIUM = process.env.WHARF_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const PAGE = `<!doctype html><html><body><script>
  window.frames = [];
  window.openStream = (url) => new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onmessage = (e) => window.frames.push(JSON.parse(e.data));
    socket.onopen = () => resolve('open');
    socket.onerror = () => reject(new Error('refused'));
  });
</script></body></html>`;

describe('a browser client on the WebSocket stream (D8)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let page: Server;
  let pageUrl: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    wharf = await startWharf({ env: sandboxEnv(sandbox, { CORS_ORIGINS: 'http://127.0.0.1' }) });
    page = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
    );
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}/`;
  });
  afterAll(async () => {
    page?.close();
    await wharf?.close();
    await sandbox?.close();
  });

  it('connects from headless Chromium with ?token= and receives a message.exchange sent by a sandbox phone', async () => {
    const ta = (await createAccount(wharf)).token;
    const instance = await createInstance(wharf, ta, 'browser', { websocketEnabled: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage();
      await tab.goto(pageUrl);
      const wsUrl = `${wharf.url.replace(/^http/, 'ws')}/ws/browser?token=${encodeURIComponent(instance.token)}`;
      expect(await tab.evaluate((url) => (globalThis as any).openStream(url), wsUrl)).toBe('open');
      const refused = await tab.evaluate(
        (url) =>
          (globalThis as any).openStream(url).then(
            () => 'open',
            () => 'refused',
          ),
        `${wharf.url.replace(/^http/, 'ws')}/ws/browser?token=wrong-token-value`,
      );
      expect(refused).toBe('refused');
      sandbox.createPhone('5511933300001', 'Browser');
      const sender = sandbox.createPhone('5511933300002', 'Sender');
      const item = await linkByQr(new Api(wharf.url), sandbox, ta, 'browser', '5511933300001');
      const { messageId } = await sandbox.sendMessage(sender.number, {
        to: item.numberJid,
        text: 'hello browser',
      });
      const matches = (id: string) =>
        (globalThis as any).frames.find(
          (f: any) => f.event === 'message.exchange' && f.data.id === id,
        );
      await tab.waitForFunction(matches, messageId, { timeout: 15_000 });
      expect(await tab.evaluate(matches, messageId)).toMatchObject({
        event: 'message.exchange',
        data: {
          id: messageId,
          direction: 'incoming',
          sender: { jid: sender.jid },
          message: { type: 'text', content: 'hello browser' },
        },
        instanceData: { instance: 'browser' },
      });
      expect(
        (await tab.evaluate(() => (globalThis as any).frames as any[])).some(
          (f) => f.event === 'instance.state',
        ),
      ).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
