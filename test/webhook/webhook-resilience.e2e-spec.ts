import { EventLog } from '@wharf/modules/events/entities/event-log.entity';
import { WebhookDelivery } from '@wharf/modules/webhook/entities/webhook-delivery.entity';

import { createAccount, createInstance, InstanceFixture } from '../support/fixtures';
import { Api } from '../support/http';
import { PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { startWharf, WharfHandle } from '../support/wharf';
import {
  eventually,
  publishEvents,
  Receiver,
  startReceiver,
  verifyDelivery,
} from './webhook-helpers';

const BURST = 1000;
/** A short D6-like schedule: 10 retries over about 15 s. */
const SCHEDULE = '300,600,1000,1500,2000,2000,2000,2000,2000,2000';

/** Liveness bound for a whole burst to arrive: generous because CI machines may be loaded. */
const ARRIVAL_MS = 240_000;

jest.setTimeout(420_000);

/**
 * "No loss" (D6, docs/ARCHITECTURE.md event path): bursts of 1,000 events reach the receiver in full
 * through a receiver outage, a SIGKILL of Wharf and a Redis FLUSHALL. Each suite uses its own
 * redis-server so FLUSHALL touches nothing else.
 */
describe('webhook delivery under failure (D6 no loss)', () => {
  let redis: PrivateRedis;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  const receivers: Receiver[] = [];
  const figures: string[] = [];
  let restarted = false;

  const env = (extra: Record<string, string> = {}) => ({
    REDIS_URL: redis.url,
    ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_RETRY_SCHEDULE_MS: SCHEDULE,
    WEBHOOK_SWEEP_INTERVAL_MS: '1000',
    WEBHOOK_JOB_LOCK_MS: '2000',
    PUBLIC_URL: 'https://wharf.example.com',
    ...extra,
  });

  /** Restarts Wharf on the same database, Redis prefix and keys (a new process). */
  async function restart(extra: Record<string, string> = {}): Promise<void> {
    await (await wharf.orm()).close(true);
    restarted = true;
    wharf = await startWharf({
      db: wharf.db,
      env: {
        ...env(extra),
        ADMIN_TOKEN: wharf.adminToken,
        ENCRYPTION_KEY: wharf.encryptionKey,
        REDIS_KEY_PREFIX: wharf.redisPrefix,
      },
    });
    api = new Api(wharf.url);
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
    wharf = await startWharf({ env: env() });
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.stop();
    const db = wharf.db;
    await wharf.close();
    if (restarted) await db.drop();
    await redis.stop();
    process.stdout.write(
      `\nWebhook resilience figures:\n${figures.map((f) => `  ${f}`).join('\n')}\n`,
    );
  });

  async function setup(
    name: string,
  ): Promise<{ hook: Receiver; instances: InstanceFixture[]; secrets: Map<string, string> }> {
    const hook = await startReceiver();
    receivers.push(hook);
    const instances = [
      await createInstance(wharf, ta, `${name}-a`),
      await createInstance(wharf, ta, `${name}-b`),
    ];
    const secrets = new Map<string, string>();
    for (const instance of instances) {
      const res = await api.post(`/api/events/webhook/${instance.name}`, {
        token: instance.token,
        body: { url: `${hook.url}/${instance.name}`, authorization: `Bearer ${instance.name}` },
      });
      expect(res.status).toBe(200);
      secrets.set(`/${instance.name}`, res.body.webhook.secret);
    }
    return { hook, instances, secrets };
  }

  /** Every id answered with a 2xx at least once, and the duplicates among those answers. */
  function delivered(hook: Receiver, ok: (r: { at: number }) => boolean) {
    const counts = new Map<string, number>();
    for (const r of hook.requests.filter(ok)) {
      const id = r.headers['webhook-id'];
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    return { counts, duplicates };
  }

  /** Each request's webhook-id equals its body's eventId, and every copy of an id has the same body. */
  function expectStableIds(hook: Receiver) {
    const bodies = new Map<string, string>();
    for (const r of hook.requests) {
      const id = r.headers['webhook-id'];
      expect(r.json.eventId).toBe(id);
      const seen = bodies.get(id);
      if (seen === undefined) bodies.set(id, r.body);
      else expect(r.body).toBe(seen);
    }
  }

  /**
   * Waits until `arrived()` holds; on timeout the error says where the missing deliveries are
   * (their rows by status and attempt) so a failed run explains itself.
   */
  async function untilAllArrive(
    what: string,
    instances: InstanceFixture[],
    arrived: () => boolean,
    timeoutMs = ARRIVAL_MS,
  ): Promise<void> {
    try {
      await eventually(what, arrived, timeoutMs);
    } catch (error) {
      const orm = await wharf.orm();
      const rows = await orm.em
        .fork()
        .find(
          WebhookDelivery,
          { instance: { $in: instances.map((i) => i.id) }, status: { $ne: 'succeeded' } },
          { fields: ['status', 'attempts', 'nextAttemptAt'] },
        );
      const byState = new Map<string, number>();
      for (const row of rows) {
        const key = `${row.status}/attempts=${row.attempts}`;
        byState.set(key, (byState.get(key) ?? 0) + 1);
      }
      throw new Error(
        `${(error as Error).message}; rows not succeeded: ${JSON.stringify(Object.fromEntries(byState))}`,
      );
    }
  }

  async function expectAllSucceeded(instances: InstanceFixture[]) {
    const orm = await wharf.orm();
    const ids = instances.map((i) => i.id);
    await eventually(
      'every delivery row to be succeeded',
      async () =>
        (await orm.em
          .fork()
          .count(WebhookDelivery, { instance: { $in: ids }, status: 'succeeded' })) === BURST,
      60_000,
    );
  }

  it('delivers every event of a burst through connection refused, then 500s, then recovery', async () => {
    const { hook, instances, secrets } = await setup('outage');
    await hook.stop(); // connection refused
    const started = Date.now();
    const ids = await publishEvents(wharf, {
      instances,
      count: BURST,
      concurrency: 25,
      expectedDeliveries: BURST,
    }).done;
    const published = Date.now();
    expect(new Set(ids).size).toBe(BURST);
    await new Promise((r) => setTimeout(r, 1500));
    const orm = await wharf.orm();
    expect(
      await orm.em.fork().count(WebhookDelivery, { eventId: { $in: ids }, status: 'failed' }),
    ).toBeGreaterThan(0);

    hook.reply = () => ({ status: 500 });
    await hook.start();
    await new Promise((r) => setTimeout(r, 2000));
    const failing = hook.requests.length;
    expect(failing).toBeGreaterThan(0);
    const upAt = Date.now();
    hook.reply = () => ({ status: 200 });

    const okAfter = (r: { at: number }) => r.at >= upAt;
    await untilAllArrive(
      'every event id to arrive',
      instances,
      () => delivered(hook, okAfter).counts.size === BURST,
    );
    const done = Date.now();
    const { counts, duplicates } = delivered(hook, okAfter);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expectStableIds(hook);
    // Spot-check signatures and the Authorization header on the successful copies.
    for (const r of hook.requests.filter(okAfter).slice(0, 50)) {
      expect(verifyDelivery(secrets.get(r.path)!, r)).toEqual(r.json);
      expect(r.headers.authorization).toBe(`Bearer ${r.path.slice(1)}`);
    }
    await expectAllSucceeded(instances);
    figures.push(
      `outage: ${BURST} events published in ${published - started} ms; ${failing} requests answered 500; all ${BURST} delivered ${done - upAt} ms after recovery; ${hook.requests.length} requests in total; ${duplicates} duplicate successful deliveries`,
    );
  });

  it('delivers every event of a burst after Wharf is SIGKILLed mid-burst and restarted', async () => {
    const { hook, instances } = await setup('crash');
    hook.reply = () => ({ status: 200, delayMs: 5 });
    const started = Date.now();
    const publisher = publishEvents(wharf, {
      instances,
      count: BURST,
      concurrency: 10,
      expectedDeliveries: BURST,
    });
    await eventually('the burst to be under way', () => hook.requests.length >= 150, 120_000);
    await wharf.kill();
    const receivedBeforeKill = hook.requests.length;
    const ids = await publisher.done;
    await restart();
    await untilAllArrive('every event id to arrive', instances, () => hook.ids().size === BURST);
    const done = Date.now();
    expect([...hook.ids().keys()].sort()).toEqual([...ids].sort());
    expectStableIds(hook);
    await expectAllSucceeded(instances);
    const duplicates = hook.requests.length - BURST;
    figures.push(
      `SIGKILL: ${receivedBeforeKill} received before the kill; all ${BURST} delivered ${done - started} ms after the burst began; ${duplicates} duplicates (requests in flight at the kill)`,
    );
  });

  it('delivers every event of a burst after a Redis FLUSHALL mid-burst (periodic sweep)', async () => {
    const { hook, instances } = await setup('flush');
    hook.reply = () => ({ status: 200, delayMs: 5 });
    const started = Date.now();
    const publisher = publishEvents(wharf, {
      instances,
      count: BURST,
      concurrency: 10,
      expectedDeliveries: BURST,
    });
    await eventually('the burst to be under way', () => hook.requests.length >= 150, 120_000);
    await redis.flushAll();
    const receivedBeforeFlush = hook.requests.length;
    const ids = await publisher.done;
    await untilAllArrive('every event id to arrive', instances, () => hook.ids().size === BURST);
    const done = Date.now();
    expect([...hook.ids().keys()].sort()).toEqual([...ids].sort());
    expectStableIds(hook);
    await expectAllSucceeded(instances);
    figures.push(
      `FLUSHALL: ${receivedBeforeFlush} received before the flush; all ${BURST} delivered ${done - started} ms after the burst began; ${hook.requests.length - BURST} duplicates`,
    );
  });

  it('delivers events whose publishing process died between the event log and the deliveries', async () => {
    const { hook, instances } = await setup('orphan');
    hook.reply = () => ({ status: 200, delayMs: 5 });
    const publisher = publishEvents(wharf, {
      instances,
      count: BURST,
      concurrency: 25,
      expectedDeliveries: BURST,
    });
    const exited = publisher.done.catch(() => 'killed');
    await eventually('the burst to be under way', () => hook.requests.length >= 100, 120_000);
    publisher.child.kill('SIGKILL');
    expect(await exited).toBe('killed');
    const orm = await wharf.orm();
    const em = orm.em.fork();
    const ids = (await em.find(EventLog, { instance: { $in: instances.map((i) => i.id) } })).map(
      (e) => e.id,
    );
    const orphans = ids.length - (await em.count(WebhookDelivery, { eventId: { $in: ids } }));
    const killedAt = Date.now();
    await untilAllArrive(
      'every stored event to arrive',
      instances,
      () => hook.ids().size === ids.length,
    );
    expect([...hook.ids().keys()].sort()).toEqual([...ids].sort());
    expectStableIds(hook);
    figures.push(
      `publisher killed: ${ids.length} events stored, ${orphans} of them without deliveries at the kill; all delivered ${Date.now() - killedAt} ms later`,
    );
  });

  it('re-queues a delivery whose job Redis kept only as a fragment (data lost between pop and lock)', async () => {
    // The race behind a lost FLUSHALL delivery: a worker pops a job id, Redis loses its data,
    // then Bull's moveToActive recreates the job hash with nothing but `processedOn`. That hash
    // is in no list and blocks a new add of the same job id. Reproduced here deterministically.
    const { hook, instances } = await setup('fragment');
    hook.reply = () => ({ status: 200, delayMs: 5 });
    await wharf.kill();
    const count = 6;
    const ids = await publishEvents(wharf, { instances, count, expectedDeliveries: count }).done;
    const orm = await wharf.orm();
    const rows = await orm.em
      .fork()
      .find(WebhookDelivery, { eventId: { $in: ids } }, { fields: ['id', 'attempts', 'status'] });
    expect(rows).toHaveLength(count);
    const queueKey = `${wharf.redisPrefix}bull:webhook-delivery`;
    for (const row of rows) {
      expect([row.status, row.attempts]).toEqual(['pending', 0]);
      const jobId = `${row.id}.1`;
      expect(await redis.command('LREM', `${queueKey}:wait`, '0', jobId)).toContain('1');
      await redis.command('DEL', `${queueKey}:${jobId}`);
      await redis.command('HSET', `${queueKey}:${jobId}`, 'processedOn', String(Date.now()));
    }
    await restart();
    await untilAllArrive(
      'every fragment-blocked event to arrive',
      instances,
      () => ids.every((id) => hook.ids().has(id)),
      60_000,
    );
    expect(hook.ids().size).toBe(count);
    for (const row of rows) {
      expect(await redis.command('HEXISTS', `${queueKey}:${row.id}.1`, 'processedOn')).toContain(
        '0',
      );
    }
  });

  it('re-queues on start-up what Redis lost while Wharf was down (SIGKILL + FLUSHALL + restart)', async () => {
    const { hook, instances } = await setup('cold');
    hook.reply = () => ({ status: 200, delayMs: 5 });
    const publisher = publishEvents(wharf, {
      instances,
      count: BURST,
      concurrency: 10,
      expectedDeliveries: BURST,
    });
    await eventually('the burst to be under way', () => hook.requests.length >= 100, 120_000);
    await wharf.kill();
    const ids = await publisher.done;
    await redis.flushAll();
    const received = hook.requests.length;
    // A long sweep interval: only the start-up sweep can bring the lost jobs back.
    const restartedAt = Date.now();
    await restart({ WEBHOOK_SWEEP_INTERVAL_MS: '3600000' });
    await untilAllArrive('every event id to arrive', instances, () => hook.ids().size === BURST);
    expect([...hook.ids().keys()].sort()).toEqual([...ids].sort());
    expectStableIds(hook);
    await expectAllSucceeded(instances);
    figures.push(
      `cold start: ${received} received before the kill; the start-up sweep re-queued the rest; all ${BURST} delivered ${Date.now() - restartedAt} ms after restart; ${hook.requests.length - BURST} duplicates`,
    );
  });
});
