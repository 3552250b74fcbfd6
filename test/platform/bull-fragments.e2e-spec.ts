import { randomUUID } from 'node:crypto';

import { holdsWholeJob } from '@wharf/common/redis/bull-fragments';
import Bull from 'bull';

/**
 * `holdsWholeJob` against the local Redis with real Bull: a job hash reduced to `processedOn`
 * (what Bull's moveToActive leaves when Redis lost the job between pop and lock) blocks a new add
 * of the same id until it is deleted. Both the webhook sweeper and the send recovery rely on it.
 */
describe('Bull job fragments (Redis data loss between pop and lock)', () => {
  const prefix = `wharf-test-${randomUUID()}`;
  const queue = new Bull<{ rowId: string }>(
    'fragments',
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    {
      prefix,
    },
  );
  const whole = (data: Partial<{ rowId: string }> | undefined) => typeof data?.rowId === 'string';

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('reports a whole job, and no job', async () => {
    await queue.add({ rowId: 'a' }, { jobId: 'a' });
    expect(await holdsWholeJob(queue, 'a', whole)).toBe(true);
    expect(await holdsWholeJob(queue, 'missing', whole)).toBe(false);
  });

  it('deletes a fragment, which otherwise swallows the next add of its id', async () => {
    const key = queue.toKey('b');
    await queue.client.hset(key, 'processedOn', String(Date.now()));
    // Bull deduplicates adds by id: with the fragment in place the add does nothing.
    await queue.add({ rowId: 'b' }, { jobId: 'b' });
    expect(await queue.client.hget(key, 'data')).toBeNull();
    expect(await queue.getWaiting()).not.toContainEqual(expect.objectContaining({ id: 'b' }));

    expect(await holdsWholeJob(queue, 'b', whole)).toBe(false);
    expect(await queue.client.exists(key)).toBe(0);
    await queue.add({ rowId: 'b' }, { jobId: 'b' });
    expect((await queue.getJob('b'))?.data).toEqual({ rowId: 'b' });
    expect(await holdsWholeJob(queue, 'b', whole)).toBe(true);
  });
});
