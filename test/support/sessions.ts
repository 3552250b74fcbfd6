/** Helpers for session e2e tests: Wharf in sandbox mode, state polling, the event log. */
import { EventLog } from '@wharf/modules/events/entities/event-log.entity';
import { type Sandbox, startSandbox } from '@wharf/sandbox';
import pino from 'pino';

import { createAccount, createInstance } from './fixtures';
import { Api } from './http';
import { waitUntil } from './wait';
import { startWharf, type WharfHandle } from './wharf';

export { Sandbox };

/** Starts the sandbox on free ports (short call timeout for tests). */
export function startTestSandbox(): Promise<Sandbox> {
  const logFile = process.env.WHARF_TEST_SANDBOX_LOG;
  return startSandbox({
    port: 0,
    controlPort: 0,
    callTimeoutMs: 10_000,
    // WHARF_TEST_SANDBOX_LOG=/tmp/sandbox.log: the sandbox's debug log, to read a failed run.
    logger: logFile ? pino({ level: 'debug' }, pino.destination({ dest: logFile, append: true })) : undefined,
  });
}

/** Environment that points Wharf at `sandbox` with fast reconnects and a short lease. */
export function sandboxEnv(
  sandbox: Sandbox,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    WA_SANDBOX_URL: sandbox.wsUrl,
    SESSION_RECONNECT_BASE_DELAY_MS: '200',
    SESSION_RECONNECT_MAX_DELAY_MS: '2000',
    SESSION_LEASE_TTL_MS: '3000',
    ...extra,
  };
}

/** The instance's item from `GET /api/instance/list`. */
export async function instanceItem(api: Api, token: string, name: string): Promise<any> {
  const res = await api.get(`/api/instance/list?instanceName=${encodeURIComponent(name)}`, {
    token,
  });
  return res.body.instances?.[0];
}

/** Waits until the instance reports `state`. */
export async function waitForState(
  api: Api,
  token: string,
  name: string,
  state: string,
  timeoutMs = 20_000,
): Promise<any> {
  return waitUntil(
    `${name} to be ${state}`,
    async () => {
      const item = await instanceItem(api, token, name);
      return item?.status === state ? item : undefined;
    },
    timeoutMs,
  );
}

/** `instance.state` events of an instance, oldest first, as `state/reason`. */
export async function stateEvents(wharf: WharfHandle, instanceId: string): Promise<string[]> {
  const orm = await wharf.orm();
  const rows = await orm.em
    .fork()
    .find(EventLog, { instance: instanceId, event: 'instance.state' }, { orderBy: { id: 'asc' } });
  return rows.map((row) => `${String(row.data.state)}/${String(row.data.reason)}`);
}

/**
 * How many `instance.state` events the instance has once the last one is `last` (default
 * `connected/connected`). The state row is written before its event, so a test that saw the
 * status change must wait for the event too before counting where "after" begins.
 */
export async function settledStateCount(
  wharf: WharfHandle,
  instanceId: string,
  last = 'connected/connected',
): Promise<number> {
  const count = await waitUntil(`the last state event of ${instanceId} to be ${last}`, async () => {
    const states = await stateEvents(wharf, instanceId);
    return states.at(-1) === last ? states.length : 0;
  });
  return count;
}

/** All events of an instance, oldest first. */
export async function allEvents(wharf: WharfHandle, instanceId: string): Promise<EventLog[]> {
  const orm = await wharf.orm();
  return orm.em.fork().find(EventLog, { instance: instanceId }, { orderBy: { id: 'asc' } });
}

/** Connects `name` by QR with the sandbox phone `number`; returns the connected list item. */
export async function linkByQr(
  api: Api,
  sandbox: Sandbox,
  token: string,
  name: string,
  number: string,
): Promise<any> {
  const connect = await api.get(`/api/instance/connect/${encodeURIComponent(name)}`, { token });
  if (connect.status !== 200 || !connect.body.qrCode)
    throw new Error(`connect failed: ${connect.status} ${connect.text}`);
  await sandbox.link(number, connect.body.qrCode);
  return waitForState(api, token, name, 'connected');
}

/** A Wharf in sandbox mode with one instance linked to a sandbox phone (messaging tests). */
export interface LinkedInstance {
  sandbox: Sandbox;
  wharf: WharfHandle;
  api: Api;
  /** The account's TokenAccount. */
  ta: string;
  instanceId: string;
  /** The instance's own number JID. */
  ownJid: string;
  close(): Promise<void>;
}

/**
 * Starts the sandbox and Wharf, creates an account and instance `name` (with `instanceOptions`),
 * creates the phones `peers` and links the instance to a new phone `ownNumber`; `env` adds to
 * Wharf's environment (e.g. `ALLOW_PRIVATE_TARGETS`).
 */
export async function startLinkedInstance(
  name: string,
  ownNumber: string,
  peers: Array<{ number: string; name: string }>,
  instanceOptions: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<LinkedInstance> {
  const sandbox = await startTestSandbox();
  const wharf = await startWharf({ env: sandboxEnv(sandbox, env) });
  const api = new Api(wharf.url);
  const ta = (await createAccount(wharf)).token;
  const instanceId = (await createInstance(wharf, ta, name, instanceOptions)).id;
  sandbox.createPhone(ownNumber, name);
  for (const peer of peers) sandbox.createPhone(peer.number, peer.name);
  const ownJid = (await linkByQr(api, sandbox, ta, name, ownNumber)).numberJid as string;
  return {
    sandbox,
    wharf,
    api,
    ta,
    instanceId,
    ownJid,
    close: async () => {
      await wharf.close();
      await sandbox.close();
    },
  };
}
