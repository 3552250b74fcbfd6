import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';

import { isPrivateAddress } from '@wharf/common/http/url-guard';
import { EventLog } from '@wharf/modules/events/entities/event-log.entity';
import { Webhook } from '@wharf/modules/webhook/entities/webhook.entity';
import { WebhookDelivery } from '@wharf/modules/webhook/entities/webhook-delivery.entity';

import { createAccount, createInstance, InstanceFixture } from '../support/fixtures';
import { Api } from '../support/http';
import { Sandbox, sandboxEnv, startTestSandbox } from '../support/sessions';
import { startWharf, WharfHandle } from '../support/wharf';
import {
  eventually,
  publishEvents,
  Receiver,
  startReceiver,
  verifyDelivery,
} from './webhook-helpers';

const SCHEDULE = [200, 400, 800];

describe('webhook delivery (D6, D7)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    wharf = await startWharf({
      env: sandboxEnv(sandbox, {
        ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: SCHEDULE.join(','),
        WEBHOOK_SWEEP_INTERVAL_MS: '1000',
        WEBHOOK_JOB_LOCK_MS: '3000',
        PUBLIC_URL: 'https://wharf.example.com',
      }),
    });
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.stop();
    await wharf.close();
    await sandbox.close();
  });

  async function receiver(): Promise<Receiver> {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  async function setWebhook(instance: InstanceFixture, body: Record<string, unknown>) {
    const res = await api.post(`/api/events/webhook/${instance.name}`, {
      token: instance.token,
      body,
    });
    if (res.status !== 200) throw new Error(`webhook not set: ${res.status} ${res.text}`);
    return res.body.webhook;
  }

  /** Publishes `count` events of `event` through EventsService.publish; returns their ids. */
  async function publish(
    instance: InstanceFixture,
    count: number,
    event = 'call.update',
    expectedDeliveries = count,
  ) {
    return publishEvents(wharf, {
      instances: [{ id: instance.id, name: instance.name }],
      count,
      event,
      expectedDeliveries,
    }).done;
  }

  async function deliveries(instance: InstanceFixture, query = ''): Promise<any[]> {
    const res = await api.get(`/api/events/deliveries/${instance.name}${query}`, {
      token: instance.token,
    });
    if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${res.text}`);
    return res.body.deliveries;
  }

  it('delivers instance.state of a real connect: D7 envelope, D6 headers, Standard Webhooks signature, Authorization', async () => {
    const hook = await receiver();
    const sales = await createInstance(wharf, ta, 'sales');
    const webhook = await setWebhook(sales, {
      url: `${hook.url}/wh?tenant=7`,
      authorization: 'Bearer svc-token-xyz',
      events: ['instance.state'],
    });
    const connect = await api.get('/api/instance/connect/sales', { token: sales.token });
    expect(connect.status).toBe(200);

    const request = await eventually('an instance.state delivery', () => hook.requests[0]);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/wh?tenant=7');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^Wharf\/\d+\.\d+\.\d+/);
    expect(request.headers.authorization).toBe('Bearer svc-token-xyz');
    expect(request.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(
      30,
    );
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verifyDelivery(webhook.secret, request)).toEqual(request.json);

    const orm = await wharf.orm();
    const log = await orm.em.fork().findOneOrFail(EventLog, request.headers['webhook-id']);
    expect(request.json).toEqual({
      event: 'instance.state',
      eventId: log.id,
      data: log.data,
      instanceData: { baseUrl: 'https://wharf.example.com', instance: 'sales' },
    });
    expect(request.json.data.instance).toBe('sales');
    // No top-level id or timestamp (D7).
    expect(Object.keys(request.json).sort()).toEqual(['data', 'event', 'eventId', 'instanceData']);
  });

  it('applies event filters, byEvents URLs (query kept) and omits Authorization when not set', async () => {
    const all = await receiver();
    const calls = await receiver();
    const states = await receiver();
    const shop = await createInstance(wharf, ta, 'shop');
    await setWebhook(shop, { label: 'all', url: `${all.url}/all` });
    await setWebhook(shop, {
      label: 'calls',
      url: `${calls.url}/hooks?k=v`,
      byEvents: true,
      events: ['call.update'],
    });
    await setWebhook(shop, { label: 'states', url: states.url, events: ['instance.state'] });

    const orm = await wharf.orm();
    const configuredAt = async () =>
      (await orm.em.fork().find(Webhook, { instance: shop.id }, { orderBy: { label: 'asc' } })).map(
        (w) => w.updatedAt.toISOString(),
      );
    const before = await configuredAt();
    const ids = await publish(shop, 3, 'call.update', 6);
    await eventually(
      'all and calls to receive 3 each',
      () => all.requests.length === 3 && calls.requests.length === 3,
    );
    expect([...calls.ids().keys()].sort()).toEqual([...ids].sort());
    expect(calls.requests.map((r) => r.path)).toEqual(Array(3).fill('/hooks/call.update?k=v'));
    expect(all.requests.map((r) => r.path)).toEqual(Array(3).fill('/all'));
    expect(all.requests[0].headers.authorization).toBeUndefined();
    expect(all.requests[0].json.event).toBe('call.update');
    // The instance.state-only webhook got nothing, and no delivery row exists for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(states.requests).toHaveLength(0);
    const rows = await deliveries(shop);
    expect(rows.map((d) => d.label).sort()).toEqual([
      'all',
      'all',
      'all',
      'calls',
      'calls',
      'calls',
    ]);
    expect(rows.every((d) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
    // Dispatching and delivering never write to the webhook rows (their updatedAt bounds the
    // sweeper's catch-up of events without deliveries).
    expect(await configuredAt()).toEqual(before);
  });

  it('signs with both secrets after a rotation; both verify with standardwebhooks', async () => {
    const hook = await receiver();
    const rot = await createInstance(wharf, ta, 'rot');
    const before = await setWebhook(rot, { url: hook.url });
    const rotated = await api.post('/api/events/webhook/rot/rotateSecret', { token: rot.token });
    expect(rotated.status).toBe(200);
    const after = rotated.body.webhook.secret as string;

    await publish(rot, 1);
    const request = await eventually('a delivery', () => hook.requests[0]);
    const signatures = request.headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s))).toBe(true);
    expect(verifyDelivery(after, request)).toEqual(request.json);
    expect(verifyDelivery(before.secret, request)).toEqual(request.json);
    expect(() =>
      verifyDelivery(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, request),
    ).toThrow();
  });

  it('does not follow a 3xx: the redirect target gets nothing and the delivery ends dead', async () => {
    const target = await receiver();
    const hook = await receiver();
    hook.reply = () => ({ status: 302, headers: { location: `${target.url}/elsewhere` } });
    const redir = await createInstance(wharf, ta, 'redir');
    await setWebhook(redir, { url: hook.url });
    const [eventId] = await publish(redir, 1);

    const dead = await eventually('the delivery to be dead', async () => {
      const [row] = await deliveries(redir, '?status=dead');
      return row;
    });
    expect(hook.requests).toHaveLength(SCHEDULE.length + 1);
    expect(target.requests).toHaveLength(0);
    expect(dead).toMatchObject({
      eventId,
      status: 'dead',
      attempts: 4,
      lastStatusCode: 302,
      lastError: 'HTTP 302: redirects are not followed',
      nextAttemptAt: null,
    });
    // Every retry carries the same webhook-id (the event id).
    expect(new Set(hook.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(dead.history).toHaveLength(4);
    expect(dead.history.slice(0, 3).every((a: any) => a.nextAttemptAt !== null)).toBe(true);
    // The gaps follow the schedule (±20 % jitter, plus processing time).
    const gaps = hook.requests.slice(1).map((r, i) => r.at - hook.requests[i].at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(SCHEDULE[i] * 0.8 - 20));
  });

  it('disables the webhook on 410 Gone and sends it nothing further', async () => {
    const hook = await receiver();
    hook.reply = () => ({ status: 410 });
    const gone = await createInstance(wharf, ta, 'gone');
    const webhook = await setWebhook(gone, { url: hook.url, authorization: 'Bearer g' });
    await publish(gone, 1);
    await eventually('the 410 to disable the webhook', async () => {
      const res = await api.get('/api/events/getWebhook/gone?label=', { token: gone.token });
      return res.body.webhook.enabled === false;
    });
    const read = await api.get('/api/events/getWebhook/gone?label=', { token: gone.token });
    expect(read.body.webhook).toEqual({
      label: 'default',
      enabled: false,
      url: null,
      authorization: null,
      byEvents: false,
      events: [],
      mediaBase64: false,
      secret: webhook.secret,
    });
    const [row] = await deliveries(gone);
    expect(row).toMatchObject({ status: 'dead', attempts: 1, lastStatusCode: 410 });

    await publish(gone, 2, 'call.update', 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(hook.requests).toHaveLength(1);
    expect(await deliveries(gone)).toHaveLength(1);
  });

  it('waits at least Retry-After on 429 (and 503) before retrying', async () => {
    const hook = await receiver();
    let calls = 0;
    hook.reply = () => {
      calls += 1;
      if (calls === 1) return { status: 429, headers: { 'retry-after': '2' } };
      if (calls === 2) return { status: 503, headers: { 'retry-after': '1' } };
      return { status: 204 };
    };
    const busy = await createInstance(wharf, ta, 'busy');
    await setWebhook(busy, { url: hook.url });
    await publish(busy, 1);
    await eventually('three attempts', () => hook.requests.length === 3, 20_000);
    const [first, second, third] = hook.requests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(2_000);
    expect(third.at - second.at).toBeGreaterThanOrEqual(1_000);
    const [row] = await eventually('success', async () =>
      (await deliveries(busy, '?status=succeeded')).length ? deliveries(busy) : undefined,
    );
    expect(row).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 204 });
    expect(row.history.map((a: any) => a.statusCode)).toEqual([429, 503, 204]);
    expect(row.history[0].error).toBe('HTTP 429');
    expect(typeof row.history[0].durationMs).toBe('number');
  });

  it('lists deliveries with filters and cursor pagination, and replays dead ones', async () => {
    const hook = await receiver();
    hook.reply = () => ({ status: 500 });
    const ops = await createInstance(wharf, ta, 'ops');
    await setWebhook(ops, { label: 'main', url: hook.url });
    await setWebhook(ops, { label: 'states', url: `${hook.url}/s`, events: ['instance.state'] });
    const callIds = await publish(ops, 5, 'call.update', 5);
    const labelIds = await publish(ops, 2, 'label.update', 2);
    const stateIds = await publish(ops, 1, 'instance.state', 2);
    const dead = await eventually(
      'every delivery to be dead',
      async () => {
        const rows = await deliveries(ops, '?status=dead&limit=500');
        return rows.length === 9 ? rows : undefined;
      },
      20_000,
    );
    expect(dead.every((d) => d.attempts === 4 && d.lastError === 'HTTP 500')).toBe(true);

    // Filters.
    expect((await deliveries(ops, '?event=call.update')).map((d) => d.eventId).sort()).toEqual(
      [...callIds].sort(),
    );
    expect((await deliveries(ops, '?label=states')).map((d) => d.eventId)).toEqual(stateIds);
    expect(await deliveries(ops, '?status=succeeded')).toEqual([]);
    expect(await deliveries(ops, '?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z')).toEqual([]);
    expect(
      await deliveries(ops, `?from=${new Date(Date.now() - 600_000).toISOString()}`),
    ).toHaveLength(9);

    // Cursor pagination: newest first, no overlap, nothing missing.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await api.get(
        `/api/events/deliveries/ops?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        { token: ta },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.deliveries.map((d: any) => d.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(9);

    // Replay by id, then every dead one, once the receiver is back.
    hook.reply = () => ({ status: 200 });
    const one = dead.find((d) => d.eventId === labelIds[0]);
    const byId = await api.post('/api/events/deliveries/ops/retry', {
      token: ops.token,
      body: { ids: [one.id, '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f'] },
    });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({
      success: true,
      message: '1 Delivery queued for retry',
      ids: [one.id],
    });
    await eventually(
      'the replayed delivery to succeed',
      async () => (await deliveries(ops, '?status=succeeded')).length === 1,
    );
    const all = await api.post('/api/events/deliveries/ops/retry', {
      token: ta,
      body: { status: 'dead' },
    });
    expect(all.body.message).toBe('8 Deliveries queued for retry');
    await eventually(
      'every delivery to succeed',
      async () => (await deliveries(ops, '?status=succeeded&limit=500')).length === 9,
    );
    const replayed = (await deliveries(ops)).find((d) => d.id === one.id);
    expect(replayed.attempts).toBe(5);
    expect(replayed.history.map((a: any) => a.statusCode)).toEqual([500, 500, 500, 500, 200]);
    const received = hook.ids();
    for (const id of [...callIds, ...labelIds]) expect(received.get(id)).toBe(5);
  });

  it('exposes delivery, queue and session metrics on /metrics and the queue worker on /health/ready (D18)', async () => {
    const res = await api.get('/metrics', { token: wharf.adminToken });
    expect(res.status).toBe(200);
    const value = (series: string) => {
      const line = res.text.split('\n').find((l: string) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    // Earlier tests in this file delivered events and ended deliveries dead (3xx, 410).
    expect(value('wharf_webhook_attempts_total{outcome="succeeded"}')).toBeGreaterThan(0);
    expect(value('wharf_webhook_attempts_total{outcome="dead"}')).toBeGreaterThan(0);
    expect(value('wharf_webhook_attempts_total{outcome="failed"}')).toBeGreaterThan(0);
    expect(value('wharf_webhook_delivery_lag_seconds_count')).toBe(
      value('wharf_webhook_attempts_total{outcome="succeeded"}'),
    );
    expect(value('wharf_webhook_attempt_duration_seconds_count')).toBeGreaterThan(0);
    expect(
      value('wharf_queue_jobs{queue="webhook-delivery",state="waiting"}'),
    ).toBeGreaterThanOrEqual(0);
    expect(value('wharf_queue_jobs{queue="outbound",state="active"}')).toBeGreaterThanOrEqual(0);
    // `sales` was connected to the sandbox by the first test and waits for its QR to be scanned.
    expect(res.text).toMatch(/^wharf_sessions\{state="[a-z_]+"\} [1-9]/m);
    const ready = await api.get('/health/ready');
    expect(ready.body.details.queues).toEqual({ status: 'up' });
  });

  it('removes deliveries with their instance', async () => {
    const hook = await receiver();
    const temp = await createInstance(wharf, ta, 'temp');
    await setWebhook(temp, { url: hook.url });
    await publish(temp, 2);
    await eventually('2 deliveries', () => hook.requests.length === 2);
    const del = await api.delete('/api/instance/delete/temp', { token: ta });
    expect(del.status).toBe(200);
    const orm = await wharf.orm();
    expect(await orm.em.fork().count(WebhookDelivery, { instance: temp.id })).toBe(0);
  });

  it('refuses a host name that resolves to loopback at connect time without ALLOW_PRIVATE_TARGETS (D12)', async () => {
    // The machine's host name passes the configuration check (it is not an IP literal nor
    // localhost) but resolves to a loopback or private address: only the connect-time check stops it.
    const host = hostname();
    const { address } = await lookup(host);
    expect(isPrivateAddress(address)).toBe(true);
    const strict = await startWharf({ env: { WEBHOOK_RETRY_SCHEDULE_MS: '100' } });
    try {
      const hook = await receiver();
      const strictApi = new Api(strict.url);
      const account = (await createAccount(strict)).token;
      const inst = await createInstance(strict, account, 'strict');
      const res = await strictApi.post('/api/events/webhook/strict', {
        token: inst.token,
        body: { url: `http://${host}:${hook.port}/wh` },
      });
      expect(res.status).toBe(200);
      await publishEvents(strict, {
        instances: [{ id: inst.id, name: inst.name }],
        count: 1,
        expectedDeliveries: 1,
      }).done;
      const row = await eventually('the delivery to be dead', async () => {
        const list = await strictApi.get('/api/events/deliveries/strict?status=dead', {
          token: inst.token,
        });
        return list.body.deliveries?.[0];
      });
      expect(row.attempts).toBe(2);
      expect(row.lastStatusCode).toBeNull();
      expect(row.lastError).toContain(
        `Refusing to connect to ${host}: it resolves to a private or loopback address`,
      );
      expect(hook.requests).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });
});
