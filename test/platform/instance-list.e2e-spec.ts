import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

/** Paging of `GET /api/instance/list` (issue 11, D23): bounded answers for big accounts. */
describe('GET /api/instance/list paging (D23)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  const names = ['n01', 'n02', 'n03', 'n04', 'n05', 'n06', 'n07'];

  beforeAll(async () => {
    wharf = await startWharf();
    api = new Api(wharf.url);
    ta = (await createAccount(wharf, 'Pages')).token;
    for (const name of names) await createInstance(wharf, ta, name);
  });
  afterAll(() => wharf.close());

  const list = (query: string) => api.get(`/api/instance/list${query}`, { token: ta });
  const namesOf = (body: { instances: Array<{ name: string }> }) =>
    body.instances.map((i) => i.name);

  it('answers the first page to a client that sends no paging, and says whether more follow', async () => {
    const all = await list('');
    expect(all.status).toBe(200);
    expect(namesOf(all.body)).toEqual(names);
    expect(all.body.meta).toEqual({
      total: 7,
      limit: 100,
      page: 1,
      hasMore: false,
      nextCursor: null,
    });

    const first = await list('?limit=3');
    expect(first.body.message).toBe('7 Instances found');
    expect(namesOf(first.body)).toEqual(['n01', 'n02', 'n03']);
    expect(first.body.meta).toMatchObject({ total: 7, limit: 3, page: 1, hasMore: true });
    expect(typeof first.body.meta.nextCursor).toBe('string');
  });

  it('walks every instance once by cursor, and by page number', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.meta.total).toBe(7);
      seen.push(...namesOf(res.body));
      cursor = res.body.meta.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(names);
    expect(pages).toBe(3);

    const third = await list('?limit=3&page=3');
    expect(namesOf(third.body)).toEqual(['n07']);
    expect(third.body.meta).toEqual({
      total: 7,
      limit: 3,
      page: 3,
      hasMore: false,
      nextCursor: null,
    });
    const beyond = await list('?limit=3&page=9');
    expect(beyond.body.instances).toEqual([]);
    expect(beyond.body.meta).toMatchObject({ total: 7, hasMore: false });
  });

  it('pages a comma list of names too', async () => {
    const res = await list('?instanceName=n07,n02,n05,ghost&limit=2');
    expect(namesOf(res.body)).toEqual(['n02', 'n05']);
    expect(res.body.meta).toMatchObject({ total: 3, limit: 2, hasMore: true });
    const rest = await list(
      `?instanceName=n07,n02,n05,ghost&limit=2&cursor=${res.body.meta.nextCursor}`,
    );
    expect(namesOf(rest.body)).toEqual(['n07']);
  });

  it.each([
    ['?limit=0', 'limit must be at least 1'],
    ['?limit=501', 'limit must not exceed 500'],
    ['?limit=abc', 'limit must be a whole number'],
    ['?page=0', 'page must be at least 1'],
    ['?cursor=not%20a%20cursor', 'cursor must be a cursor returned by this endpoint'],
    ['?cursor=bm90LWpzb24', 'cursor must be a cursor returned by this endpoint'],
    [
      '?page=2&cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwLjAwMFoiLCJuMDEiXQ',
      'Invalid request body: use either page or cursor',
    ],
  ])('refuses %s with a 400 in the envelope', async (query, message) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error)).toContain(message);
  });
});
