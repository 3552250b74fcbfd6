/**
 * The ownership matrix of docs/API.md §1.2 and D4: every route that exists, every kind of token, with
 * the exact D2 envelope of each refusal and proof that a refused write changed nothing.
 */
import {
  AccountFixture,
  createAccount,
  createInstance,
  InstanceFixture,
} from '../support/fixtures';
import { Api, ApiResponse } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Kind = 'admin' | 'account' | 'instance';

/** Who sends the request, resolved to a concrete token once the fixtures exist. */
type Caller =
  | 'none'
  | 'garbage'
  | 'admin'
  | 'TA:X'
  | 'TI:alpha'
  | 'TI:yankee'
  | 'query:admin'
  | 'query:TA:X'
  | 'query:TI:alpha';

/** Which instance name the path carries: X owns alpha and beta, Y owns yankee and its own alpha. */
type Target = 'alpha' | 'beta' | 'yankee' | 'ghost';

interface RouteSpec {
  method: Method;
  /** The route as written in the controller. */
  route: string;
  kinds: Kind[];
  body?: unknown;
  /** A GET that changes state (connect) or needs data (a stored message): checked like a write, never called with a valid token. */
  sideEffects?: true;
  /** Query string appended to the path. */
  query?: string;
}

const PROXY_BODY = {
  enabled: true,
  host: 'proxy.intruder.example',
  port: '1080',
  protocol: 'socks5',
  username: 'intruder',
  password: 'intruder-password',
};
const S3_BODY = {
  enabled: true,
  region: 'us-east-1',
  bucket: 'intruder-bucket',
  accessKey: 'AKIAINTRUDER',
  secretKey: 'intruder-secret-key',
};

/** Every route of the instance controllers that names an instance in its path. */
const INSTANCE_ROUTES: RouteSpec[] = [
  { method: 'DELETE', route: '/api/instance/delete/:instance', kinds: ['account'] },
  { method: 'POST', route: '/api/instance/rotateToken/:instance', kinds: ['account'] },
  {
    method: 'GET',
    route: '/api/instance/connect/:instance',
    kinds: ['account', 'instance'],
    sideEffects: true,
  },
  { method: 'POST', route: '/api/instance/reconnect/:instance', kinds: ['account', 'instance'] },
  { method: 'DELETE', route: '/api/instance/logout/:instance', kinds: ['account', 'instance'] },
  { method: 'GET', route: '/api/instance/getSettings/:instance', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/instance/settings/:instance',
    kinds: ['account', 'instance'],
    body: { autoRejectCalls: true, callRejectMessage: 'hijacked' },
  },
  { method: 'GET', route: '/api/instance/getProxy/:instance', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/instance/proxy/:instance',
    kinds: ['account', 'instance'],
    body: PROXY_BODY,
  },
  { method: 'GET', route: '/api/instance/getS3/:instance', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/instance/s3/:instance',
    kinds: ['account', 'instance'],
    body: S3_BODY,
  },
  {
    method: 'POST',
    route: '/api/events/websocket/:instance',
    kinds: ['account', 'instance'],
    body: { enabled: true, events: ['call.update'] },
  },
  { method: 'GET', route: '/api/events/getWebsocket/:instance', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/events/webhook/:instance',
    kinds: ['account', 'instance'],
    body: { url: 'https://x.example.com' },
  },
  { method: 'GET', route: '/api/events/getWebhook/:instance', kinds: ['account', 'instance'] },
  { method: 'GET', route: '/api/events/webhook/:instance', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/events/webhook/:instance/rotateSecret',
    kinds: ['account', 'instance'],
  },
  { method: 'GET', route: '/api/events/deliveries/:instance', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/events/deliveries/:instance/retry',
    kinds: ['account', 'instance'],
    body: { status: 'dead' },
  },
  {
    method: 'GET',
    route: '/api/chat/getMessage/:instance',
    kinds: ['account', 'instance'],
    query: 'messageId=NONE',
    sideEffects: true,
  },
  {
    method: 'GET',
    route: '/api/chat/status/:instance',
    kinds: ['account', 'instance'],
    query: 'messageId=NONE',
    sideEffects: true,
  },
  {
    method: 'POST',
    route: '/api/message/text/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', message: 'hijack' },
  },
  {
    method: 'POST',
    route: '/api/message/location/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', latitude: 1, longitude: 1 },
  },
  {
    method: 'POST',
    route: '/api/message/poll/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', question: 'Q', options: ['a', 'b'] },
  },
  {
    method: 'POST',
    route: '/api/message/event/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', name: 'hijack', startAt: '2026-05-04T14:00:00Z' },
  },
  {
    method: 'GET',
    route: '/api/media/:instance/:messageId',
    kinds: ['account', 'instance'],
    sideEffects: true,
  },
  {
    method: 'GET',
    route: '/api/chat/base64/:instance',
    kinds: ['account', 'instance'],
    query: 'messageId=NONE',
    sideEffects: true,
  },
  {
    method: 'GET',
    route: '/api/chat/poll/:instance',
    kinds: ['account', 'instance'],
    query: 'messageId=NONE',
    sideEffects: true,
  },
  {
    method: 'POST',
    route: '/api/chat/history/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999' },
  },
  { method: 'GET', route: '/api/instance/metrics/:instance', kinds: ['account', 'instance'] },
  // Chat management (docs/API.md §3.3, issue 14).
  { method: 'GET', route: '/api/chat/contacts/:instance', kinds: ['account', 'instance'] },
  {
    method: 'GET',
    route: '/api/chat/contactsByLabel/:instance',
    kinds: ['account', 'instance'],
    query: 'labelIds=1&refresh=true',
    sideEffects: true,
  },
  { method: 'GET', route: '/api/chat/tag/:instance', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/chat/tag/:instance',
    kinds: ['account', 'instance'],
    body: { name: 'hijack', color: 1 },
  },
  {
    method: 'DELETE',
    route: '/api/chat/tag/:instance',
    kinds: ['account', 'instance'],
    query: 'tagId=1',
  },
  {
    method: 'POST',
    route: '/api/chat/assignTag/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', tagId: '1' },
  },
  {
    method: 'DELETE',
    route: '/api/chat/assignTag/:instance',
    kinds: ['account', 'instance'],
    query: 'number=5511999999999&tagId=1',
  },
  {
    method: 'POST',
    route: '/api/chat/archive/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', archive: true },
  },
  {
    method: 'POST',
    route: '/api/chat/markRead/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', messageId: '3EB0AA' },
  },
  {
    method: 'POST',
    route: '/api/chat/markChatRead/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', read: true },
  },
  {
    method: 'POST',
    route: '/api/chat/pin/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', pin: true },
  },
  {
    method: 'POST',
    route: '/api/chat/pinMessage/:instance',
    kinds: ['account', 'instance'],
    body: { messageId: '3EB0AA', pin: true },
  },
  {
    method: 'POST',
    route: '/api/chat/favorite/:instance',
    kinds: ['account', 'instance'],
    body: { messageId: '3EB0AA', favorite: true },
  },
  {
    method: 'POST',
    route: '/api/chat/mute/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', mute: true, duration: '8h' },
  },
  {
    method: 'POST',
    route: '/api/chat/block/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', block: true },
  },
  {
    method: 'POST',
    route: '/api/chat/presence/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', state: 'typing' },
  },
  {
    method: 'POST',
    route: '/api/chat/forward/:instance',
    kinds: ['account', 'instance'],
    body: { messageId: '3EB0AA', to: '5511999999999' },
  },
  {
    method: 'POST',
    route: '/api/chat/edit/:instance',
    kinds: ['account', 'instance'],
    body: { messageId: '3EB0AA', content: 'hijack' },
  },
  {
    method: 'DELETE',
    route: '/api/chat/delete/:instance',
    kinds: ['account', 'instance'],
    body: { messageId: '3EB0AA', deleteForEveryone: true },
  },
  {
    method: 'DELETE',
    route: '/api/chat/deleteChat/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999' },
  },
  {
    method: 'POST',
    route: '/api/message/contact/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', vcard: { fullName: 'A', phone: '5511988887777' } },
  },
  {
    method: 'POST',
    route: '/api/message/reaction/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', messageId: '3EB0AA', reaction: '👍' },
  },
  {
    method: 'POST',
    route: '/api/message/carousel/:instance',
    kinds: ['account', 'instance'],
    body: {
      number: '5511999999999',
      cards: [{ header: { title: 'T' }, body: { text: 'B' }, buttons: [{ id: 'x' }] }],
    },
  },
  {
    method: 'POST',
    route: '/api/message/button/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', contentText: 'C', buttons: [{ id: 'x' }] },
  },
  {
    method: 'POST',
    route: '/api/message/buttons/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', contentText: 'C', buttons: [{ id: 'x' }] },
  },
  {
    method: 'POST',
    route: '/api/message/list/:instance',
    kinds: ['account', 'instance'],
    body: {
      number: '5511999999999',
      contentText: 'C',
      buttonText: 'Open',
      sections: [{ title: 'S', rows: [{ id: 'r', title: 'R' }] }],
    },
  },
  {
    method: 'POST',
    route: '/api/message/form/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', message: 'Fill in' },
  },
  {
    method: 'POST',
    route: '/api/message/pix/:instance',
    kinds: ['account', 'instance'],
    body: {
      number: '5511999999999',
      merchantName: 'M',
      pixKey: '12345678901',
      pixKeyType: 'CPF',
    },
  },
  {
    method: 'POST',
    route: '/api/message/media/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', mediaType: 'document', mediaBase64: 'aGlqYWNr' },
  },
  {
    method: 'POST',
    route: '/api/message/sticker/:instance',
    kinds: ['account', 'instance'],
    body: { number: '5511999999999', imageUrl: 'https://x.example.com/s.png' },
  },
  {
    method: 'POST',
    route: '/api/message/status/:instance',
    kinds: ['account', 'instance'],
    body: { type: 'text', message: 'hijack' },
  },
];

/** Routes without an instance in the path. `:id` is account Y's id. */
const OTHER_ROUTES: RouteSpec[] = [
  { method: 'POST', route: '/api/instance/new', kinds: ['account'], body: { name: 'intruder' } },
  { method: 'GET', route: '/api/instance/list', kinds: ['account', 'instance'] },
  {
    method: 'POST',
    route: '/api/admin/accounts',
    kinds: ['admin'],
    body: { name: 'Intruder', instanceLimit: 1 },
  },
  { method: 'GET', route: '/api/admin/accounts', kinds: ['admin'] },
  { method: 'GET', route: '/api/admin/accounts/:id', kinds: ['admin'] },
  {
    method: 'PATCH',
    route: '/api/admin/accounts/:id',
    kinds: ['admin'],
    body: { disabled: true, name: 'Hijacked' },
  },
  { method: 'POST', route: '/api/admin/accounts/:id/rotateToken', kinds: ['admin'] },
  { method: 'DELETE', route: '/api/admin/accounts/:id', kinds: ['admin'] },
  { method: 'GET', route: '/metrics', kinds: ['admin'] },
];

const PUBLIC_ROUTES = ['/health', '/health/live', '/health/ready'];

const MISSING = { status: 401, message: 'Missing token in header', code: 'MISSING_TOKEN' };
const INVALID = { status: 401, message: 'Invalid token', code: 'INVALID_TOKEN' };
const MISMATCH = {
  status: 403,
  message: 'Instance token does not match requested instance',
  code: 'INSTANCE_TOKEN_MISMATCH',
};
const NOT_OWNED = {
  status: 403,
  message: 'Instance does not belong to your account',
  code: 'INSTANCE_NOT_OWNED',
};
const NOT_FOUND = { status: 404, message: 'Instance not found', code: 'INSTANCE_NOT_FOUND' };
const DISABLED = { status: 403, message: 'Account is disabled', code: 'ACCOUNT_DISABLED' };
const ROUTE_NOT_FOUND = { status: 404, message: 'Route not found', code: 'ROUTE_NOT_FOUND' };

type Expected = typeof MISSING;

interface RefusalCase {
  title: string;
  spec: RouteSpec;
  caller: Caller;
  target: Target;
  expected: Expected;
}

const label = (spec: RouteSpec) => `${spec.method} ${spec.route}`;

function refusalCases(): RefusalCase[] {
  const cases: RefusalCase[] = [];
  const add = (spec: RouteSpec, caller: Caller, target: Target, expected: Expected, why: string) =>
    cases.push({
      title: `${label(spec)}: ${why} → ${expected.status} ${expected.message}`,
      spec,
      caller,
      target,
      expected,
    });

  for (const spec of INSTANCE_ROUTES) {
    if (spec.kinds.includes('instance')) {
      add(spec, 'TI:alpha', 'beta', MISMATCH, 'TokenInstance of alpha on beta (same account)');
      add(spec, 'TI:yankee', 'alpha', MISMATCH, 'TokenInstance of another account’s instance');
      add(spec, 'query:TI:alpha', 'alpha', MISSING, 'TokenInstance only in ?token=');
    } else {
      add(spec, 'TI:alpha', 'alpha', INVALID, 'TokenInstance on its own instance, TA-only route');
      add(spec, 'TI:alpha', 'beta', INVALID, 'TokenInstance on a sibling, TA-only route');
    }
    add(spec, 'TA:X', 'yankee', NOT_OWNED, 'TokenAccount on another account’s instance');
    add(spec, 'TA:X', 'ghost', NOT_FOUND, 'TokenAccount on a name that exists nowhere');
    add(spec, 'admin', 'alpha', INVALID, 'admin token on an instance route');
    add(spec, 'none', 'alpha', MISSING, 'no token');
    add(spec, 'garbage', 'alpha', INVALID, 'garbage token');
    add(spec, 'query:TA:X', 'alpha', MISSING, 'TokenAccount only in ?token=');
  }
  for (const spec of OTHER_ROUTES) {
    if (spec.kinds.includes('admin')) {
      add(spec, 'TA:X', 'alpha', INVALID, 'TokenAccount on an admin route');
      add(spec, 'TI:alpha', 'alpha', INVALID, 'TokenInstance on an admin route');
      add(spec, 'query:admin', 'alpha', MISSING, 'admin token only in ?token=');
    } else {
      add(spec, 'admin', 'alpha', INVALID, 'admin token on an instance route');
      add(spec, 'query:TA:X', 'alpha', MISSING, 'TokenAccount only in ?token=');
      if (!spec.kinds.includes('instance'))
        add(spec, 'TI:alpha', 'alpha', INVALID, 'TokenInstance on a TA-only route');
    }
    add(spec, 'none', 'alpha', MISSING, 'no token');
    add(spec, 'garbage', 'alpha', INVALID, 'garbage token');
  }
  return cases;
}

describe('ownership matrix (docs/API.md §1.2, D3, D4, D24)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let accountX: AccountFixture;
  let accountY: AccountFixture;
  let accountZ: AccountFixture;
  const instances: Record<string, InstanceFixture> = {};
  let garbage: string;

  beforeAll(async () => {
    wharf = await startWharf({
      env: {
        RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_INSTANCE_CREATE_PER_MINUTE: '100000',
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
      },
    });
    api = new Api(wharf.url);
    accountX = await createAccount(wharf, 'Account X');
    accountY = await createAccount(wharf, 'Account Y');
    accountZ = await createAccount(wharf, 'Account Z');
    instances.alpha = await createInstance(wharf, accountX.token, 'alpha', {
      websocketEnabled: true,
    });
    instances.beta = await createInstance(wharf, accountX.token, 'beta');
    instances.yankee = await createInstance(wharf, accountY.token, 'yankee');
    // Y also has an instance called "alpha": names are unique per account only (D4).
    instances.yAlpha = await createInstance(wharf, accountY.token, 'alpha', {
      autoRejectCalls: true,
      callRejectMessage: 'Y owns this alpha',
    });
    instances.zulu = await createInstance(wharf, accountZ.token, 'zulu');
    garbage = `garbage-${'x'.repeat(40)}`;
  });
  afterAll(() => wharf.close());

  function tokenOf(caller: Caller): string | undefined {
    switch (caller) {
      case 'none':
        return undefined;
      case 'garbage':
        return garbage;
      case 'admin':
      case 'query:admin':
        return wharf.adminToken;
      case 'TA:X':
      case 'query:TA:X':
        return accountX.token;
      case 'TI:alpha':
      case 'query:TI:alpha':
        return instances.alpha.token;
      case 'TI:yankee':
        return instances.yankee.token;
    }
  }

  function pathOf(spec: RouteSpec, target: Target): string {
    const path = spec.route.replace(':instance', target).replace(':id', accountY.id);
    return spec.query ? `${path}?${spec.query}` : path;
  }

  async function call(
    spec: RouteSpec,
    caller: Caller,
    target: Target,
    token = tokenOf(caller),
  ): Promise<ApiResponse> {
    let path = pathOf(spec, target);
    const inQuery = caller.startsWith('query:');
    if (inQuery) path += `?token=${encodeURIComponent(token ?? '')}`;
    return api.request(spec.method, path, {
      token: inQuery ? undefined : token,
      body: spec.body,
    });
  }

  /** Everything an owner or the operator can observe: accounts and every instance item. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const [accounts, X, Y, Z] = await Promise.all([
      api.get('/api/admin/accounts', { token: wharf.adminToken }),
      ...[accountX, accountY, accountZ].map((account) =>
        api.get('/api/instance/list', { token: account.token }),
      ),
    ]);
    return { accounts: accounts.body, X: X.body, Y: Y.body, Z: Z.body };
  }

  function expectRefusal(
    res: ApiResponse,
    expected: Expected,
    ...secrets: Array<string | undefined>
  ) {
    expect({ status: res.status, body: res.body }).toEqual({
      status: expected.status,
      body: { success: false, error: { message: expected.message, code: expected.code } },
    });
    for (const secret of secrets) if (secret) expect(res.text).not.toContain(secret);
  }

  it('covers every documented route of the application', async () => {
    const doc = await api.get('/docs-json');
    expect(doc.status).toBe(200);
    const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    // `/metrics` is deliberately left out of the OpenAPI document.
    const covered = [
      ...INSTANCE_ROUTES.map(label),
      ...OTHER_ROUTES.map(label),
      ...PUBLIC_ROUTES.map((path) => `GET ${path}`),
    ]
      .filter((route) => route !== 'GET /metrics')
      .sort();
    expect(documented).toEqual(covered);
  });

  it('accepts every allowed token kind on every route (the refusals below are not vacuous)', async () => {
    const allowed: Array<[RouteSpec, string | undefined, Target]> = [];
    for (const spec of INSTANCE_ROUTES.filter((s) => s.method === 'GET' && !s.sideEffects)) {
      allowed.push([spec, accountX.token, 'alpha'], [spec, instances.alpha.token, 'alpha']);
    }
    allowed.push(
      [OTHER_ROUTES[1], accountX.token, 'alpha'],
      [OTHER_ROUTES[1], instances.alpha.token, 'alpha'],
      [OTHER_ROUTES[3], wharf.adminToken, 'alpha'],
      [OTHER_ROUTES[4], wharf.adminToken, 'alpha'],
      [OTHER_ROUTES[8], wharf.adminToken, 'alpha'],
    );
    for (const [spec, token, target] of allowed) {
      const res = await api.request(spec.method, pathOf(spec, target), { token });
      expect(`${label(spec)} ${res.status}`).toBe(`${label(spec)} 200`);
    }
    for (const path of PUBLIC_ROUTES) expect((await api.get(path)).status).toBe(200);
  });

  it('resolves a name shared by two accounts to the caller’s own instance', async () => {
    const mine = await api.get('/api/instance/getSettings/alpha', { token: accountX.token });
    const theirs = await api.get('/api/instance/getSettings/alpha', { token: accountY.token });
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(200);
    expect(mine.body.settings.callRejectMessage).toBe('');
    expect(theirs.body.settings.callRejectMessage).toBe('Y owns this alpha');
    const ownToken = await api.get('/api/instance/getSettings/alpha', {
      token: instances.yAlpha.token,
    });
    expect(ownToken.body.settings.callRejectMessage).toBe('Y owns this alpha');
  });

  it.each(refusalCases())('$title', async ({ spec, caller, target, expected }) => {
    const writes = spec.method !== 'GET' || spec.sideEffects === true;
    const before = writes ? await snapshot() : undefined;
    const token = tokenOf(caller);
    const res = await call(spec, caller, target, token);
    expectRefusal(res, expected, token, accountY.token, instances.yankee.token);
    if (writes) expect(await snapshot()).toEqual(before);
  });

  describe.each(['token', 'bearer', 'apikey'] as const)('token in the %s header', (via) => {
    it('authenticates a TokenAccount, a TokenInstance and the admin token', async () => {
      const list = await api.get('/api/instance/list', { token: accountX.token, via });
      expect(list.status).toBe(200);
      expect(list.body.instances.map((i: { name: string }) => i.name)).toEqual(['alpha', 'beta']);
      const settings = await api.get('/api/instance/getSettings/alpha', {
        token: instances.alpha.token,
        via,
      });
      expect(settings.status).toBe(200);
      expect(settings.body.settings).toBeDefined();
      const admin = await api.get('/api/admin/accounts', { token: wharf.adminToken, via });
      expect(admin.status).toBe(200);
    });
  });

  it('gives a TokenInstance exactly its own list item, whatever instanceName says', async () => {
    const res = await api.get('/api/instance/list?instanceName=beta,yankee', {
      token: instances.alpha.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.instances.map((i: { id: string }) => i.id)).toEqual([instances.alpha.id]);
    expect(res.text).not.toContain(instances.beta.token);
    expect(res.text).not.toContain(instances.yankee.token);
  });

  it('answers 404 Route not found on unknown routes whatever the token (D24)', async () => {
    const probes: Array<[Method | 'PUT', string]> = [
      ['GET', '/api/instance/unknown/alpha'],
      ['POST', '/api/nothing/here'],
      ['GET', '/api/admin/unknown'],
      ['PUT', '/api/instance/list'],
      ['GET', '/api/instance/delete/alpha'],
    ];
    const tokens = [undefined, garbage, wharf.adminToken, accountX.token, instances.alpha.token];
    for (const [method, path] of probes) {
      for (const token of tokens) {
        const res = await api.request(method, path, { token });
        expect({ probe: `${method} ${path}`, status: res.status, body: res.body }).toEqual({
          probe: `${method} ${path}`,
          status: ROUTE_NOT_FOUND.status,
          body: {
            success: false,
            error: { message: ROUTE_NOT_FOUND.message, code: ROUTE_NOT_FOUND.code },
          },
        });
      }
    }
  });

  describe('disabled account', () => {
    const zRoutes = INSTANCE_ROUTES.filter((spec) => spec.kinds.includes('instance'));

    it('refuses its TokenAccount and its TokenInstances with 403 Account is disabled until re-enabled', async () => {
      const zBefore = (await api.get('/api/instance/list', { token: accountZ.token })).body;
      const othersBefore = await snapshot();
      const disable = await api.patch(`/api/admin/accounts/${accountZ.id}`, {
        token: wharf.adminToken,
        body: { disabled: true },
      });
      expect(disable.status).toBe(200);
      expect(disable.body.account.disabled).toBe(true);

      const attempts: Array<[string, Promise<ApiResponse>]> = [];
      const ta = accountZ.token;
      const ti = instances.zulu.token;
      const tries: Array<[string, Method, string, string, unknown]> = [
        ['TA list', 'GET', '/api/instance/list', ta, undefined],
        ['TA new', 'POST', '/api/instance/new', ta, { name: 'zulu-2' }],
        ['TA delete', 'DELETE', '/api/instance/delete/zulu', ta, undefined],
        ['TA rotateToken', 'POST', '/api/instance/rotateToken/zulu', ta, undefined],
        ['TA on another account', 'GET', '/api/instance/getSettings/yankee', ta, undefined],
        ['TA on a ghost', 'GET', '/api/instance/getSettings/ghost', ta, undefined],
        ['TI list', 'GET', '/api/instance/list', ti, undefined],
        ['TI on another instance', 'GET', '/api/instance/getSettings/alpha', ti, undefined],
      ];
      for (const spec of zRoutes) {
        const path = spec.route.replace(':instance', 'zulu');
        tries.push([`TA ${label(spec)}`, spec.method, path, ta, spec.body]);
        tries.push([`TI ${label(spec)}`, spec.method, path, ti, spec.body]);
      }
      for (const [name, method, path, token, body] of tries) {
        attempts.push([name, api.request(method, path, { token, body })]);
      }
      for (const [name, pending] of attempts) {
        const res = await pending;
        expect({ name, status: res.status, body: res.body }).toEqual({
          name,
          status: 403,
          body: { success: false, error: { message: DISABLED.message, code: DISABLED.code } },
        });
        expect(res.text).not.toContain(ta);
        expect(res.text).not.toContain(ti);
      }

      const enable = await api.patch(`/api/admin/accounts/${accountZ.id}`, {
        token: wharf.adminToken,
        body: { disabled: false },
      });
      expect(enable.status).toBe(200);
      const zAfter = await api.get('/api/instance/list', { token: accountZ.token });
      expect(zAfter.status).toBe(200);
      expect(zAfter.body).toEqual(zBefore);
      const tiAfter = await api.get('/api/instance/getSettings/zulu', { token: ti });
      expect(tiAfter.status).toBe(200);
      const othersAfter = await snapshot();
      const accountsOnly = (s: Record<string, unknown>) =>
        (s.accounts as { accounts: Array<{ id: string }> }).accounts.filter(
          (a) => a.id !== accountZ.id,
        );
      expect(accountsOnly(othersAfter)).toEqual(accountsOnly(othersBefore));
      expect([othersAfter.X, othersAfter.Y]).toEqual([othersBefore.X, othersBefore.Y]);
    });
  });

  describe('allowed writes (positive control for the TA-only and admin routes)', () => {
    it('lets the admin rotate and delete an account: old TokenAccount and its instances’ tokens stop working', async () => {
      const scratch = await createAccount(wharf, 'Scratch');
      const instance = await createInstance(wharf, scratch.token, 'scratch-only');
      const rotated = await api.post(`/api/admin/accounts/${scratch.id}/rotateToken`, {
        token: wharf.adminToken,
      });
      expect(rotated.status).toBe(200);
      expectRefusal(await api.get('/api/instance/list', { token: scratch.token }), INVALID);
      const fresh = rotated.body.account.token as string;
      expect((await api.get('/api/instance/list', { token: fresh })).status).toBe(200);
      const deleted = await api.delete(`/api/admin/accounts/${scratch.id}`, {
        token: wharf.adminToken,
      });
      expect(deleted.status).toBe(200);
      expect(deleted.body.account.deletedInstances).toBe(1);
      expectRefusal(await api.get('/api/instance/list', { token: fresh }), INVALID);
      expectRefusal(await api.get('/api/instance/list', { token: instance.token }), INVALID);
    });

    it('lets the owning TokenAccount rotate and delete, and the old TokenInstance stops working', async () => {
      const scratch = await createInstance(wharf, accountX.token, 'scratch');
      const rotated = await api.post('/api/instance/rotateToken/scratch', {
        token: accountX.token,
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.instance.token).not.toBe(scratch.token);
      expectRefusal(
        await api.get('/api/instance/getSettings/scratch', { token: scratch.token }),
        INVALID,
      );
      const deleted = await api.delete('/api/instance/delete/scratch', { token: accountX.token });
      expect(deleted.status).toBe(200);
      expectRefusal(
        await api.get('/api/instance/getSettings/scratch', { token: rotated.body.instance.token }),
        INVALID,
      );
    });
  });
});
