import { readFileSync } from 'node:fs';

import { createAccount } from '../support/fixtures';
import { Api } from '../support/http';
import { type LinkedInstance, startLinkedInstance } from '../support/sessions';

/**
 * Fuzz of the whole HTTP surface (issue 11, S1 "bad input never answers 500"). For every
 * operation of `/docs-json`, a fixed — deterministic, no randomness — set of malformed inputs:
 * wrong types, nulls, NUL bytes and unpaired surrogates, ~1 MB strings and 100,000-item arrays,
 * deep nesting, bad JSON, wrong content types, path traversal and bad percent-encoding in path
 * and query, over-long path parameters. One Wharf process with a linked instance (so sends get
 * past the connection check) answers them with the right token for each route; every answer must
 * be the D2 envelope or a success the operation documents, and nothing may answer 500.
 *
 * The cases run twice (WHARF_FUZZ_ROUNDS) and the Wharf process's resident memory is read
 * before, between and after (printed, not asserted), to tell a leak from a high-water mark. Operations that destroy what
 * the others need (delete, logout, reconnect, token rotation) run once, after the rounds.
 */

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  example?: unknown;
  enum?: unknown[];
};
type Operation = {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  body: Schema | null;
  admin: boolean;
  responses: Record<string, { content?: Record<string, { examples?: Record<string, any> }> }>;
};
type Case = {
  op: Operation;
  label: string;
  url: string;
  body?: string;
  contentType?: string;
};

const MB_STRING = 'x'.repeat(1024 * 1024);
const HUGE_ARRAY = Array(100_000).fill('message.exchange');
/** A sandbox phone: the one recipient that is on WhatsApp. */
const PEER = '5511988880000';
/** Any URL in a base body points here: refused by D12 at once, no network needed. */
const REFUSED_URL = 'http://127.0.0.1:9/fuzz.png';

/** Values every body property gets in turn (on top of a valid base body). */
const VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  true,
  '',
  '../../etc/passwd',
  'a\u0000b',
  '\ud800',
  [],
  { a: { b: [] } },
];
const NESTED_VALUES: unknown[] = [null, 123, 'a\u0000b', []];

/** Path parameter values (already URL-encoded where needed). */
const PATH_VALUES = [
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e',
  '..',
  '.',
  '%00',
  'a%00b',
  '%zz',
  '%',
  '%ED%A0%80',
  '%F0%9F%91%8D',
  '%20',
  'x'.repeat(501),
  'x'.repeat(10_000),
  'a,b,c',
  encodeURIComponent('name with spaces'),
];

/** Query values (already URL-encoded where needed). */
const QUERY_VALUES = [
  '%00',
  '%zz',
  '..%2f..%2f',
  '',
  '-1',
  '1e309',
  '99999999999999999999999',
  'true',
  '%ED%A0%80',
  'q'.repeat(15_000),
];

/** Whole bodies, raw. */
const RAW_BODIES: Array<[string, string]> = [
  ['truncated JSON', '{"a":'],
  ['bad JSON', '{'],
  ['bare word', 'nul'],
  ['null', 'null'],
  ['string', '"text"'],
  ['number', '123'],
  ['boolean', 'true'],
  ['array', '[{}]'],
  ['empty object', '{}'],
  ['proto pollution', '{"__proto__":{"polluted":1}}'],
  ['constructor pollution', '{"constructor":{"prototype":{"polluted":1}}}'],
  ['NUL escape', '"\\u0000"'],
  ['deep arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ['deep objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
  [
    '5000 unknown keys',
    JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))),
  ],
  ['1 MB unknown value', JSON.stringify({ unknown: MB_STRING })],
  ['100k array body', JSON.stringify(HUGE_ARRAY)],
  ['1 MB key', JSON.stringify({ [MB_STRING]: 1 })],
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
];

/** Rounds of the non-destructive cases (WHARF_FUZZ_ROUNDS, default 2: enough to tell a leak). */
const ROUNDS = Number(process.env.WHARF_FUZZ_ROUNDS ?? 2);

const DESTRUCTIVE = /\/(delete|logout|reconnect|rotateToken)\b|^DELETE \/api\/admin/;

function loadOperations(doc: any): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters ?? []) as Array<{ in: string; name: string }>;
      const schema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        // From the placeholders, not the declared parameters (the e2e of D18 checks those).
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        body: schema ?? null,
        admin: (op.security ?? []).some((s: Record<string, unknown>) => 'admin' in s),
        responses: op.responses ?? {},
      });
    }
  }
  return operations;
}

describe('fuzzing every operation of the OpenAPI document (issue 11)', () => {
  let linked: LinkedInstance;
  let api: Api;
  let doc: any;
  let victimAccount: string;
  const instance = 'fz';

  beforeAll(async () => {
    // The examples' number (5511999999999) is not on the sandbox's WhatsApp: sends built on
    // them stop at recipient resolution; one case per send route goes to PEER and is sent.
    linked = await startLinkedInstance(instance, '5511900000001', [{ number: PEER, name: 'Peer' }]);
    api = new Api(linked.wharf.url);
    doc = (await api.get('/docs-json')).body;
    victimAccount = (await createAccount(linked.wharf, 'Victim')).id;
  }, 120_000);
  afterAll(() => linked?.close());

  const resolve = (schema: Schema | undefined): Schema | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  };

  /** A body that passes validation where the schema's examples allow, URLs made harmless. */
  const baseOf = (schema: Schema | undefined, depth = 0): unknown => {
    const resolved = resolve(schema);
    if (!resolved) return undefined;
    if (resolved.example !== undefined)
      return JSON.parse(
        JSON.stringify(resolved.example).replace(/https?:\/\/[^"]*/g, REFUSED_URL),
      ) as unknown;
    if (resolved.enum?.length) return resolved.enum[0];
    const type = resolved.type ?? 'object';
    if (type === 'string') return 'x';
    if (type === 'number' || type === 'integer') return 1;
    if (type === 'boolean') return false;
    if (type === 'array') return depth > 3 ? [] : [baseOf(resolved.items, depth + 1)];
    const out: Record<string, unknown> = {};
    for (const name of resolved.required ?? [])
      out[name] = baseOf(resolved.properties?.[name], depth + 1);
    return out;
  };

  /** Bodies with one property (or one nested property) replaced by a malformed value. */
  const bodyMutations = (schema: Schema): Array<[string, unknown]> => {
    const resolved = resolve(schema)!;
    const base = baseOf(resolved) as Record<string, unknown>;
    const out: Array<[string, unknown]> = [['base body', base]];
    if (resolved.properties?.number) out.push([`number=${PEER} (sent)`, { ...base, number: PEER }]);
    for (const [name, property] of Object.entries(resolved.properties ?? {})) {
      const prop = resolve(property) ?? {};
      const values = [...VALUES];
      if (prop.type === 'string' || prop.type === undefined) values.push(MB_STRING);
      if (prop.type === 'array') values.push(HUGE_ARRAY, Array(100_000).fill({}));
      for (const value of values)
        out.push([`${name}=${describeValue(value)}`, { ...base, [name]: value }]);
      const nested = prop.type === 'array' ? resolve(prop.items) : prop;
      if (nested?.properties) {
        const nestedBase = baseOf(nested) as Record<string, unknown>;
        for (const inner of Object.keys(nested.properties))
          for (const value of NESTED_VALUES) {
            const changed = { ...nestedBase, [inner]: value };
            out.push([
              `${name}.${inner}=${describeValue(value)}`,
              { ...base, [name]: prop.type === 'array' ? [changed] : changed },
            ]);
          }
      }
    }
    return out;
  };

  const urlOf = (op: Operation, values: Record<string, string> = {}, query = '') => {
    let path = op.path;
    for (const name of op.pathParams) {
      const value =
        values[name] ??
        (name === 'instance' ? instance : name === 'id' ? victimAccount : '3EB0FUZZ');
      path = path.replace(`{${name}}`, value);
    }
    return query ? `${path}?${query}` : path;
  };

  const casesOf = (op: Operation): Case[] => {
    const cases: Case[] = [];
    for (const name of op.pathParams)
      for (const value of PATH_VALUES)
        cases.push({
          op,
          label: `path ${name}=${value.slice(0, 20)}`,
          url: urlOf(op, { [name]: value }),
        });
    for (const name of [...op.queryParams, 'unknown'])
      for (const value of QUERY_VALUES)
        cases.push({
          op,
          label: `query ${name}=${value.slice(0, 20)}`,
          url: urlOf(op, {}, `${name}=${value}`),
        });
    cases.push({ op, label: 'query repeated key', url: urlOf(op, {}, 'a=1&a=2&a=%00') });
    cases.push({
      op,
      label: 'query 20 KB (over the header limit)',
      url: urlOf(op, {}, `q=${'q'.repeat(20_000)}`),
    });
    if (op.method === 'GET') return cases;
    for (const [label, body] of RAW_BODIES)
      cases.push({ op, label: `raw ${label}`, url: urlOf(op), body });
    for (const contentType of CONTENT_TYPES)
      cases.push({
        op,
        label: `content-type ${contentType}`,
        url: urlOf(op),
        body: '{"a":1}',
        contentType,
      });
    if (op.body)
      for (const [label, body] of bodyMutations(op.body))
        cases.push({ op, label: `body ${label}`, url: urlOf(op), body: JSON.stringify(body) });
    return cases;
  };

  /** What is wrong with an answer, or null (see the file comment). */
  const problemOf = (op: Operation, status: number, text: string): string | null => {
    if (status >= 400) {
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        return `${status}, not JSON: ${text.slice(0, 120)}`;
      }
      const error = body?.error;
      const envelope =
        body?.success === false &&
        Object.keys(body).sort().join() === 'error,success' &&
        typeof error?.message === 'string' &&
        /^[A-Z][A-Z0-9_]+$/.test(String(error?.code)) &&
        Object.keys(error).every((k) =>
          ['message', 'code', 'details', 'detailsOmitted'].includes(k),
        );
      if (!envelope) return `${status}, not the D2 envelope: ${text.slice(0, 200)}`;
      if (text.length > 16_384) return `${status}, ${text.length} bytes of error`;
      if (status === 500) return `500 ${error.code}: ${error.message}`;
      if (status > 500) {
        const documented = Object.values(op.responses[String(status)]?.content ?? {}).some((c) =>
          Object.values(c.examples ?? {}).some((e: any) => e.value?.error?.code === error.code),
        );
        if (!documented) return `${status} ${error.code} not documented: ${error.message}`;
      }
      return null;
    }
    if (!op.responses[String(status)]) return `${status} is not a documented answer`;
    return null;
  };

  let sent = 0;
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  const perOperation = new Map<string, number>();
  const slowest: Array<[number, string]> = [];

  const run = async (cases: Case[], concurrency = 4): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const item = cases[next++];
        const token = item.op.admin ? linked.wharf.adminToken : linked.ta;
        const headers: Record<string, string> = { token };
        if (item.body !== undefined)
          headers['content-type'] = item.contentType ?? 'application/json';
        let status: number;
        let text: string;
        const began = Date.now();
        try {
          const res = await fetch(`${linked.wharf.url}${item.url}`, {
            method: item.op.method,
            headers,
            body: item.body,
            redirect: 'manual',
          });
          status = res.status;
          text = await res.text();
        } catch (error) {
          status = 0;
          text = String((error as Error).cause ?? error);
        }
        sent += 1;
        const ms = Date.now() - began;
        const key = `${item.op.method} ${item.op.path}`;
        perOperation.set(key, (perOperation.get(key) ?? 0) + ms);
        slowest.push([ms, `${key} [${item.label}]`]);
        slowest.sort((a, b) => b[0] - a[0]).splice(5);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const problem = status === 0 ? `no answer: ${text}` : problemOf(item.op, status, text);
        if (problem) problems.push(`${item.op.method} ${item.op.path} [${item.label}]: ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };

  const rssKiB = (): number => {
    const status = readFileSync(`/proc/${linked.wharf.process.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  };

  it('answers every malformed input with the D2 envelope or a documented success, never 500', async () => {
    const operations = loadOperations(doc);
    expect(operations.length).toBeGreaterThanOrEqual(45);
    const isDestructive = (op: Operation) => DESTRUCTIVE.test(`${op.method} ${op.path}`);
    const rounds = operations.filter((op) => !isDestructive(op)).flatMap(casesOf);
    const last = operations.filter(isDestructive).flatMap(casesOf);

    const started = Date.now();
    const rss = [rssKiB()];
    for (let round = 0; round < ROUNDS; round++) {
      await run(rounds);
      rss.push(rssKiB());
    }
    await run(last);
    rss.push(rssKiB());

    const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
    console.log(
      [
        `fuzz: ${sent} requests over ${operations.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `(${ROUNDS} rounds of ${rounds.length} cases, then ${last.length} destructive cases once)`,
        `statuses: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
        `slowest operations (ms in total): ${[...perOperation]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([k, ms]) => `${k} ${ms}`)
          .join('; ')}`,
        `slowest requests (ms): ${slowest.map(([ms, label]) => `${label} ${ms}`).join('; ')}`,
        `Wharf RSS: start ${mib(rss[0])}, ${rss
          .slice(1, -1)
          .map((kib, i) => `after round ${i + 1} ${mib(kib)}`)
          .join(', ')}, after the destructive cases ${mib(rss.at(-1)!)}`,
      ].join('\n'),
    );
    expect(problems.slice(0, 30)).toEqual([]);
    expect(statuses.get(500) ?? 0).toBe(0);
    // Wharf still answers normally.
    expect((await api.get('/health/ready')).status).toBe(200);
  }, 600_000);
});

function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 20 ? `string(${value.length})` : JSON.stringify(value);
  if (Array.isArray(value))
    return value.length > 20 ? `array(${value.length})` : JSON.stringify(value);
  return JSON.stringify(value);
}
