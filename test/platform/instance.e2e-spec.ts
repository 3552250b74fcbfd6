import {
  createAccount,
  createInstance,
  DEFAULT_SETTINGS,
  NO_PROXY,
  NO_S3,
} from '../support/fixtures';
import { Api, errorBody } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

describe('instances (docs/API.md §3.1, D3, D23)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;

  beforeAll(async () => {
    wharf = await startWharf();
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
  });
  afterAll(() => wharf.close());

  describe('POST /api/instance/new', () => {
    it('creates a bare instance with the D23 shape', async () => {
      const res = await api.post('/api/instance/new', { token: ta, body: { name: 'bare' } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        success: true,
        message: 'Instance created successfully',
        instance: {
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
          name: 'bare',
          token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          status: 'disconnected',
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        },
        proxy: NO_PROXY,
        webhook: { enabled: false },
        websocket: { enabled: false, events: [], mediaBase64: false },
        chatwoot: { enabled: false },
        settings: DEFAULT_SETTINGS,
        s3: NO_S3,
      });
    });

    it('stores and summarises every inline block without secrets', async () => {
      const body = {
        name: 'full',
        proxyEnabled: true,
        proxyHost: 'proxy.example.com',
        proxyPort: '1080',
        proxyProtocol: 'socks5',
        proxyUsername: 'bob',
        proxyPassword: 'proxy-pass-123',
        webhookEnabled: true,
        webhookURL: 'https://hooks.example.com/wh?x=1',
        webhookAuthorization: 'Bearer hook-secret-456',
        webhookByEvents: true,
        webhookEvents: ['message.status', 'message.exchange'],
        webhookMediaBase64: true,
        websocketEnabled: true,
        websocketEvents: ['instance.state'],
        websocketMediaBase64: false,
        autoRejectCalls: true,
        callRejectMessage: 'No calls',
        ignoreGroupMessages: true,
        keepOnlineStatus: true,
        autoReadMessages: true,
        disableHistorySync: false,
        ignoreStatus: true,
        s3Enabled: true,
        s3Region: 'us-east-1',
        s3Bucket: 'media-bucket',
        s3AccessKey: 'AKIAEXAMPLE',
        s3SecretKey: 's3-secret-789',
        s3Endpoint: 'https://minio.example.com',
        s3PathPrefix: 'media/',
      };
      const res = await api.post('/api/instance/new', { token: ta, body });
      expect(res.status).toBe(201);
      expect(res.body.proxy).toEqual({
        enabled: true,
        host: 'proxy.example.com',
        port: '1080',
        protocol: 'socks5',
        username: 'bob',
      });
      expect(res.body.webhook).toEqual({
        enabled: true,
        label: 'default',
        url: 'https://hooks.example.com/wh?x=1',
        byEvents: true,
        events: ['message.status', 'message.exchange'],
        mediaBase64: true,
      });
      expect(res.body.websocket).toEqual({
        enabled: true,
        events: ['instance.state'],
        mediaBase64: false,
      });
      expect(res.body.settings).toEqual({
        autoRejectCalls: true,
        callRejectMessage: 'No calls',
        ignoreGroupMessages: true,
        keepOnlineStatus: true,
        autoReadMessages: true,
        disableHistorySync: false,
        ignoreStatus: true,
        sendRatePerMinute: 0,
      });
      expect(res.body.s3).toEqual({
        enabled: true,
        region: 'us-east-1',
        bucket: 'media-bucket',
        accessKey: 'AKIAEXAMPLE',
        endpoint: 'https://minio.example.com',
        pathPrefix: 'media/',
      });
      for (const secret of ['proxy-pass-123', 'hook-secret-456', 's3-secret-789'])
        expect(res.text).not.toContain(secret);

      const list = await api.get('/api/instance/list?instanceName=full', { token: ta });
      const item = list.body.instances[0];
      expect(item.proxy).toEqual(res.body.proxy);
      expect(item.webhook).toEqual(res.body.webhook);
      expect(item.websocket).toEqual(res.body.websocket);
      expect(item.settings).toEqual(res.body.settings);
      expect(item.s3).toEqual(res.body.s3);
      expect(
        (await api.get('/api/instance/getSettings/full', { token: ta })).body.settings,
      ).toEqual(res.body.settings);
    });

    it('still creates the instance when the webhook or WebSocket block is refused', async () => {
      const res = await api.post('/api/instance/new', {
        token: ta,
        body: {
          name: 'partial',
          webhookEnabled: true,
          webhookURL: 'ftp://files.example.com',
          websocketEnabled: true,
          websocketEvents: ['message.exchange', 'bogus.event'],
          chatwootEnabled: true,
          chatwootBaseUrl: 'https://chat.example.com',
          chatwootAccountId: 1,
          chatwootApiToken: 'cw-token',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.webhook).toEqual({
        enabled: false,
        error: 'webhookURL must use http or https',
      });
      expect(res.body.websocket).toEqual({
        enabled: false,
        events: [],
        mediaBase64: false,
        error: expect.stringContaining('bogus.event'),
      });
      expect(res.body.chatwoot).toEqual({ status: 'error', error: expect.any(String) });
      expect(res.text).not.toContain('cw-token');
      const list = await api.get('/api/instance/list?instanceName=partial', { token: ta });
      expect(list.body.instances[0].webhook).toEqual({ enabled: false });
      expect(list.body.instances[0].websocket).toEqual({
        enabled: false,
        events: [],
        mediaBase64: false,
      });
    });

    it('refuses a webhook URL to a private address when private targets are not allowed (D12)', async () => {
      for (const url of [
        'http://127.0.0.1/x',
        'http://10.1.2.3/x',
        'http://[::1]/x',
        'http://localhost:8080/x',
        'http://2130706433/',
      ]) {
        const res = await api.post('/api/instance/new', {
          token: ta,
          body: {
            name: `private-${Math.random().toString(36).slice(2, 8)}`,
            webhookEnabled: true,
            webhookURL: url,
          },
        });
        expect(res.status).toBe(201);
        expect(res.body.webhook).toEqual({
          enabled: false,
          error: 'webhookURL must not point to a private or loopback address',
        });
      }
    });

    it.each([
      [{}, "The 'name' field is required"],
      [{ name: '' }, "The 'name' field is required"],
      [{ name: '   ' }, "The 'name' field is required"],
      [{ name: 42 }, 'Invalid request body: name must be a string'],
      [
        { name: 'a/b' },
        'Invalid request body: name must not contain "/", ",", "?", "#", "%" or control characters',
      ],
      [{ name: 'x'.repeat(101) }, 'Invalid request body: name must be at most 100 characters'],
      [
        { name: 'ok', token: 'short' },
        'Invalid request body: token must be 16 to 128 printable characters without spaces',
      ],
      [
        { name: 'ok', proxyPort: 'abc', proxyHost: 'h', proxyProtocol: 'http' },
        'Invalid request body: proxyPort must be a port number between 1 and 65535, as a string',
      ],
      [
        { name: 'ok', proxyProtocol: 'ftp', proxyHost: 'h', proxyPort: '1' },
        'Invalid request body: proxyProtocol must be one of http, https, socks5',
      ],
      [
        { name: 'ok', proxyHost: 'h' },
        'Invalid request body: port, protocol are required when the proxy is enabled',
      ],
      [
        { name: 'ok', autoRejectCalls: 'yes' },
        'Invalid request body: autoRejectCalls must be a boolean value',
      ],
      [
        { name: 'ok', s3Enabled: true, s3Region: 'us-east-1' },
        'Invalid request body: bucket, accessKey, secretKey are required to enable S3',
      ],
      [
        {
          name: 'ok',
          s3Enabled: true,
          s3Region: 'us-east-1',
          s3Bucket: 'b-1',
          s3AccessKey: 'a',
          s3SecretKey: 's',
          s3Endpoint: 'http://192.168.1.5:9000',
        },
        'Invalid request body: endpoint must not point to a private or loopback address',
      ],
      [
        { name: 'ok', unknownField: 1 },
        'Invalid request body: property unknownField should not exist',
      ],
    ])('refuses %j with 400 and creates nothing', async (body, message) => {
      const before = (await api.get('/api/instance/list', { token: ta })).body.meta.total;
      const res = await api.post('/api/instance/new', { token: ta, body });
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.error.message).toBe(message);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.length).toBeGreaterThan(0);
      expect((await api.get('/api/instance/list', { token: ta })).body.meta.total).toBe(before);
    });

    it('answers 400 Invalid request body for malformed JSON and non-object bodies', async () => {
      for (const rawBody of ['{"name": ', '[1,2]', '"name"']) {
        const res = await api.post('/api/instance/new', { token: ta, rawBody });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          success: false,
          error: { message: 'Invalid request body', code: 'INVALID_BODY' },
        });
      }
    });

    it('answers 409 for a duplicate name or token, and allows the same name in another account (D4)', async () => {
      const custom = 'my-custom-token-0123456789';
      await createInstance(wharf, ta, 'dup', { token: custom });
      const sameName = await api.post('/api/instance/new', { token: ta, body: { name: 'dup' } });
      expect(sameName.status).toBe(409);
      expect(sameName.body).toEqual(
        errorBody('Instance or token already exists', 'INSTANCE_CONFLICT'),
      );
      const sameToken = await api.post('/api/instance/new', {
        token: ta,
        body: { name: 'dup-2', token: custom },
      });
      expect(sameToken.status).toBe(409);
      const adminToken = await api.post('/api/instance/new', {
        token: ta,
        body: { name: 'dup-3', token: wharf.adminToken },
      });
      expect(adminToken.status).toBe(409);
      const other = await createAccount(wharf, 'Other');
      expect(
        (await api.post('/api/instance/new', { token: other.token, body: { name: 'dup' } })).status,
      ).toBe(201);
      expect((await api.get('/api/instance/list', { token: custom })).body.instances[0].name).toBe(
        'dup',
      );
    });

    it('accepts a custom token and authenticates with it', async () => {
      const token = 'Custom.Token_With-Punct!~0123';
      const created = await api.post('/api/instance/new', {
        token: ta,
        body: { name: 'custom-token', token },
      });
      expect(created.body.instance.token).toBe(token);
      const list = await api.get('/api/instance/list', { token, via: 'bearer' });
      expect(list.status).toBe(200);
      expect(list.body.instances.map((i: { name: string }) => i.name)).toEqual(['custom-token']);
    });
  });

  describe('GET /api/instance/list', () => {
    let account: string;
    let sales: { token: string; id: string };

    beforeAll(async () => {
      account = (await createAccount(wharf, 'Lister')).token;
      sales = await createInstance(wharf, account, 'sales');
      await createInstance(wharf, account, 'support');
      await createInstance(wharf, account, 'marketing');
    });

    it('lists every instance of the account with the item shape of D23', async () => {
      const res = await api.get('/api/instance/list', { token: account });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('3 Instances found');
      expect(res.body.meta).toEqual({
        total: 3,
        limit: 100,
        page: 1,
        hasMore: false,
        nextCursor: null,
      });
      expect(res.body.instances.map((i: { name: string }) => i.name)).toEqual([
        'sales',
        'support',
        'marketing',
      ]);
      expect(res.body.instances[0]).toEqual({
        id: sales.id,
        name: 'sales',
        token: sales.token,
        status: 'disconnected',
        numberJid: null,
        connection: {
          state: 'disconnected',
          numberJid: null,
          presenceStatus: 'unavailable',
          displayStatus: 'Disconnected',
        },
        profile: { name: '', pictureUrl: '', isBusiness: false, businessName: '' },
        webhook: { enabled: false },
        websocket: { enabled: false, events: [], mediaBase64: false },
        chatwoot: { enabled: false },
        proxy: NO_PROXY,
        settings: DEFAULT_SETTINGS,
        s3: NO_S3,
        createdAt: expect.any(String),
      });
    });

    it('filters by one name, and by a comma list skipping unknown names', async () => {
      const one = await api.get('/api/instance/list?instanceName=support', { token: account });
      expect(one.body.message).toBe('1 Instance found');
      expect(one.body.instances.map((i: { name: string }) => i.name)).toEqual(['support']);
      const many = await api.get('/api/instance/list?instanceName=sales,%20marketing,ghost', {
        token: account,
      });
      expect(many.body.instances.map((i: { name: string }) => i.name)).toEqual([
        'sales',
        'marketing',
      ]);
      const none = await api.get('/api/instance/list?instanceName=ghost,phantom', {
        token: account,
      });
      expect(none.status).toBe(200);
      expect(none.body).toEqual({
        success: true,
        message: '0 Instances found',
        instances: [],
        meta: { total: 0, limit: 100, page: 1, hasMore: false, nextCursor: null },
      });
    });

    it('answers 404 Instance not found for one unknown name', async () => {
      const res = await api.get('/api/instance/list?instanceName=ghost', { token: account });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorBody('Instance not found', 'INSTANCE_NOT_FOUND'));
    });

    it('gives a TokenInstance exactly its own item whatever the filter', async () => {
      for (const query of [
        '',
        '?instanceName=support',
        '?instanceName=sales,support',
        '?instanceName=ghost',
      ]) {
        const res = await api.get(`/api/instance/list${query}`, { token: sales.token });
        expect(res.status).toBe(200);
        expect(
          res.body.instances.map((i: { name: string; token: string }) => [i.name, i.token]),
        ).toEqual([['sales', sales.token]]);
      }
    });
  });

  describe('DELETE /api/instance/delete/:instance', () => {
    it('deletes the instance and all its configuration', async () => {
      const created = await createInstance(wharf, ta, 'to-delete', {
        proxyHost: 'p.example.com',
        proxyPort: '8080',
        proxyProtocol: 'http',
        webhookEnabled: true,
        webhookURL: 'https://hooks.example.com/a',
        websocketEnabled: true,
        s3Enabled: true,
        s3Region: 'eu-west-1',
        s3Bucket: 'bkt',
        s3AccessKey: 'ak',
        s3SecretKey: 'sk',
      });
      const res = await api.delete('/api/instance/delete/to-delete', { token: ta });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Instance deleted',
        instance: { status: 'deleted' },
      });
      expect(
        (await api.get('/api/instance/list?instanceName=to-delete', { token: ta })).status,
      ).toBe(404);
      expect((await api.get('/api/instance/list', { token: created.token })).status).toBe(401);
      const again = await api.delete('/api/instance/delete/to-delete', { token: ta });
      expect(again.status).toBe(404);
      expect(again.body).toEqual(errorBody('Instance not found', 'INSTANCE_NOT_FOUND'));
      // The name is free again.
      expect(
        (await api.post('/api/instance/new', { token: ta, body: { name: 'to-delete' } })).status,
      ).toBe(201);
    });

    it('answers 401 Invalid token to a TokenInstance', async () => {
      const created = await createInstance(wharf, ta, 'keep-me');
      const res = await api.delete('/api/instance/delete/keep-me', { token: created.token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorBody('Invalid token', 'INVALID_TOKEN'));
      expect((await api.get('/api/instance/list?instanceName=keep-me', { token: ta })).status).toBe(
        200,
      );
    });

    it('decodes percent-encoded names and ignores a trailing slash (D24)', async () => {
      await createInstance(wharf, ta, 'with space');
      const res = await api.delete('/api/instance/delete/with%20space/', { token: ta });
      expect(res.status).toBe(200);
    });
  });

  describe('POST /api/instance/rotateToken/:instance (D3)', () => {
    it('issues a new TokenInstance and rejects the old one at once', async () => {
      const created = await createInstance(wharf, ta, 'rotating');
      const res = await api.post('/api/instance/rotateToken/rotating', { token: ta });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Instance token rotated',
        instance: {
          id: created.id,
          name: 'rotating',
          token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        },
      });
      const old = await api.get('/api/instance/list', { token: created.token });
      expect(old.status).toBe(401);
      const fresh = await api.get('/api/instance/list', { token: res.body.instance.token });
      expect(fresh.body.instances[0].token).toBe(res.body.instance.token);
    });
  });
});
