import { Webhook } from '@wharf/modules/webhook/entities/webhook.entity';

import { createAccount, createInstance, InstanceFixture } from '../support/fixtures';
import { Api, errorBody } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

const SECRET = expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/);

describe('webhook configuration (docs/API.md §3.9, D6, D12, D22)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let sales: InstanceFixture;

  beforeAll(async () => {
    // ALLOW_PRIVATE_TARGETS is not set: private and loopback URLs are refused (D12).
    wharf = await startWharf();
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
    sales = await createInstance(wharf, ta, 'sales');
  });
  afterAll(() => wharf.close());

  const set = (instance: InstanceFixture, body: unknown, token = instance.token) =>
    api.post(`/api/events/webhook/${instance.name}`, { token, body });

  it('creates a webhook with the docs/API.md shape plus its signing secret', async () => {
    const body = {
      label: 'crm',
      enabled: true,
      url: 'https://app.example.com/wh?tenant=7',
      authorization: 'Bearer svc-token-xyz',
      byEvents: false,
      events: ['message.status', 'message.exchange'],
      mediaBase64: false,
    };
    const res = await set(sales, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Webhook configured successfully',
      webhook: { ...body, secret: SECRET },
    });
    // The secret is stored encrypted (D11), and so is the authorization.
    const orm = await wharf.orm();
    const row = await orm.em.fork().findOneOrFail(Webhook, { label: 'crm' });
    expect(row.secretCipher).toMatch(/^v1\./);
    expect(row.secretCipher).not.toContain(res.body.webhook.secret);
    expect(row.authorizationCipher).toMatch(/^v1\./);
  });

  it('overwrites a label completely and keeps its secret (upsert)', async () => {
    const first = await set(sales, {
      label: 'upsert',
      url: 'https://a.example.com/1',
      authorization: 'Bearer one',
      byEvents: true,
      events: ['call.update'],
      mediaBase64: true,
    });
    const second = await set(sales, { label: 'upsert', url: 'https://a.example.com/2' });
    expect(second.status).toBe(200);
    expect(second.body.webhook).toEqual({
      label: 'upsert',
      enabled: true,
      url: 'https://a.example.com/2',
      authorization: null,
      byEvents: false,
      events: [],
      mediaBase64: false,
      secret: first.body.webhook.secret,
    });
  });

  it('disables with enabled:false: clears url, authorization, events, mediaBase64, keeps the webhook and secret', async () => {
    const created = await set(sales, {
      label: 'off',
      url: 'https://b.example.com/wh',
      authorization: 'Bearer x',
      byEvents: true,
      events: ['label.update'],
      mediaBase64: true,
    });
    const res = await set(sales, { label: 'off', enabled: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Webhook disabled successfully',
      webhook: {
        label: 'off',
        enabled: false,
        url: null,
        authorization: null,
        byEvents: false,
        events: [],
        mediaBase64: false,
        secret: created.body.webhook.secret,
      },
    });
    const read = await api.get(`/api/events/getWebhook/sales?label=off`, { token: sales.token });
    expect(read.body.webhook).toEqual(res.body.webhook);
  });

  it('keeps at most 3 enabled webhooks: the 4th is refused, a disabled one does not count', async () => {
    const shop = await createInstance(wharf, ta, 'shop');
    for (const label of ['a', 'b', 'c'])
      expect((await set(shop, { label, url: `https://${label}.example.com/wh` })).status).toBe(200);
    const fourth = await set(shop, { label: 'd', url: 'https://d.example.com/wh' });
    expect(fourth.status).toBe(409);
    expect(fourth.body).toEqual(
      errorBody('Maximum of 3 enabled webhooks per instance reached', 'WEBHOOK_LIMIT_REACHED'),
    );
    // Updating one of the three is fine; so is adding a disabled one.
    expect((await set(shop, { label: 'b', url: 'https://b2.example.com/wh' })).status).toBe(200);
    expect((await set(shop, { label: 'd', enabled: false })).status).toBe(200);
    // Once one is disabled, another may be enabled.
    expect((await set(shop, { label: 'a', enabled: false })).status).toBe(200);
    expect((await set(shop, { label: 'd', url: 'https://d.example.com/wh' })).status).toBe(200);
    const list = await api.get('/api/events/getWebhook/shop', { token: shop.token });
    expect(list.body.webhooks.map((w: any) => [w.label, w.enabled])).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
      ['d', true],
    ]);
  });

  it('refuses a second enabled webhook with the same URL (409 duplicate)', async () => {
    const dup = await createInstance(wharf, ta, 'dup');
    expect((await set(dup, { label: 'one', url: 'https://same.example.com/wh' })).status).toBe(200);
    const res = await set(dup, { label: 'two', url: 'https://same.example.com/wh' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(
      errorBody('A webhook with this URL already exists for this instance', 'WEBHOOK_DUPLICATE'),
    );
  });

  it('lists every webhook sorted by label, reads one by label, and 404s an unknown label', async () => {
    const crm = await createInstance(wharf, ta, 'crm');
    await set(crm, { label: 'zeta', url: 'https://z.example.com/wh' });
    await set(crm, { url: 'https://default.example.com/wh', events: ['instance.state'] });
    await set(crm, { label: 'alpha', enabled: false });

    const list = await api.get('/api/events/getWebhook/crm', { token: crm.token });
    expect(list.status).toBe(200);
    expect(list.body.success).toBe(true);
    expect(list.body.message).toBe('3 Webhooks found');
    expect(list.body.webhooks.map((w: any) => w.label)).toEqual(['alpha', 'default', 'zeta']);

    // An empty ?label= means "default"; the D22 alias answers the same.
    for (const path of [
      '/api/events/getWebhook/crm?label=',
      '/api/events/getWebhook/crm?label=default',
      '/api/events/webhook/crm?label=',
    ]) {
      const one = await api.get(path, { token: ta });
      expect(one.status).toBe(200);
      expect(one.body).toEqual({
        success: true,
        message: 'Webhook retrieved successfully',
        webhook: {
          label: 'default',
          enabled: true,
          url: 'https://default.example.com/wh',
          authorization: null,
          byEvents: false,
          events: ['instance.state'],
          mediaBase64: false,
          secret: SECRET,
        },
      });
    }
    const alias = await api.get('/api/events/webhook/crm', { token: crm.token });
    expect(alias.body).toEqual(list.body);

    const missing = await api.get('/api/events/getWebhook/crm?label=nope', { token: crm.token });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(errorBody('Webhook not found', 'WEBHOOK_NOT_FOUND'));

    const empty = await createInstance(wharf, ta, 'empty');
    const none = await api.get('/api/events/getWebhook/empty', { token: empty.token });
    expect(none.body).toEqual({ success: true, message: '0 Webhooks found', webhooks: [] });
  });

  it('keeps the order of events and refuses unknown event names', async () => {
    const ok = await set(sales, {
      label: 'order',
      url: 'https://order.example.com/wh',
      events: ['label.update', 'call.update', 'message.exchange'],
    });
    expect(ok.body.webhook.events).toEqual(['label.update', 'call.update', 'message.exchange']);
    const bad = await set(sales, {
      label: 'bad',
      url: 'https://bad.example.com/wh',
      events: ['message.exchange', 'message.deleted'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.message).toBe(
      'Invalid request body: events has unknown event names: message.deleted (allowed: message.exchange, message.status, call.update, group.flow, instance.state, label.update)',
    );
  });

  it('refuses URLs that are not http(s), missing, or private/loopback without ALLOW_PRIVATE_TARGETS (D12)', async () => {
    const cases: Array<[unknown, string]> = [
      ['ftp://files.example.com/x', 'Invalid request body: url must use http or https'],
      [undefined, 'Invalid request body: url must be an http(s) URL'],
      ['not a url', 'Invalid request body: url must be a valid URL'],
      [
        'http://127.0.0.1:9000/wh',
        'Invalid request body: url must not point to a private or loopback address',
      ],
      [
        'http://localhost/wh',
        'Invalid request body: url must not point to a private or loopback address',
      ],
      [
        'http://10.1.2.3/wh',
        'Invalid request body: url must not point to a private or loopback address',
      ],
      [
        'http://[::ffff:192.168.0.1]/wh',
        'Invalid request body: url must not point to a private or loopback address',
      ],
      [
        'http://169.254.169.254/latest',
        'Invalid request body: url must not point to a private or loopback address',
      ],
    ];
    for (const [url, message] of cases) {
      const res = await set(sales, { label: 'private', url });
      expect({ url, status: res.status, body: res.body }).toEqual({
        url,
        status: 400,
        body: errorBody(message, 'VALIDATION_FAILED'),
      });
    }
    expect(
      (await api.get('/api/events/getWebhook/sales?label=private', { token: ta })).status,
    ).toBe(404);
  });

  it('refuses unknown fields and wrong types like its neighbours', async () => {
    const extra = await set(sales, { url: 'https://x.example.com', color: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.body).toEqual(
      errorBody('Invalid request body: property color should not exist', 'VALIDATION_FAILED'),
    );
    const wrong = await set(sales, { url: 'https://x.example.com', byEvents: 'yes' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe('Invalid request body: byEvents must be a boolean value');
  });

  it('rotates the secret of a label and 404s an unknown label', async () => {
    const before = await api.get('/api/events/getWebhook/sales?label=crm', { token: ta });
    const res = await api.post('/api/events/webhook/sales/rotateSecret?label=crm', {
      token: sales.token,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Webhook secret rotated',
      webhook: {
        label: 'crm',
        secret: SECRET,
        previousSecretExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    const expires = Date.parse(res.body.webhook.previousSecretExpiresAt);
    expect(Math.abs(expires - Date.now() - 86_400_000)).toBeLessThan(60_000);
    expect(res.body.webhook.secret).not.toBe(before.body.webhook.secret);
    const after = await api.get('/api/events/getWebhook/sales?label=crm', { token: ta });
    expect(after.body.webhook.secret).toBe(res.body.webhook.secret);

    const missing = await api.post('/api/events/webhook/sales/rotateSecret?label=ghost', {
      token: ta,
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(errorBody('Webhook not found', 'WEBHOOK_NOT_FOUND'));
  });

  it('routes the inline block of POST /api/instance/new through the same code (default label, secret)', async () => {
    const res = await api.post('/api/instance/new', {
      token: ta,
      body: {
        name: 'inline',
        webhookEnabled: true,
        webhookURL: 'https://hooks.example.com/wh?x=1',
        webhookAuthorization: 'Bearer inline',
        webhookByEvents: true,
        webhookEvents: ['message.status', 'message.exchange'],
      },
    });
    expect(res.status).toBe(201);
    const read = await api.get('/api/events/getWebhook/inline?label=', { token: ta });
    expect(read.body.webhook).toEqual({
      label: 'default',
      enabled: true,
      url: 'https://hooks.example.com/wh?x=1',
      authorization: 'Bearer inline',
      byEvents: true,
      events: ['message.status', 'message.exchange'],
      mediaBase64: false,
      secret: SECRET,
    });
  });

  it('checks ownership on every webhook route', async () => {
    const other = await createInstance(wharf, ta, 'other');
    for (const [method, path] of [
      ['POST', '/api/events/webhook/sales'],
      ['GET', '/api/events/getWebhook/sales'],
      ['GET', '/api/events/webhook/sales'],
      ['POST', '/api/events/webhook/sales/rotateSecret'],
      ['GET', '/api/events/deliveries/sales'],
      ['POST', '/api/events/deliveries/sales/retry'],
    ]) {
      const res = await api.request(method, path, {
        token: other.token,
        body: method === 'POST' ? { url: 'https://x.example.com' } : undefined,
      });
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 403,
        body: errorBody(
          'Instance token does not match requested instance',
          'INSTANCE_TOKEN_MISMATCH',
        ),
      });
    }
  });

  it('validates the deliveries filters and the retry body', async () => {
    const badStatus = await api.get('/api/events/deliveries/sales?status=lost', { token: ta });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body).toEqual(
      errorBody(
        'Invalid request body: status must be one of pending, succeeded, failed, dead',
        'VALIDATION_FAILED',
      ),
    );
    const badCursor = await api.get('/api/events/deliveries/sales?cursor=zzz', { token: ta });
    expect(badCursor.status).toBe(400);
    const ok = await api.get('/api/events/deliveries/sales', { token: ta });
    expect(ok.body).toEqual({
      success: true,
      message: '0 Deliveries found',
      deliveries: [],
      nextCursor: null,
    });
    const emptyRetry = await api.post('/api/events/deliveries/sales/retry', {
      token: ta,
      body: {},
    });
    expect(emptyRetry.status).toBe(400);
    expect(emptyRetry.body.error.message).toBe(
      'Invalid request body: ids must be an array of delivery ids, or status must be "dead"',
    );
    const wrongStatus = await api.post('/api/events/deliveries/sales/retry', {
      token: ta,
      body: { status: 'failed' },
    });
    expect(wrongStatus.status).toBe(400);
  });

  it('documents every webhook route with its success example and error literals in OpenAPI', async () => {
    const doc = (await api.get('/docs-json')).body;
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    const set = op('/api/events/webhook/{instance}', 'post');
    expect(JSON.stringify(set.responses['200'])).toContain('Webhook configured successfully');
    expect(JSON.stringify(set.responses['409'])).toContain(
      'Maximum of 3 enabled webhooks per instance reached',
    );
    expect(JSON.stringify(set.responses['409'])).toContain(
      'A webhook with this URL already exists for this instance',
    );
    expect(
      JSON.stringify(op('/api/events/getWebhook/{instance}', 'get').responses['404']),
    ).toContain('Webhook not found');
    expect(op('/api/events/webhook/{instance}', 'get')).toBeDefined();
    expect(op('/api/events/webhook/{instance}/rotateSecret', 'post')).toBeDefined();
    expect(op('/api/events/deliveries/{instance}', 'get')).toBeDefined();
    expect(op('/api/events/deliveries/{instance}/retry', 'post')).toBeDefined();
  });
});
