import { createServer, type Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { hostname } from 'node:os';

import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  instanceItem,
  linkByQr,
  type Sandbox,
  sandboxEnv,
  startTestSandbox,
  stateEvents,
  waitForState,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, type WharfHandle } from '../support/wharf';

const USER = 'wharf-user';
const PASSWORD = 'pr0xy p@ss';

function listen(server: NetServer): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('per-instance proxy for the WhatsApp connection (issue 3)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let successor: WharfHandle | undefined;
  let api: Api;
  let ta: string;
  let sandboxPort: string;
  const servers: NetServer[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    sandboxPort = new URL(sandbox.wsUrl).port;
    // The test proxies listen on loopback: allowed explicitly, as an operator would (D12).
    wharf = await startWharf({ env: sandboxEnv(sandbox, { PROXY_ALLOWED_HOSTS: '127.0.0.1' }) });
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
  });
  afterAll(async () => {
    await successor?.close();
    await wharf.close();
    await sandbox.close();
    for (const server of servers) server.close();
  });

  it('connects through a SOCKS5 proxy with credentials', async () => {
    const socks = (await import('simple-socks')).default;
    const tunnels: string[] = [];
    const logins: string[] = [];
    const server = socks.createServer({
      authenticate: (
        username: string,
        password: string,
        _socket: unknown,
        callback: (error?: Error) => void,
      ) => {
        logins.push(username);
        callback(username === USER && password === PASSWORD ? undefined : new Error('denied'));
      },
    });
    server.on('proxyConnect', (info: { address: string; port: number }) =>
      tunnels.push(`${info.address}:${info.port}`),
    );
    servers.push(server);
    const port = await listen(server);
    await createInstance(wharf, ta, 'via-socks', {
      proxyHost: '127.0.0.1',
      proxyPort: String(port),
      proxyProtocol: 'socks5',
      proxyUsername: USER,
      proxyPassword: PASSWORD,
    });
    await linkByQr(
      api,
      sandbox,
      ta,
      'via-socks',
      sandbox.createPhone('5511966600001', 'Socks').number,
    );
    expect(logins).toContain(USER);
    expect(tunnels).toContain(`127.0.0.1:${sandboxPort}`);
  });

  it('connects through an HTTP CONNECT proxy with credentials', async () => {
    const { createProxy } = await import('proxy');
    const tunnels: string[] = [];
    const server: Server = createProxy(createServer());
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    (
      server as Server & {
        authenticate: (req: { headers: Record<string, string | undefined> }) => boolean;
      }
    ).authenticate = (req) => req.headers['proxy-authorization'] === expected;
    server.on('connect', (req: { url?: string }) => tunnels.push(req.url ?? ''));
    servers.push(server);
    const port = await listen(server);
    await createInstance(wharf, ta, 'via-http', {
      proxyHost: '127.0.0.1',
      proxyPort: String(port),
      proxyProtocol: 'http',
      proxyUsername: USER,
      proxyPassword: PASSWORD,
    });
    await linkByQr(
      api,
      sandbox,
      ta,
      'via-http',
      sandbox.createPhone('5511966600002', 'Http').number,
    );
    expect(tunnels).toContain(`127.0.0.1:${sandboxPort}`);
  });

  it('applies a proxy change only on the next reconnect', async () => {
    const socks = (await import('simple-socks')).default;
    let tunnels = 0;
    const server = socks.createServer({});
    server.on('proxyConnect', () => (tunnels += 1));
    servers.push(server);
    const port = await listen(server);
    await createInstance(wharf, ta, 'later-proxy');
    await linkByQr(
      api,
      sandbox,
      ta,
      'later-proxy',
      sandbox.createPhone('5511966600003', 'Later').number,
    );
    expect(tunnels).toBe(0);
    const set = await api.post('/api/instance/proxy/later-proxy', {
      token: ta,
      body: { enabled: true, host: '127.0.0.1', port: String(port), protocol: 'socks5' },
    });
    expect(set.status).toBe(200);
    expect(tunnels).toBe(0);
    expect((await api.post('/api/instance/reconnect/later-proxy', { token: ta })).status).toBe(200);
    await waitForState(api, ta, 'later-proxy', 'connected');
    expect(tunnels).toBeGreaterThan(0);
  });
  it('downloads received media through the instance’s HTTP or SOCKS5 proxy, named by a host name that resolves to an allowed address (D15, D12)', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const mediaHost = `127.0.0.1:${new URL(sandbox.mediaUrl).port}`;
    const { createProxy } = await import('proxy');
    const httpTunnels: string[] = [];
    const httpProxy: Server = createProxy(createServer());
    httpProxy.on('connect', (req: { url?: string }) => httpTunnels.push(req.url ?? ''));
    servers.push(httpProxy);
    const socks = (await import('simple-socks')).default;
    const socksTunnels: string[] = [];
    const socksProxy = socks.createServer({});
    socksProxy.on('proxyConnect', (info: { address: string; port: number }) =>
      socksTunnels.push(`${info.address}:${info.port}`),
    );
    servers.push(socksProxy);
    const sender = sandbox.createPhone('5511966600010', 'Sender').number;
    for (const [name, protocol, port, tunnels, number] of [
      ['media-http', 'http', await listen(httpProxy), httpTunnels, '5511966600011'],
      ['media-socks', 'socks5', await listen(socksProxy), socksTunnels, '5511966600012'],
    ] as const) {
      // The machine's name resolves to loopback: every socket to the proxy (WebSocket, media)
      // goes through the D12 lookup, which lets it through because 127.0.0.1 is allowed.
      await createInstance(wharf, ta, name, {
        proxyHost: hostname(),
        proxyPort: String(port),
        proxyProtocol: protocol,
      });
      await linkByQr(api, sandbox, ta, name, sandbox.createPhone(number, name).number);
      const { messageId } = await sandbox.sendMessage(sender, {
        to: `${number}@s.whatsapp.net`,
        image: { data: png.toString('base64'), mimetype: 'image/png' },
      });
      const res = await waitUntil(`the image of ${name}`, async () => {
        const got = await fetch(`${wharf.url}/api/chat/base64/${name}?messageId=${messageId}`, {
          headers: { token: ta },
        });
        return got.status === 200 ? ((await got.json()) as { base64: string }) : undefined;
      });
      expect(res!.base64).toBe(png.toString('base64'));
      expect(tunnels).toContain(mediaHost);
    }
  });

  it('restores an instance whose proxy is no longer allowed as disconnected, connects nothing and answers connect with 400 (D12)', async () => {
    const socks = (await import('simple-socks')).default;
    let connections = 0;
    const server = socks.createServer({});
    server.on('connection', () => (connections += 1));
    servers.push(server);
    const port = await listen(server);
    const inst = await createInstance(wharf, ta, 'was-allowed', {
      proxyHost: '127.0.0.1',
      proxyPort: String(port),
      proxyProtocol: 'socks5',
      proxyUsername: USER,
      proxyPassword: PASSWORD,
    });
    await linkByQr(
      api,
      sandbox,
      ta,
      'was-allowed',
      sandbox.createPhone('5511966600020', 'Allowed').number,
    );
    // The operator removes the proxy from PROXY_ALLOWED_HOSTS and restarts Wharf.
    wharf.process.child.kill('SIGTERM');
    expect(await wharf.process.exited).toBe(0);
    const before = connections;
    expect(before).toBeGreaterThan(0);
    const env = Object.fromEntries(
      Object.entries(wharf.env).filter(([name]) => name !== 'PORT' && name !== 'PROXY_ALLOWED_HOSTS'),
    );
    successor = await startWharf({ env, db: wharf.db });
    const next = new Api(successor.url);
    await waitForState(next, ta, 'was-allowed', 'disconnected');
    // Not retried: the reconcile loop (every second here) leaves it alone.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await instanceItem(next, ta, 'was-allowed')).status).toBe('disconnected');
    expect(connections).toBe(before);
    expect((await stateEvents(successor, inst.id)).at(-1)).toBe('disconnected/connection_lost');
    const connect = await next.get('/api/instance/connect/was-allowed', { token: ta });
    expect([connect.status, connect.body.error]).toEqual([
      400,
      {
        code: 'PROXY_REFUSED',
        message:
          'Proxy refused: the proxy host is or resolves to a private or loopback address (D12)',
      },
    ]);
    expect(connect.text).not.toContain(PASSWORD);
    const reconnect = await next.post('/api/instance/reconnect/was-allowed', { token: ta });
    expect([reconnect.status, reconnect.body.error?.code]).toEqual([400, 'PROXY_REFUSED']);
    expect(connections).toBe(before);
  });
});
