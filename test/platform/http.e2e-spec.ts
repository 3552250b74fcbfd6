import { validate as validateOpenApi } from '@readme/openapi-parser';

import { createAccount } from '../support/fixtures';
import { Api } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

describe('HTTP platform: request ids, errors, CORS, OpenAPI, metrics', () => {
  let wharf: WharfHandle;
  let api: Api;

  beforeAll(async () => {
    wharf = await startWharf({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    api = new Api(wharf.url);
  });
  afterAll(() => wharf.close());

  it('sets X-Request-Id on every response and echoes a safe incoming one', async () => {
    const ok = await api.get('/health');
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const notFound = await api.get('/nowhere');
    expect(notFound.headers.get('x-request-id')).toBeTruthy();
    const echoed = await api.get('/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    const unsafe = await api.get('/health', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(unsafe.headers.get('x-request-id')).not.toContain('script');
  });

  it('answers 404 Route not found for unknown routes whatever the token (D24)', async () => {
    for (const token of [undefined, 'garbage', wharf.adminToken]) {
      const res = await api.post('/api/instance/doesNotExist/x', { token });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        success: false,
        error: { message: 'Route not found', code: 'ROUTE_NOT_FOUND' },
      });
    }
  });

  it('never follows with a redirect for a trailing slash (D24)', async () => {
    const res = await api.get('/health/');
    expect(res.status).toBe(200);
  });

  it('answers the CORS preflight for an allowed origin per D21 and refuses others', async () => {
    const allowed = await api.request('OPTIONS', '/api/instance/list', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,token,idempotency-key,prefer',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(
      expect.stringContaining('idempotency-key'),
    );
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const normal = await api.get('/health', { headers: { origin: 'https://app.example.com' } });
    expect(normal.headers.get('access-control-expose-headers')).toContain('X-RateLimit-Remaining');
    const other = await api.get('/health', { headers: { origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 415 for a body that is not JSON', async () => {
    const account = await createAccount(wharf);
    const res = await api.post('/api/instance/new', {
      token: account.token,
      rawBody: 'name=sales',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body.success).toBe(false);
  });

  it('serves Swagger UI at /docs and a document where every route has a summary, security, examples and error codes (D18)', async () => {
    expect((await api.get('/docs')).status).toBe(200);
    const doc = (await api.get('/docs-json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'admin',
      'apikey',
      'bearer',
      'token',
    ]);
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
      ([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(19);
    for (const { path, method, op } of operations) {
      const label = `${method.toUpperCase()} ${path}`;
      expect([label, typeof op.summary]).toEqual([label, 'string']);
      if (path.startsWith('/health')) continue;
      expect([label, op.security?.length > 0]).toEqual([label, true]);
      const success = Object.keys(op.responses).find((code) => /^2/.test(code));
      expect([label, Boolean(success)]).toEqual([label, true]);
      const content = op.responses[success!].content?.['application/json'];
      const hasExample = Boolean(content?.example ?? content?.examples ?? content?.schema);
      expect([label, hasExample]).toEqual([label, true]);
      expect([label, Boolean(op.responses['401'])]).toEqual([label, true]);
      expect([label, Boolean(op.responses['429'])]).toEqual([label, true]);
    }
    const create = doc.paths['/api/instance/new'].post;
    expect(create.responses['201']).toBeDefined();
    for (const code of ['400', '401', '403', '409', '429', '500'])
      expect(create.responses[code]).toBeDefined();
    const examples = Object.values(
      create.responses['403'].content['application/json'].examples,
    ).map((e: any) => e.value.error.message);
    expect(examples).toContain('Account instance quota exceeded');
    expect(doc.components.schemas.CreateInstanceDto.properties.name).toBeDefined();
    expect(doc.components.schemas.CreateInstanceDto.required).toEqual(['name']);
    // D7 / issue 5: the envelope and the six event payloads are published as components.
    for (const schema of [
      'EventEnvelopeDto',
      'EventMessageExchangeDataDto',
      'EventMessageStatusDataDto',
      'EventInstanceStateDataDto',
      'EventCallUpdateDataDto',
      'EventGroupFlowDataDto',
      'EventLabelUpdateDataDto',
    ]) {
      expect([schema, Boolean(doc.components.schemas[schema])]).toEqual([schema, true]);
    }
    expect(doc.components.schemas.EventMessageExchangeDataDto.properties.message.$ref).toContain(
      'EventMessageBodyDto',
    );
    expect(doc.info.description).toContain('webhook-signature');
  });

  it('serves a valid OpenAPI 3 document: every path placeholder is a declared parameter (issue 11)', async () => {
    const doc = (await api.get('/docs-json')).body;
    const result = await validateOpenApi(doc);
    expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
    const param = doc.paths['/api/instance/getSettings/{instance}'].get.parameters.find(
      (p: { in: string }) => p.in === 'path',
    );
    expect(param).toMatchObject({ name: 'instance', required: true });
  });

  it('serves Prometheus metrics to the admin token only', async () => {
    const metrics = await api.get('/metrics', { token: wharf.adminToken });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('wharf_http_requests_total');
    const account = await createAccount(wharf);
    expect((await api.get('/metrics', { token: account.token })).status).toBe(401);
    expect((await api.get('/metrics')).status).toBe(401);
  });
});

describe('docs can be turned off', () => {
  it('answers 404 on /docs and /docs-json when DOCS_ENABLED=false', async () => {
    const wharf = await startWharf({ env: { DOCS_ENABLED: 'false' } });
    try {
      const api = new Api(wharf.url);
      expect((await api.get('/docs')).status).toBe(404);
      expect((await api.get('/docs-json')).status).toBe(404);
    } finally {
      await wharf.close();
    }
  });
});
