import { Api } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

describe('health and HTTP basics', () => {
  let wharf: WharfHandle;
  let api: Api;

  beforeAll(async () => {
    wharf = await startWharf();
    api = new Api(wharf.url);
  });
  afterAll(() => wharf.close());

  it('answers /health like RyzeAPI', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports database, Redis and the queue workers on /health/ready', async () => {
    const res = await api.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.details).toEqual({
      database: { status: 'up' },
      redis: { status: 'up' },
      queues: { status: 'up' },
    });
  });

  it('answers /health/live', async () => {
    expect((await api.get('/health/live')).status).toBe(200);
  });
});
