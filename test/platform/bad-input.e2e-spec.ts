import { request as httpRequest } from 'node:http';

import { createAccount, createInstance, DEFAULT_SETTINGS } from '../support/fixtures';
import { Api } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

const UNSTORABLE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** A D2 validation error naming `field` as unstorable. */
const unstorable = (field: string) => ({
  success: false,
  error: {
    message: `Invalid request body: ${field} ${UNSTORABLE}`,
    code: 'VALIDATION_FAILED',
    details: [{ field, message: `${field} ${UNSTORABLE}` }],
  },
});

/** The status and body of a WebSocket upgrade Wharf refuses (read before the socket closes). */
function upgradeRefusal(url: string, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Issue 11 (S1): input Wharf cannot handle answers 4xx in the D2 envelope, never 500. */
describe('bad input at the edge (issue 11)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;

  beforeAll(async () => {
    wharf = await startWharf();
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
    await createInstance(wharf, ta, 'a1');
  });
  afterAll(() => wharf.close());

  it('answers 400 for a NUL byte in :instance, a query value or a body string, and changes nothing', async () => {
    expect(await api.get('/api/instance/getSettings/a1%00', { token: ta })).toMatchObject({
      status: 400,
      body: unstorable('instance'),
    });
    expect(await api.get('/api/events/getWebhook/a1?label=%00', { token: ta })).toMatchObject({
      status: 400,
      body: unstorable('label'),
    });
    const body = await api.post('/api/instance/settings/a1', {
      token: ta,
      rawBody: '{"callRejectMessage":"a\\u0000b","autoRejectCalls":true}',
    });
    expect([body.status, body.body]).toEqual([400, unstorable('callRejectMessage')]);
    const settings = await api.get('/api/instance/getSettings/a1', { token: ta });
    expect(settings.body.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('answers 400 for unpaired UTF-16 surrogates in body strings and keys (PostgreSQL cannot store them)', async () => {
    const value = await api.post('/api/instance/settings/a1', {
      token: ta,
      rawBody: '{"callRejectMessage":"a\\ud800b"}',
    });
    expect([value.status, value.body]).toEqual([400, unstorable('callRejectMessage')]);
    const nested = await api.post('/api/message/carousel/a1', {
      token: ta,
      rawBody: '{"number":"5511999999999","cards":[{"header":{"title":"\\udc00"}}]}',
    });
    expect([nested.status, nested.body.error.details]).toEqual([
      400,
      [{ field: 'cards.0.header.title', message: `cards.0.header.title ${UNSTORABLE}` }],
    ]);
    const key = await api.post('/api/instance/settings/a1', {
      token: ta,
      rawBody: '{"a\\u0000":true}',
    });
    expect([key.status, key.body.error.message]).toEqual([
      400,
      `Invalid request body: body has a property name that ${UNSTORABLE}`,
    ]);
  });

  it('still authenticates first: a body with NUL and no token is 401', async () => {
    const res = await api.post('/api/instance/settings/a1', {
      rawBody: '{"callRejectMessage":"\\u0000"}',
    });
    expect(res.status).toBe(401);
  });

  it('refuses NUL in the instance of a WebSocket upgrade with 400 before any database look-up', async () => {
    const res = await upgradeRefusal(wharf.url, `/ws/a1%00?token=${ta}`);
    expect(res).toEqual({ status: 400, body: unstorable('instance') });
  });

  it('answers 400 for JSON nested 5,000 levels deep instead of overflowing the stack', async () => {
    const deep = `{"autoRejectCalls":${'['.repeat(5000)}1${']'.repeat(5000)}}`;
    const res = await api.post('/api/instance/settings/a1', { token: ta, rawBody: deep });
    expect([res.status, res.body]).toEqual([
      400,
      {
        success: false,
        error: {
          message: 'Invalid request body: JSON nested deeper than 32 levels',
          code: 'INVALID_BODY',
        },
      },
    ]);
  });

  it('answers router and HTTP parser refusals in the D2 envelope without echoing the URL', async () => {
    const long = 'a'.repeat(10_000);
    const tooLong = await api.get(`/api/instance/getSettings/${long}`, { token: ta });
    expect([tooLong.status, tooLong.body]).toEqual([
      414,
      {
        success: false,
        error: {
          message: 'Request URI too long: a path parameter exceeds 500 characters',
          code: 'URI_TOO_LONG',
        },
      },
    ]);
    expect(tooLong.headers.get('x-request-id')).toBeTruthy();
    const badUrl = await api.get('/api/instance/getSettings/%zz', { token: ta });
    expect([badUrl.status, badUrl.body]).toEqual([
      400,
      {
        success: false,
        error: { message: 'Invalid URL: malformed percent-encoding', code: 'INVALID_URL' },
      },
    ]);
    expect(badUrl.headers.get('x-request-id')).toBeTruthy();
    const bigQuery = await api.get(`/api/instance/list?x=${'q'.repeat(17_000)}`, { token: ta });
    expect([bigQuery.status, bigQuery.body]).toEqual([
      431,
      {
        success: false,
        error: { message: 'Request header fields too large', code: 'HEADERS_TOO_LARGE' },
      },
    ]);
    expect(bigQuery.headers.get('x-request-id')).toBeTruthy();
    // Wharf still answers afterwards.
    expect((await api.get('/health/live')).status).toBe(200);
  });

  it('lists the first 20 failing fields and counts the rest (5,000 unknown keys answered 308 KB)', async () => {
    const body = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 1]));
    const res = await api.post('/api/instance/settings/a1', { token: ta, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toHaveLength(20);
    expect(res.body.error.detailsOmitted).toBe(980);
    expect(res.text.length).toBeLessThan(4096);
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]));
    const refused = await api.post('/api/instance/settings/a1', { token: ta, body: many });
    expect([refused.status, refused.body.error.message]).toEqual([
      400,
      'Invalid request body: body must have at most 1024 items or properties',
    ]);
    const longKey = await api.post('/api/instance/settings/a1', {
      token: ta,
      body: { ['k'.repeat(100_000)]: 1 },
    });
    expect(longKey.status).toBe(400);
    expect(longKey.text.length).toBeLessThan(2048);
  });

  it('refuses lists longer than any route takes before validating them (100,000 cards took 8 s)', async () => {
    const card = { header: { title: 'a' }, body: { text: 'b' }, buttons: [{ id: 'x' }] };
    const started = Date.now();
    const res = await api.post('/api/message/carousel/a1', {
      token: ta,
      body: { number: '5511999999999', cards: Array(100_000).fill(card) },
    });
    expect([res.status, res.body.error.details]).toEqual([
      400,
      [{ field: 'cards', message: 'cards must have at most 1024 items or properties' }],
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

/** Issue 11: `null`, over-long lists and dot-segment names are refused by the DTOs with 400. */
describe('nulls, list caps and names in the request DTOs (issue 11)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let accountId: string;

  beforeAll(async () => {
    wharf = await startWharf();
    api = new Api(wharf.url);
    ({ token: ta, id: accountId } = await createAccount(wharf, 'Acme', 5));
    await createInstance(wharf, ta, 'a1');
  });
  afterAll(() => wharf.close());

  it('answers 400 for null where a value is required, and changes nothing', async () => {
    const settings = await api.post('/api/instance/settings/a1', {
      token: ta,
      body: { autoRejectCalls: null, keepOnlineStatus: true },
    });
    expect([settings.status, settings.body.error?.message]).toEqual([
      400,
      'Invalid request body: autoRejectCalls must be a boolean value',
    ]);
    expect((await api.get('/api/instance/getSettings/a1', { token: ta })).body.settings).toEqual(
      DEFAULT_SETTINGS,
    );
    for (const body of [{ name: null }, { disabled: null }]) {
      const res = await api.patch(`/api/admin/accounts/${accountId}`, {
        token: wharf.adminToken,
        body,
      });
      expect([JSON.stringify(body), res.status, res.body.error?.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const send = await api.post('/api/message/text/a1', {
      token: ta,
      body: { number: '5511999999999', message: 'hi', delay: null },
    });
    expect([send.status, send.body.error?.message]).toEqual([
      400,
      'Invalid request body: delay must be an integer number',
    ]);
    const account = await api.get(`/api/admin/accounts/${accountId}`, { token: wharf.adminToken });
    expect(account.body.account).toMatchObject({ name: 'Acme', disabled: false, instanceLimit: 5 });
  });

  it('takes null as the documented "no limit" of instanceLimit', async () => {
    const res = await api.patch(`/api/admin/accounts/${accountId}`, {
      token: wharf.adminToken,
      body: { instanceLimit: null },
    });
    expect([res.status, res.body.account?.instanceLimit]).toEqual([200, null]);
  });

  it('refuses the instance names "." and ".." (clients that normalise URLs cannot reach them)', async () => {
    for (const name of ['.', '..', ' .. ']) {
      const res = await api.post('/api/instance/new', { token: ta, body: { name } });
      expect([name, res.status, res.body.error?.message]).toEqual([
        name,
        400,
        'Invalid request body: name must not be "." or ".."',
      ]);
    }
    const list = await api.get('/api/instance/list', { token: ta });
    expect(list.body.instances.map((i: { name: string }) => i.name)).toEqual(['a1']);
    expect((await api.post('/api/instance/new', { token: ta, body: { name: '...' } })).status).toBe(
      201,
    );
  });

  it('caps event lists at the number of event types, checked in linear time', async () => {
    const seven = await api.post('/api/events/websocket/a1', {
      token: ta,
      body: { events: Array(7).fill('message.exchange') },
    });
    expect(seven.status).toBe(400);
    expect(seven.body.error.details).toContainEqual({
      field: 'events',
      message: 'events must contain at most 6 event names',
    });
    const twice = await api.post('/api/events/websocket/a1', {
      token: ta,
      body: { events: ['message.exchange', 'message.exchange'] },
    });
    expect(twice.body.error?.details).toContainEqual({
      field: 'events',
      message: "All events's elements must be unique",
    });
    const started = Date.now();
    const long = await api.post('/api/events/websocket/a1', {
      token: ta,
      body: { events: Array.from({ length: 1024 }, (_, i) => `e${i}`) },
    });
    expect(long.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(1000);
    const webhook = await api.post('/api/events/webhook/a1', {
      token: ta,
      body: { url: 'https://example.com/wh', events: Array(7).fill('message.exchange') },
    });
    expect([webhook.status, webhook.body.error?.message]).toEqual([
      400,
      'Invalid request body: events must contain at most 6 event names',
    ]);
  });

  it('bounds the inline webhook block of instance creation (URL length, event list)', async () => {
    const res = await api.post('/api/instance/new', {
      token: ta,
      body: {
        name: 'inline',
        webhookEnabled: true,
        webhookURL: `https://example.com/${'a'.repeat(3000)}`,
        websocketEnabled: true,
        websocketEvents: Array(7).fill('x'.repeat(100_000)),
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.webhook).toEqual({
      enabled: false,
      error: 'webhookURL must be at most 2048 characters',
    });
    expect(res.body.websocket.error).toBe('websocketEvents must contain at most 6 event names');
    expect(res.text.length).toBeLessThan(4096);
  });

  it('caps each mention at 120 characters', async () => {
    const res = await api.post('/api/message/text/a1', {
      token: ta,
      body: { number: '5511999999999', message: 'hi', mention: ['1'.repeat(1000)] },
    });
    expect([res.status, res.body.error?.message]).toEqual([
      400,
      'Invalid request body: each value in mention must be shorter than or equal to 120 characters',
    ]);
  });

  it('takes simultaneous first configurations of one instance one after the other (the fuzz found a 500)', async () => {
    await createInstance(wharf, ta, 'race');
    const routes: Array<[string, Record<string, unknown>]> = [
      ['/api/events/websocket/race', { events: ['message.exchange'] }],
      ['/api/events/webhook/race', { label: 'crm', url: 'https://example.com/wh' }],
      ['/api/instance/proxy/race', { host: 'proxy.example.com', port: '1080', protocol: 'socks5' }],
    ];
    for (const [path, body] of routes) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => api.post(path, { token: ta, body })),
      );
      expect([path, answers.map((a) => a.status)]).toEqual([path, Array(8).fill(200)]);
    }
  });
});
