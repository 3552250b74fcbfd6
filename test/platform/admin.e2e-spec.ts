import { createAccount, createInstance } from '../support/fixtures';
import { Api, errorBody } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

describe('admin accounts (D4)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let admin: string;

  beforeAll(async () => {
    wharf = await startWharf();
    api = new Api(wharf.url);
    admin = wharf.adminToken;
  });
  afterAll(() => wharf.close());

  it('creates an account and shows its TokenAccount once', async () => {
    const res = await api.post('/api/admin/accounts', {
      token: admin,
      body: { name: 'Acme', instanceLimit: 3 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: 'Account created',
      account: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Acme',
        instanceLimit: 3,
        disabled: false,
        instanceCount: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      },
    });
    const read = await api.get(`/api/admin/accounts/${res.body.account.id}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body.account.token).toBeUndefined();
    expect(read.text).not.toContain(res.body.account.token);
  });

  it('lists accounts with their instance counts', async () => {
    const account = await createAccount(wharf, 'Counted');
    await createInstance(wharf, account.token, 'one');
    await createInstance(wharf, account.token, 'two');
    const res = await api.get('/api/admin/accounts', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.message).toMatch(/^\d+ Accounts? found$/);
    expect(res.body.meta.total).toBe(res.body.accounts.length);
    expect(res.body.accounts.find((a: { id: string }) => a.id === account.id)).toMatchObject({
      name: 'Counted',
      instanceCount: 2,
    });
    expect(res.text).not.toContain(account.token);
  });

  it('validates the account body', async () => {
    const blank = await api.post('/api/admin/accounts', { token: admin, body: { name: '   ' } });
    expect(blank.status).toBe(400);
    expect(blank.body).toEqual(
      errorBody('Invalid request body: name is required', 'VALIDATION_FAILED'),
    );
    const negative = await api.post('/api/admin/accounts', {
      token: admin,
      body: { name: 'X', instanceLimit: -1 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.details).toEqual([
      { field: 'instanceLimit', message: expect.stringContaining('instanceLimit') },
    ]);
    const unknown = await api.post('/api/admin/accounts', {
      token: admin,
      body: { name: 'X', plan: 'gold' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('Invalid request body: property plan should not exist');
  });

  it('answers 404 Account not found for unknown and malformed ids', async () => {
    for (const id of ['01a1fe19-22ca-71fe-a753-024c8b1a4649', 'not-a-uuid']) {
      const res = await api.get(`/api/admin/accounts/${id}`, { token: admin });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        success: false,
        error: { message: 'Account not found', code: 'ACCOUNT_NOT_FOUND' },
      });
    }
  });

  it('updates name, limit and disabled, and requires at least one field', async () => {
    const account = await createAccount(wharf, 'Before', 1);
    const res = await api.patch(`/api/admin/accounts/${account.id}`, {
      token: admin,
      body: { name: 'After', instanceLimit: null },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      message: 'Account updated',
      account: { name: 'After', instanceLimit: null },
    });
    const empty = await api.patch(`/api/admin/accounts/${account.id}`, { token: admin, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('enforces the instance quota with 403 Account instance quota exceeded', async () => {
    const account = await createAccount(wharf, 'Quota', 1);
    await createInstance(wharf, account.token, 'first');
    const res = await api.post('/api/instance/new', {
      token: account.token,
      body: { name: 'second' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      success: false,
      error: { message: 'Account instance quota exceeded', code: 'INSTANCE_QUOTA_EXCEEDED' },
    });
    const list = await api.get('/api/instance/list', { token: account.token });
    expect(list.body.instances.map((i: { name: string }) => i.name)).toEqual(['first']);
    await api.patch(`/api/admin/accounts/${account.id}`, {
      token: admin,
      body: { instanceLimit: 2 },
    });
    expect(
      (await api.post('/api/instance/new', { token: account.token, body: { name: 'second' } }))
        .status,
    ).toBe(201);
  });

  it('rejects a disabled account and its instances, and accepts them again when re-enabled', async () => {
    const account = await createAccount(wharf, 'Toggle');
    const instance = await createInstance(wharf, account.token, 'toggled');
    await api.patch(`/api/admin/accounts/${account.id}`, {
      token: admin,
      body: { disabled: true },
    });
    for (const token of [account.token, instance.token]) {
      const res = await api.get('/api/instance/list', { token });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        success: false,
        error: { message: 'Account is disabled', code: 'ACCOUNT_DISABLED' },
      });
    }
    await api.patch(`/api/admin/accounts/${account.id}`, {
      token: admin,
      body: { disabled: false },
    });
    expect((await api.get('/api/instance/list', { token: instance.token })).status).toBe(200);
  });

  it('rotates the TokenAccount and rejects the old one at once', async () => {
    const account = await createAccount(wharf, 'Rotate');
    const res = await api.post(`/api/admin/accounts/${account.id}/rotateToken`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Account token rotated');
    const fresh = res.body.account.token as string;
    expect(fresh).not.toBe(account.token);
    const old = await api.get('/api/instance/list', { token: account.token });
    expect(old.status).toBe(401);
    expect(old.body).toEqual(errorBody('Invalid token', 'INVALID_TOKEN'));
    expect((await api.get('/api/instance/list', { token: fresh })).status).toBe(200);
  });

  it('deletes an account with all its instances', async () => {
    const account = await createAccount(wharf, 'Doomed');
    const instance = await createInstance(wharf, account.token, 'doomed-1', {
      proxyHost: 'proxy.example.com',
      proxyPort: '3128',
      proxyProtocol: 'http',
    });
    await createInstance(wharf, account.token, 'doomed-2');
    const res = await api.delete(`/api/admin/accounts/${account.id}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Account deleted',
      account: { id: account.id, status: 'deleted', deletedInstances: 2 },
    });
    expect((await api.get(`/api/admin/accounts/${account.id}`, { token: admin })).status).toBe(404);
    expect((await api.get('/api/instance/list', { token: instance.token })).status).toBe(401);
    expect((await api.get('/api/instance/list', { token: account.token })).status).toBe(401);
  });

  it('accepts only ADMIN_TOKEN on admin routes', async () => {
    const account = await createAccount(wharf, 'NotAdmin');
    const res = await api.get('/api/admin/accounts', { token: account.token });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorBody('Invalid token', 'INVALID_TOKEN'));
  });
});
