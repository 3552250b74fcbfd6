/**
 * Upgrade keeps users' data: this build opens a database written by Wharf 0.1.0
 * (test/fixtures/upgrade-0.1.0, made by scripts/make-upgrade-fixtures.ts) with the keys it ran
 * with, applies its own migrations, and every token still authenticates, every secret still
 * decrypts, settings and stored messages are still there, and the instance that was linked to a
 * sandbox phone (brought back from the saved sandbox state) reconnects without a new QR code
 * and exchanges messages with its Signal sessions from 0.1.0.
 */
import { ENCRYPTED_COLUMNS } from '@wharf/database/encrypted-columns';
import { POSTGRESQL_MIGRATIONS } from '@wharf/database/migrations/postgresql';
import { SQLITE_MIGRATIONS } from '@wharf/database/migrations/sqlite';
import { type Sandbox, startSandbox } from '@wharf/sandbox';

import type { ThrowawayDatabase } from '../../scripts/db-tools';
import { Api } from '../support/http';
import { allEvents, sandboxEnv, waitForState } from '../support/sessions';
import {
  FIXTURE_WHARF_VERSION,
  type FixtureInstance,
  readManifest,
  readSandboxState,
  restoreFixtureDatabase,
} from '../support/upgrade-fixture';
import { waitUntil } from '../support/wait';
import { startWharf, TEST_DIALECT, type WharfHandle } from '../support/wharf';
import {
  eventually,
  type Receiver,
  startReceiver,
  verifyDelivery,
} from '../webhook/webhook-helpers';

const manifest = readManifest(TEST_DIALECT);
const MIGRATIONS = TEST_DIALECT === 'postgresql' ? POSTGRESQL_MIGRATIONS : SQLITE_MIGRATIONS;

type Row = Record<string, unknown>;

describe(`upgrade from Wharf ${FIXTURE_WHARF_VERSION} (${TEST_DIALECT} fixture)`, () => {
  let db: ThrowawayDatabase;
  let sandbox: Sandbox;
  let receiver: Receiver;
  let wharf: WharfHandle;
  let api: Api;
  /** The sandbox's log messages (retry receipts show a failed decryption). */
  const sandboxLog: string[] = [];
  const record = (fields: Record<string, unknown>, message: string) => {
    sandboxLog.push(`${message} ${JSON.stringify(fields)}`);
  };
  const retries = () => sandboxLog.filter((line) => line.startsWith('retry receipt'));

  const instance = (name: string): FixtureInstance => {
    const found = manifest.instances.find((item) => item.name === name);
    if (!found) throw new Error(`the manifest has no instance ${name}`);
    return found;
  };
  const linked = instance(manifest.linked.instance);
  const accountToken = (id: string) => manifest.accounts.find((a) => a.id === id)!.token;

  async function sql(query: string, params: unknown[] = []): Promise<Row[]> {
    const orm = await wharf.orm();
    return (await orm.em.fork().getConnection().execute(query, params)) as Row[];
  }

  beforeAll(async () => {
    db = await restoreFixtureDatabase(TEST_DIALECT);
    sandbox = await startSandbox({
      port: 0,
      controlPort: 0,
      callTimeoutMs: 10_000,
      state: readSandboxState(TEST_DIALECT),
      logger: { debug: record, info: record, warn: record, error: record },
    });
    receiver = await startReceiver();
    // Fails here, with Wharf's stderr, when a migration does not apply to the 0.1.0 schema.
    wharf = await startWharf({
      db,
      env: sandboxEnv(sandbox, {
        ...manifest.env,
        ALLOW_PRIVATE_TARGETS: 'true',
        // the fixture's deliveries age; the default (7 days) would delete them at start-up
        WEBHOOK_DELIVERY_RETENTION_DAYS: '3650',
      }),
    });
    api = new Api(wharf.url);
  });
  afterAll(async () => {
    await wharf?.close();
    await sandbox?.close();
    await receiver?.stop();
    await db?.drop();
  });

  it('applies every migration of this version on top of the 0.1.0 schema', async () => {
    const applied = (await sql('select name from mikro_orm_migrations order by id')).map(
      (row) => row.name,
    );
    expect(applied.slice(0, manifest.migrations.length)).toEqual(manifest.migrations);
    expect(applied).toEqual(MIGRATIONS.map((migration) => migration.name));
  });

  it('accepts the admin token, every TokenAccount and TokenInstance, and none of the revoked ones', async () => {
    /** `GET /api/instance/list` with each token: what it answered, and what it must answer. */
    const answers: Record<string, { status: number; instances: unknown }> = {};
    const expected: Record<string, { status: number; instances: unknown }> = {};
    const ask = async (what: string, token: string, status: number, instances: unknown) => {
      const res = await api.get('/api/instance/list', { token });
      answers[what] = {
        status: res.status,
        // the items carry each TokenInstance, decrypted from token_cipher
        instances: (res.body?.instances as Row[] | undefined)
          ?.map((item) => `${String(item.name)} ${String(item.token)}`)
          .sort(),
      };
      expected[what] = { status, instances };
    };
    for (const account of manifest.accounts) {
      const own = manifest.instances.filter((item) => item.accountId === account.id);
      await ask(
        `account ${account.name}`,
        account.token,
        200,
        own.map((item) => `${item.name} ${item.token}`).sort(),
      );
      for (const [i, revoked] of account.revokedTokens.entries()) {
        await ask(`revoked token ${i} of account ${account.name}`, revoked, 401, undefined);
      }
    }
    // instances of 0.1.0 were created under either key: their digests use the retired key too
    for (const item of manifest.instances) {
      await ask(`instance ${item.name} (${item.createdUnderKey} key)`, item.token, 200, [
        `${item.name} ${item.token}`,
      ]);
      for (const [i, revoked] of item.revokedTokens.entries()) {
        await ask(`revoked token ${i} of instance ${item.name}`, revoked, 401, undefined);
      }
    }
    expect(answers).toEqual(expected);

    const admin = await api.get('/api/admin/accounts', { token: manifest.env.ADMIN_TOKEN });
    expect(admin.status).toBe(200);
    expect((admin.body.accounts as Row[]).map((account) => account.id).sort()).toEqual(
      manifest.accounts.map((account) => account.id).sort(),
    );
  });

  it('decrypts every stored secret with the keys 0.1.0 ran with', async () => {
    const box = wharf.secretBox();
    const opened: Record<string, Map<string, string>> = {};
    /** Per column: how many stored values did not decrypt, and the first error. */
    const failures: Record<string, string> = {};
    for (const { table, column } of ENCRYPTED_COLUMNS) {
      const values = new Map<string, string>();
      const rows = await sql(
        `select id, ${column} as value from ${table} where ${column} is not null`,
      );
      const errors: string[] = [];
      for (const row of rows) {
        try {
          values.set(
            String(row.id),
            box.open(String(row.value), { table, column, rowId: String(row.id) }),
          );
        } catch (error) {
          errors.push(`${String(row.id)}: ${(error as Error).message}`);
        }
      }
      if (errors.length)
        failures[`${table}.${column}`] = `${errors.length} of ${rows.length}, e.g. ${errors[0]}`;
      opened[`${table}.${column}`] = values;
    }
    expect(failures).toEqual({});
    const webhooks = manifest.instances.flatMap((item) => item.webhooks);
    expect(
      Object.fromEntries(
        Object.entries(opened)
          .filter(([name]) => name !== 'session_key.value_cipher')
          .map(([name, values]) => [name, values.size]),
      ),
    ).toEqual({
      'instance.token_cipher': manifest.instances.length,
      'proxy_config.password_cipher': 1,
      's3_config.secret_key_cipher': 1,
      'webhook.authorization_cipher': webhooks.filter((w) => w.authorization).length,
      'webhook.secret_cipher': webhooks.length,
      'webhook.previous_secret_cipher': 0,
      'session_credentials.creds_cipher': 1,
    });
    expect(opened['session_key.value_cipher'].size).toBeGreaterThan(0);

    const proxied = manifest.instances.find((item) => item.proxyPassword)!;
    const stored = manifest.instances.find((item) => item.s3SecretKey)!;
    expect([...opened['proxy_config.password_cipher'].values()]).toEqual([proxied.proxyPassword]);
    expect([...opened['s3_config.secret_key_cipher'].values()]).toEqual([stored.s3SecretKey]);
    expect([...opened['webhook.secret_cipher'].values()].sort()).toEqual(
      webhooks.map((w) => w.secret).sort(),
    );
    const creds = JSON.parse([...opened['session_credentials.creds_cipher'].values()][0]);
    expect(creds.me.id).toBe(
      `${manifest.linked.ownNumber}:${manifest.linked.deviceId}@s.whatsapp.net`,
    );
    // the API answers the secrets it returns (webhook secret and authorization) in clear
    for (const item of manifest.instances) {
      const res = await api.get(`/api/events/getWebhook/${item.name}`, { token: item.token });
      expect(res.body.webhooks).toEqual(item.webhooks.map((w) => expect.objectContaining(w)));
    }
  });

  it('keeps settings, proxy, S3, WebSocket configuration and account quotas', async () => {
    for (const item of manifest.instances) {
      const settings = await api.get(`/api/instance/getSettings/${item.name}`, {
        token: item.token,
      });
      expect({ name: item.name, settings: settings.body.settings }).toEqual({
        name: item.name,
        settings: expect.objectContaining(item.settings),
      });
      const listed = await api.get(`/api/instance/list?instanceName=${item.name}`, {
        token: accountToken(item.accountId),
      });
      expect({ name: item.name, ...listed.body.instances[0] }).toMatchObject({
        name: item.name,
        id: item.id,
        ...item.summary,
      });
    }
    for (const account of manifest.accounts) {
      const res = await api.get(`/api/admin/accounts/${account.id}`, {
        token: manifest.env.ADMIN_TOKEN,
      });
      expect(res.body.account).toMatchObject({
        id: account.id,
        name: account.name,
        instanceLimit: account.instanceLimit,
      });
    }
    const full = manifest.accounts.find((account) => account.instanceLimit !== null)!;
    const refused = await api.post('/api/instance/new', {
      token: full.token,
      body: { name: 'one-too-many' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('INSTANCE_QUOTA_EXCEEDED');
  });

  it('reads the messages and webhook deliveries stored by 0.1.0', async () => {
    for (const message of manifest.messages) {
      const found = await api.get(
        `/api/chat/getMessage/${message.instance}?messageId=${message.messageId}`,
        { token: linked.token },
      );
      expect({ id: message.messageId, data: found.body.data }).toEqual({
        id: message.messageId,
        data: expect.objectContaining(message.data),
      });
      const status = await api.get(
        `/api/chat/status/${message.instance}?messageId=${message.messageId}`,
        { token: linked.token },
      );
      expect(status.body).toMatchObject({ message_id: message.messageId, status: message.status });
    }
    const deliveries = await api.get(`/api/events/deliveries/${linked.name}?limit=500`, {
      token: linked.token,
    });
    expect(deliveries.body.deliveries).toEqual(
      expect.arrayContaining(
        manifest.deliveries
          .filter((delivery) => delivery.instance === linked.name)
          .map(({ id, label, event, status }) =>
            expect.objectContaining({ id, label, event, status }),
          ),
      ),
    );
  });

  it('reconnects the linked instance without a QR code; messages go both ways and its webhook signs with the 0.1.0 secret', async () => {
    const { ownNumber, peerNumber, peerJid, deviceId } = manifest.linked;
    await waitForState(api, linked.token, linked.name, 'connected', 30_000);
    const before = new Set(manifest.linked.stateEventIds);
    const since = await waitUntil('the restored connection to be announced', async () => {
      const states = (await allEvents(wharf, linked.id))
        .filter((event) => event.event === 'instance.state' && !before.has(event.id))
        .map((event) => `${String(event.data.state)}/${String(event.data.reason)}`);
      return states.includes('connected/connected') ? states : undefined;
    });
    expect(since).not.toContain('connecting/qr_ready');
    expect(sandbox.listPhones().find((phone) => phone.number === ownNumber)?.devices).toEqual([
      expect.objectContaining({ id: deviceId, connected: true }),
    ]);

    // the default webhook, pointed at a receiver of this run, keeps its secret
    const hook = linked.webhooks.find((w) => w.label === 'default')!;
    const repointed = await api.post(`/api/events/webhook/${linked.name}`, {
      token: linked.token,
      body: {
        url: `${receiver.url}/upgraded`,
        authorization: hook.authorization,
        byEvents: hook.byEvents,
        events: hook.events,
      },
    });
    expect(repointed.status).toBe(200);
    expect(repointed.body.webhook.secret).toBe(hook.secret);

    // phone → Wharf first, before Wharf's own sends renew the phone's sessions: a
    // message.exchange, delivered and signed with the secret of 0.1.0
    const wharfDevice = () =>
      sandbox.listPhones().find((phone) => phone.number === ownNumber)!.devices[0];
    const preKeysBefore = wharfDevice().preKeyCount;
    const { messageId } = await sandbox.sendMessage(peerNumber, {
      to: ownNumber,
      text: 'Received after the upgrade',
    });
    const delivered = await eventually('the message.exchange delivery', () =>
      receiver.requests.find(
        (r) => r.json?.event === 'message.exchange' && r.json.data.id === messageId,
      ),
    );
    expect(delivered.path).toBe('/upgraded');
    expect(delivered.headers.authorization).toBe(hook.authorization);
    expect(verifyDelivery(hook.secret, delivered)).toEqual(delivered.json);
    expect(delivered.json.data).toMatchObject({
      direction: 'incoming',
      chat: { jid: peerJid },
      message: { type: 'text', content: 'Received after the upgrade' },
    });
    // Wharf decrypted at the first attempt with its stored session (a failure comes back as a
    // retry receipt, which the sandbox logs), and the phone encrypted with its session to
    // Wharf's device from 0.1.0 (a new one would have taken one of the device's prekeys).
    expect(retries()).toEqual([]);
    expect(wharfDevice().preKeyCount).toBe(preKeysBefore);

    // Wharf → phone, quoting a message 0.1.0 stored
    const oldIncoming = manifest.messages.find((m) => m.direction === 'incoming')!;
    const sent = await api.post(`/api/message/text/${linked.name}`, {
      token: linked.token,
      body: { number: peerNumber, text: 'Sent after the upgrade', replyTo: oldIncoming.messageId },
    });
    expect(sent.status).toBe(200);
    const atPhone = await waitUntil('the phone to receive the send', () =>
      sandbox.messages(peerNumber).messages.find((m) => m.id === sent.body.messageId),
    );
    expect(atPhone).toMatchObject({
      type: 'text',
      text: 'Sent after the upgrade',
      quotedId: oldIncoming.messageId,
    });
    // The phone decrypted it with the keys the sandbox state brought back.
    expect(retries()).toEqual([]);
  });
});
