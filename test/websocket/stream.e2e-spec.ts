import { createAccount, createInstance, InstanceFixture } from '../support/fixtures';
import { Api } from '../support/http';
import { type Sandbox, sandboxEnv, startTestSandbox } from '../support/sessions';
import { openStream, refusedStream } from '../support/stream';
import { waitUntil } from '../support/wait';
import { startWharf, type WharfHandle } from '../support/wharf';

describe('WebSocket event stream (docs/API.md §2.4, §3.9, D8)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let sales: InstanceFixture;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    wharf = await startWharf({ env: sandboxEnv(sandbox, { WS_HEARTBEAT_MS: '300' }) });
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
    sales = await createInstance(wharf, ta, 'sales', { websocketEnabled: true });
  });
  afterAll(async () => {
    await wharf?.close();
    await sandbox?.close();
  });

  /** Produces `instance.state` events: a connect answers a QR (each QR is one event). */
  async function produceEvents(name: string): Promise<void> {
    const res = await api.get(`/api/instance/connect/${name}`, { token: ta });
    expect(res.status).toBe(200);
  }

  describe('configuration routes', () => {
    it('reads the disabled default when never configured (D8), then sets and reads the config', async () => {
      await createInstance(wharf, ta, 'cfg');
      const missing = await api.get('/api/events/getWebsocket/cfg', { token: ta });
      expect(missing.status).toBe(200);
      expect(missing.body).toEqual({
        success: true,
        message: 'WebSocket configuration retrieved',
        websocket: { enabled: false, events: [], mediaBase64: false },
      });
      const set = await api.post('/api/events/websocket/cfg', {
        token: ta,
        body: { enabled: true, events: ['message.exchange', 'call.update'] },
      });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({
        success: true,
        message: 'WebSocket configuration updated',
        websocket: {
          enabled: true,
          events: ['message.exchange', 'call.update'],
          mediaBase64: false,
        },
      });
      const read = await api.get('/api/events/getWebsocket/cfg', { token: ta });
      expect(read.body).toEqual({
        success: true,
        message: 'WebSocket configuration retrieved',
        websocket: set.body.websocket,
      });
      const off = await api.post('/api/events/websocket/cfg', {
        token: ta,
        body: { enabled: false },
      });
      expect(off.body.websocket).toEqual({ enabled: false, events: [], mediaBase64: false });
      expect((await api.get('/api/events/getWebsocket/cfg', { token: ta })).body.websocket).toEqual(
        { enabled: false, events: [], mediaBase64: false },
      );
    });

    it('refuses unknown event names and wrong types', async () => {
      for (const body of [
        { events: ['nope'] },
        { enabled: 'yes' },
        { events: 'message.exchange' },
        { mediaBase64: 1 },
      ]) {
        const res = await api.post('/api/events/websocket/sales', { token: ta, body });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect(
        (await api.get('/api/events/getWebsocket/sales', { token: ta })).body.websocket.enabled,
      ).toBe(true);
    });
  });

  describe('authentication of the upgrade', () => {
    it.each([
      ['the token header (TokenInstance)', () => ({ headers: { token: sales.token } })],
      [
        'Authorization: Bearer (TokenAccount)',
        () => ({ headers: { authorization: `Bearer ${ta}` } }),
      ],
      [
        '?token= in the query (browsers)',
        () => ({ query: `token=${encodeURIComponent(sales.token)}` }),
      ],
    ])('accepts %s and streams D7 envelopes', async (_label, options) => {
      const stream = await openStream(wharf.url, 'sales', options());
      await produceEvents('sales');
      await waitUntil('an instance.state frame', () =>
        stream.frames.some((f) => f.event === 'instance.state'),
      );
      const frame = stream.frames.find((f) => f.event === 'instance.state');
      expect(frame).toEqual({
        event: 'instance.state',
        eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
        data: expect.objectContaining({
          instance: 'sales',
          state: 'connecting',
          reason: 'qr_ready',
          qrCode: expect.any(String),
        }),
        instanceData: { baseUrl: expect.any(String), instance: 'sales' },
      });
      expect(JSON.stringify(frame)).not.toContain(sales.token);
      stream.socket.close();
    });

    it('refuses before the upgrade with the JSON envelope', async () => {
      const other = await createInstance(wharf, ta, 'other', { websocketEnabled: true });
      const outsider = await createAccount(wharf, 'Outsider');
      const cases: Array<[Parameters<typeof refusedStream>[2], string, number, string]> = [
        [{}, 'sales', 401, 'Missing token in header, Authorization header, or query parameter'],
        [{ headers: { token: 'garbage-token-value' } }, 'sales', 401, 'Invalid token'],
        [
          { headers: { token: other.token } },
          'sales',
          403,
          'Instance token does not match requested instance',
        ],
        [
          { headers: { token: outsider.token } },
          'sales',
          403,
          'Instance does not belong to your account',
        ],
        [{ headers: { token: ta } }, 'ghost', 404, 'Instance not found'],
      ];
      for (const [options, name, status, message] of cases) {
        const refusal = await refusedStream(wharf.url, name, options);
        expect([name, refusal.status, refusal.body.error?.message]).toEqual([
          name,
          status,
          message,
        ]);
        expect(refusal.body.success).toBe(false);
        expect(refusal.headers['x-request-id']).toBeTruthy();
      }
      const counted = await refusedStream(wharf.url, 'sales', {
        headers: { token: 'garbage-token-value' },
      });
      expect(counted.headers['x-ratelimit-limit']).toBeTruthy();
    });

    it('refuses 400 when the WebSocket is not enabled for the instance', async () => {
      await createInstance(wharf, ta, 'quiet');
      const refusal = await refusedStream(wharf.url, 'quiet', { headers: { token: ta } });
      expect(refusal.status).toBe(400);
      expect(refusal.body).toEqual({
        success: false,
        error: {
          message:
            'WebSocket is not enabled for this instance. Configure it first using POST /api/events/websocket/quiet',
          code: 'WEBSOCKET_NOT_ENABLED',
        },
      });
    });
  });

  it('filters frames by the config events', async () => {
    await createInstance(wharf, ta, 'filtered', {
      websocketEnabled: true,
      websocketEvents: ['call.update'],
    });
    const filtered = await openStream(wharf.url, 'filtered', { headers: { token: ta } });
    await createInstance(wharf, ta, 'unfiltered', { websocketEnabled: true });
    const all = await openStream(wharf.url, 'unfiltered', { headers: { token: ta } });
    await produceEvents('filtered');
    await produceEvents('unfiltered');
    await waitUntil('the unfiltered stream to get its event', () => all.frames.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(filtered.frames).toEqual([]);
    expect(all.frames.every((f) => f.instanceData.instance === 'unfiltered')).toBe(true);
    filtered.socket.close();
    all.socket.close();
  });

  it('keeps open streams when the config is disabled, and refuses new upgrades', async () => {
    await createInstance(wharf, ta, 'toggled', { websocketEnabled: true });
    const stream = await openStream(wharf.url, 'toggled', { headers: { token: ta } });
    await api.post('/api/events/websocket/toggled', { token: ta, body: { enabled: false } });
    expect((await refusedStream(wharf.url, 'toggled', { headers: { token: ta } })).status).toBe(
      400,
    );
    await produceEvents('toggled');
    await waitUntil('a frame on the open stream', () => stream.frames.length > 0);
    stream.socket.close();
  });

  it('terminates a client that stops answering pings', async () => {
    const deaf = await openStream(wharf.url, 'sales', { headers: { token: ta }, autoPong: false });
    const healthy = await openStream(wharf.url, 'sales', { headers: { token: ta } });
    const closed = await Promise.race([
      deaf.closed,
      new Promise((resolve) => setTimeout(() => resolve('still open'), 5000)),
    ]);
    expect(closed).toMatchObject({ code: 1006 });
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN);
    healthy.socket.close();
  });
});

describe('WebSocket streams across processes and on shutdown (D8)', () => {
  it('delivers events produced by the owning process to a client connected to another process, and closes with 1001 on shutdown', async () => {
    const sandbox = await startTestSandbox();
    const first = await startWharf({ env: sandboxEnv(sandbox) });
    const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = first.env;
    const second = await startWharf({
      db: first.db,
      env: { ...sandboxEnv(sandbox), ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX },
    });
    try {
      const ta = (await createAccount(first)).token;
      await createInstance(first, ta, 'remote', { websocketEnabled: true });
      const stream = await openStream(second.url, 'remote', { headers: { token: ta } });
      const connect = await new Api(first.url).get('/api/instance/connect/remote', { token: ta });
      expect(connect.body.status).toBe('qr');
      await waitUntil('the frame from the other process', () =>
        stream.frames.some((f) => f.data?.reason === 'qr_ready'),
      );
      await second.close();
      expect(await stream.closed).toMatchObject({ code: 1001 });
    } finally {
      await second.close().catch(() => undefined);
      await first.close();
      await sandbox.close();
    }
  });
});
