/**
 * The accept floor: a bare Fastify route doing what Wharf's accept path does at its core — one
 * insert of a `message` row (same table, same columns, same database as the Wharf under test)
 * and one Bull add (same queue options) — with no framework, auth or validation around it.
 * Runs as its own process (forked by the harness); answers `{ type: 'listening', port }`.
 *
 * Environment: FLOOR_DIALECT (`sqlite` | `postgresql`), FLOOR_DB_URL (SQLite file path or
 * PostgreSQL URL), FLOOR_REDIS_URL, FLOOR_REDIS_PREFIX, FLOOR_INSTANCE_ID.
 */
import { randomBytes } from 'node:crypto';

import Bull from 'bull';
import Fastify from 'fastify';
import Database from 'libsql';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';

const COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'instance_id',
  'message_id',
  'direction',
  'chat_jid',
  'sender_jid',
  'type',
  'content',
  'source',
  'status',
  'status_times',
  'mentions',
  'payload',
  'request',
  'timestamp',
  'published',
];

type Insert = (values: unknown[]) => Promise<void>;

function sqliteInsert(path: string): Insert {
  const db = new Database(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
  const statement = db.prepare(
    `insert into \`message\` (${COLUMNS.map((c) => `\`${c}\``).join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
  );
  return async (values) => {
    statement.run(
      values.map((v) =>
        v instanceof Date
          ? v.getTime()
          : typeof v === 'object' && v !== null
            ? JSON.stringify(v)
            : typeof v === 'boolean'
              ? Number(v)
              : v,
      ),
    );
  };
}

function postgresInsert(url: string): Insert {
  const pool = new Pool({ connectionString: url, max: 10 });
  const sql = `insert into "message" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
  return async (values) => {
    await pool.query(
      sql,
      values.map((v) =>
        typeof v === 'object' && v !== null && !(v instanceof Date) ? JSON.stringify(v) : v,
      ),
    );
  };
}

async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const insert =
    env('FLOOR_DIALECT') === 'postgresql'
      ? postgresInsert(env('FLOOR_DB_URL'))
      : sqliteInsert(env('FLOOR_DB_URL'));
  const instanceId = env('FLOOR_INSTANCE_ID');
  const queue = new Bull<{ rowId: string; instanceId: string }>(
    'outbound:floor',
    env('FLOOR_REDIS_URL'),
    {
      prefix: `${env('FLOOR_REDIS_PREFIX')}bull`,
      defaultJobOptions: { attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 },
    },
  );
  const app = Fastify({ logger: false });
  app.post<{ Params: { instance: string }; Body: { number: string; text: string } }>(
    '/floor/:instance',
    async (request, reply) => {
      const { number, text } = request.body;
      const now = new Date();
      const id = uuidv7();
      const messageId = `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
      const chatJid = `${number}@s.whatsapp.net`;
      const content = { kind: 'text', text };
      await insert([
        id,
        now,
        now,
        instanceId,
        messageId,
        'outgoing',
        chatJid,
        '',
        'text',
        text,
        'api',
        'pending',
        { pending: now.toISOString() },
        [],
        {},
        { chatJid, content, source: 'api' },
        now,
        false,
      ]);
      await queue.add({ rowId: id, instanceId }, { jobId: id });
      void reply.status(202);
      return { success: true, message: 'Message queued', status: 'queued', messageId };
    },
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ type: 'listening', port: Number(new URL(address).port) });
  process.on('message', (message: { cmd?: string }) => {
    if (message.cmd === 'exit')
      void Promise.allSettled([app.close(), queue.close()]).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: (error as Error).stack ?? String(error) });
  process.exit(1);
});
