/**
 * Writes the "upgrade keeps users' data" fixtures, test/fixtures/upgrade-0.1.0/<dialect>/, with
 * the Wharf that is built in dist/ (run `npm run build` first) — the fixtures must be made by the
 * version they stand for (0.1.0). For each dialect (both unless named on the command line) it runs
 * Wharf against the sandbox on a throwaway database, in two phases:
 *
 * 1. under a first encryption key: two accounts (one with an instanceLimit, one whose token is
 *    rotated), an instance with a custom token, a proxy with username/password and non-default
 *    settings, an instance with an S3 config, a WebSocket config and a webhook;
 * 2. after a key rotation (the first key moved to ENCRYPTION_KEYS_PREVIOUS): an instance LINKED
 *    by QR to a sandbox phone with two webhooks (secrets, authorization) that receive its events
 *    on a local receiver, texts and a location sent, two texts received, a read receipt; an
 *    instance whose token is rotated; the second instance of the limited account (quota full).
 *
 * Then it stops Wharf with SIGTERM, saves the sandbox state, and writes `wharf.sqlite.gz` (the WAL
 * checkpointed into the single file, gzipped) or `dump.sql.gz` (`pg_dump --no-owner
 * --no-privileges`, gzipped), `sandbox-state.json` and `manifest.json` (every token, key and
 * secret in clear).
 *
 * Usage: npx ts-node -P tsconfig.scripts.json -r tsconfig-paths/register \
 *          scripts/make-upgrade-fixtures.ts [sqlite] [postgresql]
 * Needs Redis (REDIS_URL of the tests), PostgreSQL (WHARF_TEST_PG_URL) and pg_dump on PATH.
 */
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { MikroORM } from '@mikro-orm/core';
import type { DatabaseDialect } from '@wharf/config';
import { buildOrmOptions } from '@wharf/database/mikro-orm.config';
import { type Sandbox, startSandbox } from '@wharf/sandbox';
import Redis from 'ioredis';

import { createAccount, createInstance } from '../test/support/fixtures';
import { Api, type ApiResponse } from '../test/support/http';
import { linkByQr, sandboxEnv } from '../test/support/sessions';
import {
  FIXTURE_FILES,
  FIXTURE_WHARF_VERSION,
  type FixtureAccount,
  type FixtureDelivery,
  fixtureDir,
  type FixtureInstance,
  type FixtureMessage,
  run,
  type UpgradeManifest,
} from '../test/support/upgrade-fixture';
import { waitUntil } from '../test/support/wait';
import { REDIS_URL, startWharf, type WharfHandle } from '../test/support/wharf';
import { type Receiver, startReceiver } from '../test/webhook/webhook-helpers';
import { createThrowawayDatabase, type ThrowawayDatabase } from './db-tools';

const COMMAND =
  'npm run build && npx ts-node -P tsconfig.scripts.json -r tsconfig-paths/register scripts/make-upgrade-fixtures.ts';
/** The phone the linked instance is a companion of, and the phone it talks to. */
const OWN = { number: '5511955500100', name: 'Fixture Shop' };
const PEER = { number: '5511955500101', name: 'Paula Peer' };

const secret = (label: string) => `${label}-${randomBytes(12).toString('base64url')}`;

/** Throws with the response when its status is not `status`. */
function expectStatus(what: string, res: ApiResponse, status = 200): ApiResponse {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res;
}

/** What the run collects for the manifest while Wharf runs. */
interface Collected {
  accounts: FixtureAccount[];
  instances: Map<string, Omit<FixtureInstance, 'settings' | 'summary' | 'webhooks'>>;
  messageIds: string[];
}

/** Phase 1, under the key that is retired later: accounts and unlinked instances. */
async function phaseOne(wharf: WharfHandle, collected: Collected): Promise<void> {
  const api = new Api(wharf.url);
  const admin = { token: wharf.adminToken };
  const operator = await createAccount(wharf, 'Operator One');
  const rotated = expectStatus(
    'rotate account token',
    await api.post(`/api/admin/accounts/${operator.id}/rotateToken`, admin),
  );
  collected.accounts.push({
    id: operator.id,
    name: 'Operator One',
    instanceLimit: null,
    token: rotated.body.account.token,
    revokedTokens: [operator.token],
  });
  const limited = await createAccount(wharf, 'Limited Two', 2);
  collected.accounts.push({ ...limited, name: 'Limited Two', instanceLimit: 2, revokedTokens: [] });
  const operatorToken = collected.accounts[0].token;

  const customToken = secret('custom-instance-token');
  const proxied = await createInstance(wharf, operatorToken, 'legacy-proxy', {
    token: customToken,
  });
  const proxyPassword = secret('proxy-password');
  expectStatus(
    'proxy',
    await api.post('/api/instance/proxy/legacy-proxy', {
      token: proxied.token,
      body: {
        enabled: true,
        host: 'proxy.fixture.example',
        port: '3128',
        protocol: 'http',
        username: 'fixture-proxy-user',
        password: proxyPassword,
      },
    }),
  );
  expectStatus(
    'settings of legacy-proxy',
    await api.post('/api/instance/settings/legacy-proxy', {
      token: proxied.token,
      body: { sendRatePerMinute: 30, ignoreGroupMessages: true, autoReadMessages: true },
    }),
  );
  collected.instances.set(proxied.name, {
    ...proxied,
    accountId: operator.id,
    revokedTokens: [],
    createdUnderKey: 'previous',
    proxyPassword,
    s3SecretKey: null,
  });

  const stored = await createInstance(wharf, limited.token, 'legacy-s3');
  const s3SecretKey = secret('s3-secret-key');
  expectStatus(
    's3',
    await api.post('/api/instance/s3/legacy-s3', {
      token: stored.token,
      body: {
        enabled: true,
        region: 'eu-west-1',
        bucket: 'wharf-fixture-media',
        accessKey: 'AKIAFIXTURE0EXAMPLE',
        secretKey: s3SecretKey,
        endpoint: 'https://s3.fixture.example',
        pathPrefix: 'wharf/legacy/',
      },
    }),
  );
  expectStatus(
    'settings of legacy-s3',
    await api.post('/api/instance/settings/legacy-s3', {
      token: stored.token,
      body: {
        autoRejectCalls: true,
        callRejectMessage: 'We do not take calls on this number.',
        disableHistorySync: false,
        ignoreStatus: true,
      },
    }),
  );
  expectStatus(
    'websocket of legacy-s3',
    await api.post('/api/events/websocket/legacy-s3', {
      token: stored.token,
      body: { enabled: true, events: ['message.exchange', 'instance.state'], mediaBase64: true },
    }),
  );
  expectStatus(
    'webhook of legacy-s3',
    await api.post('/api/events/webhook/legacy-s3', {
      token: stored.token,
      body: {
        label: 'crm',
        url: 'https://crm.fixture.example/hooks/wharf',
        authorization: `Bearer ${secret('crm-token')}`,
        events: ['message.exchange', 'message.status'],
      },
    }),
  );
  collected.instances.set(stored.name, {
    ...stored,
    accountId: limited.id,
    revokedTokens: [],
    createdUnderKey: 'previous',
    proxyPassword: null,
    s3SecretKey,
  });
}

/** Phase 2, after the key rotation: the linked instance, its traffic and webhooks. */
async function phaseTwo(
  wharf: WharfHandle,
  sandbox: Sandbox,
  receiver: Receiver,
  collected: Collected,
): Promise<void> {
  const api = new Api(wharf.url);
  const [operator, limited] = collected.accounts;
  const second = await createInstance(wharf, limited.token, 'limited-second');
  collected.instances.set(second.name, {
    ...second,
    accountId: limited.id,
    revokedTokens: [],
    createdUnderKey: 'current',
    proxyPassword: null,
    s3SecretKey: null,
  });
  const rotatedInstance = await createInstance(wharf, operator.token, 'rotated');
  const rotated = expectStatus(
    'rotate instance token',
    await api.post('/api/instance/rotateToken/rotated', { token: operator.token }),
  );
  collected.instances.set(rotatedInstance.name, {
    ...rotatedInstance,
    token: rotated.body.instance.token,
    accountId: operator.id,
    revokedTokens: [rotatedInstance.token],
    createdUnderKey: 'current',
    proxyPassword: null,
    s3SecretKey: null,
  });

  const linked = await createInstance(wharf, operator.token, 'linked');
  collected.instances.set(linked.name, {
    ...linked,
    accountId: operator.id,
    revokedTokens: [],
    createdUnderKey: 'current',
    proxyPassword: null,
    s3SecretKey: null,
  });
  expectStatus(
    'settings of linked',
    await api.post('/api/instance/settings/linked', {
      token: linked.token,
      body: {
        keepOnlineStatus: true,
        autoRejectCalls: true,
        callRejectMessage: 'Calls are not answered here, please write.',
      },
    }),
  );
  for (const body of [
    { url: `${receiver.url}/wh/linked?source=fixture`, authorization: `Bearer ${secret('wh')}` },
    {
      label: 'states',
      url: `${receiver.url}/wh/states`,
      byEvents: true,
      events: ['instance.state'],
    },
  ]) {
    expectStatus(
      'webhook of linked',
      await api.post('/api/events/webhook/linked', { token: linked.token, body }),
    );
  }

  await linkByQr(api, sandbox, operator.token, 'linked', OWN.number);
  const out = [
    expectStatus(
      'send text',
      await api.post('/api/message/text/linked', {
        token: linked.token,
        body: { number: PEER.number, text: 'Hello Paula, this is Wharf 0.1.0' },
      }),
    ).body.messageId as string,
    expectStatus(
      'send location',
      await api.post('/api/message/location/linked', {
        token: linked.token,
        body: {
          number: PEER.number,
          latitude: -23.5613,
          longitude: -46.6565,
          name: 'Head office',
          address: 'Av. Paulista, 1000',
        },
      }),
    ).body.messageId as string,
  ];
  await waitUntil('the phone to receive both sends', () => {
    const ids = sandbox.messages(PEER.number).messages.map((m) => m.id);
    return out.every((id) => ids.includes(id));
  });
  const incoming = [
    (
      await sandbox.sendMessage(PEER.number, {
        to: OWN.number,
        text: 'Hi Wharf, Paula here',
        replyTo: out[0],
      })
    ).messageId,
    (await sandbox.sendMessage(PEER.number, { to: OWN.number, text: 'A second message' }))
      .messageId,
  ];
  await waitUntil('message.exchange of both incoming messages on the webhook', () =>
    incoming.every((id) =>
      receiver.requests.some((r) => r.json?.event === 'message.exchange' && r.json.data.id === id),
    ),
  );
  await sandbox.read(PEER.number, OWN.number, [out[0]]);
  const statusOf = async (id: string) =>
    (await api.get(`/api/chat/status/linked?messageId=${id}`, { token: linked.token })).body
      .status as string;
  await waitUntil('the first send to be read', async () => (await statusOf(out[0])) === 'read');
  await waitUntil('the location to be delivered', async () =>
    ['delivered', 'read'].includes(await statusOf(out[1])),
  );
  collected.messageIds.push(...out, ...incoming);
  // every event delivered: no delivery pending or retrying, and no new one for a while
  let last = -1;
  await waitUntil(
    'every webhook delivery to succeed',
    async () => {
      const rows = await deliveriesOf(api, linked.token, 'linked');
      const settled = rows.length === last && rows.every((d) => d.status === 'succeeded');
      last = rows.length;
      return settled;
    },
    30_000,
    500,
  );
}

async function deliveriesOf(api: Api, token: string, instance: string): Promise<any[]> {
  const res = expectStatus(
    `deliveries of ${instance}`,
    await api.get(`/api/events/deliveries/${instance}?limit=500`, { token }),
  );
  return res.body.deliveries as any[];
}

/** Reads back, through the API, what the manifest records about instances and messages. */
async function describeData(
  wharf: WharfHandle,
  collected: Collected,
): Promise<Pick<UpgradeManifest, 'instances' | 'messages' | 'deliveries'>> {
  const api = new Api(wharf.url);
  const instances: FixtureInstance[] = [];
  const messages: FixtureMessage[] = [];
  const deliveries: FixtureDelivery[] = [];
  for (const instance of collected.instances.values()) {
    const account = collected.accounts.find((a) => a.id === instance.accountId) as FixtureAccount;
    const listed = expectStatus(
      `list ${instance.name}`,
      await api.get(`/api/instance/list?instanceName=${instance.name}`, { token: account.token }),
    ).body.instances[0];
    const settings = expectStatus(
      `settings of ${instance.name}`,
      await api.get(`/api/instance/getSettings/${instance.name}`, { token: instance.token }),
    ).body.settings;
    const webhooks = expectStatus(
      `webhooks of ${instance.name}`,
      await api.get(`/api/events/getWebhook/${instance.name}`, { token: instance.token }),
    ).body.webhooks;
    instances.push({
      ...instance,
      settings,
      summary: {
        proxy: listed.proxy,
        s3: listed.s3,
        websocket: listed.websocket,
        webhook: listed.webhook,
      },
      webhooks,
    });
    for (const row of await deliveriesOf(api, instance.token, instance.name)) {
      deliveries.push({
        instance: instance.name,
        id: row.id,
        label: row.label,
        event: row.event,
        status: row.status,
      });
    }
  }
  const linked = collected.instances.get('linked')!;
  for (const messageId of collected.messageIds) {
    const found = expectStatus(
      `message ${messageId}`,
      await api.get(`/api/chat/getMessage/linked?messageId=${messageId}`, { token: linked.token }),
    ).body;
    const status = expectStatus(
      `status of ${messageId}`,
      await api.get(`/api/chat/status/linked?messageId=${messageId}`, { token: linked.token }),
    ).body;
    messages.push({
      instance: 'linked',
      messageId,
      direction: status.direction === 'sent' ? 'outgoing' : 'incoming',
      data: found.data,
      status: status.status,
    });
  }
  return { instances, messages, deliveries };
}

/** Opens the stopped database; on SQLite folds the WAL into the file and compacts it. */
async function inspectStoppedDatabase(
  db: ThrowawayDatabase,
  linkedId: string,
): Promise<{ migrations: string[]; events: number; stateEventIds: string[] }> {
  const orm = await MikroORM.init(buildOrmOptions(db.config));
  try {
    const connection = orm.em.fork().getConnection();
    const migrations = (
      (await connection.execute('select name from mikro_orm_migrations order by id')) as {
        name: string;
      }[]
    ).map((row) => row.name);
    const events = Number(
      ((await connection.execute('select count(*) as n from event_log')) as { n: unknown }[])[0].n,
    );
    const stateEventIds = (
      (await connection.execute(
        `select id from event_log where instance_id = ? and event = 'instance.state' order by id`,
        [linkedId],
      )) as { id: string }[]
    ).map((row) => row.id);
    if (db.config.dialect === 'sqlite') {
      await connection.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      await connection.execute('PRAGMA journal_mode = DELETE');
      await connection.execute('VACUUM');
    }
    return { migrations, events, stateEventIds };
  } finally {
    await orm.close(true);
  }
}

/** Deletes the Redis keys of the run. */
async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function makeFixture(dialect: DatabaseDialect): Promise<void> {
  const started = Date.now();
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  if (version !== FIXTURE_WHARF_VERSION) {
    throw new Error(`the fixtures stand for Wharf ${FIXTURE_WHARF_VERSION}; this is ${version}`);
  }
  // 0.1.0 ran MikroORM 6 on Node 20; a tree already on the upgraded stack (docs/runtime.md)
  // would write fixtures of the new version under the old name.
  const orm = (
    JSON.parse(readFileSync('node_modules/@mikro-orm/core/package.json', 'utf8')) as {
      version: string;
    }
  ).version;
  if (!orm.startsWith('6.')) {
    throw new Error(
      `run this on a checkout of Wharf 0.1.0 (MikroORM 6); this tree has MikroORM ${orm}`,
    );
  }
  const retiredKey = randomBytes(32).toString('base64');
  const currentKey = randomBytes(32).toString('base64');
  const adminToken = `admin-${randomBytes(24).toString('base64url')}`;
  const prefix = `wharf-fixture:${randomBytes(6).toString('hex')}:`;
  const db = await createThrowawayDatabase(dialect, 'wharf_fixture');
  const sandbox = await startSandbox({ port: 0, controlPort: 0 });
  const receiver = await startReceiver();
  const collected: Collected = { accounts: [], instances: new Map(), messageIds: [] };
  try {
    sandbox.createPhone(OWN.number, OWN.name);
    sandbox.createPhone(PEER.number, PEER.name);
    const env = {
      ...sandboxEnv(sandbox),
      ADMIN_TOKEN: adminToken,
      REDIS_KEY_PREFIX: prefix,
      ALLOW_PRIVATE_TARGETS: 'true',
    };
    const first = await startWharf({ db, env: { ...env, ENCRYPTION_KEY: retiredKey } });
    try {
      await phaseOne(first, collected);
    } finally {
      await first.close();
    }
    const second = await startWharf({
      db,
      env: { ...env, ENCRYPTION_KEY: currentKey, ENCRYPTION_KEYS_PREVIOUS: retiredKey },
    });
    let described: Awaited<ReturnType<typeof describeData>>;
    try {
      await phaseTwo(second, sandbox, receiver, collected);
      described = await describeData(second, collected);
    } finally {
      await second.close();
    }
    // right after Wharf stopped: the phones are idle, nothing is in flight
    const state = await sandbox.exportState();
    const linked = collected.instances.get('linked')!;
    const stopped = await inspectStoppedDatabase(db, linked.id);
    const own = state.phones.find((phone) => phone.number === OWN.number)!;
    const manifest: UpgradeManifest = {
      fixture: `upgrade-${FIXTURE_WHARF_VERSION}`,
      wharfVersion: version,
      dialect,
      generatedAt: new Date().toISOString(),
      node: process.version,
      command: COMMAND,
      files: {
        database: FIXTURE_FILES.database[dialect],
        sandboxState: FIXTURE_FILES.sandboxState,
      },
      env: {
        ADMIN_TOKEN: adminToken,
        ENCRYPTION_KEY: currentKey,
        ENCRYPTION_KEYS_PREVIOUS: retiredKey,
      },
      migrations: stopped.migrations,
      accounts: collected.accounts,
      instances: described.instances,
      linked: {
        instance: linked.name,
        ownNumber: OWN.number,
        ownJid: `${OWN.number}@s.whatsapp.net`,
        deviceId: own.devices[0].id,
        peerNumber: PEER.number,
        peerJid: `${PEER.number}@s.whatsapp.net`,
        stateEventIds: stopped.stateEventIds,
      },
      messages: described.messages,
      deliveries: described.deliveries,
      events: stopped.events,
    };

    const dir = fixtureDir(dialect);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    let plain: Buffer;
    if (dialect === 'sqlite') {
      plain = readFileSync(db.config.url);
    } else {
      const dump = join(tmpdir(), `wharf-fixture-${randomBytes(6).toString('hex')}.sql`);
      try {
        await run('pg_dump', ['--no-owner', '--no-privileges', '--file', dump, db.url]);
        plain = readFileSync(dump);
      } finally {
        rmSync(dump, { force: true });
      }
    }
    writeFileSync(join(dir, manifest.files.database), gzipSync(plain, { level: 9 }));
    writeFileSync(join(dir, FIXTURE_FILES.sandboxState), `${JSON.stringify(state)}\n`);
    writeFileSync(join(dir, FIXTURE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    const size = (file: string) => `${Math.round(statSync(join(dir, file)).size / 1024)} KB`;
    console.log(
      `${dialect}: wrote ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(${manifest.files.database} ${size(manifest.files.database)}, ` +
        `${Math.round(plain.length / 1024)} KB unzipped, ` +
        `${FIXTURE_FILES.sandboxState} ${size(FIXTURE_FILES.sandboxState)}, ` +
        `${FIXTURE_FILES.manifest} ${size(FIXTURE_FILES.manifest)})`,
    );
  } finally {
    await receiver.stop();
    await sandbox.close();
    await db.drop();
    await dropRedisKeys(prefix);
  }
}

async function main(): Promise<void> {
  const named = process.argv.slice(2);
  const dialects = (named.length ? named : ['sqlite', 'postgresql']) as DatabaseDialect[];
  for (const dialect of dialects) {
    if (dialect !== 'sqlite' && dialect !== 'postgresql') {
      throw new Error(`unknown dialect ${String(dialect)} (sqlite or postgresql)`);
    }
    await makeFixture(dialect);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
