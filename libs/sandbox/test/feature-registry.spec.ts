import type { BinaryNode } from 'baileys';

import type { BaileysModule } from '../src/baileys-loader';
import { ChatServer, DEFAULT_CHAT_SERVER_CONFIG } from '../src/chat-server';
import { FeatureTable } from '../src/feature';
import { CallsFeature } from '../src/features/calls';
import { PairingFeature } from '../src/features/pairing';
import { type Sandbox, startSandbox } from '../src/index';
import { silentLogger } from '../src/logger';
import { iqResult } from '../src/stanza';
import { linkCompanionByQr, sandboxBaileys, TestClient } from './helpers';

function iq(xmlns: string, type: 'get' | 'set', child?: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { id: '1', xmlns, type },
    content: child ? [{ tag: child, attrs: {} }] : undefined,
  };
}

describe('feature registry', () => {
  it('answers an iq with the most specific registration, whatever the order', () => {
    const table = new FeatureTable();
    const answer = (name: string) => (request: { iq: BinaryNode }) =>
      iqResult(request.iq, [{ tag: name, attrs: {} }]);
    table.iq({ xmlns: 'x' }, answer('xmlns'));
    table.iq({ xmlns: 'x', child: 'c' }, answer('child'));
    table.iq({ xmlns: 'x', type: 'set' }, answer('type'));
    table.iq({ xmlns: 'x', type: 'set', child: 'c' }, answer('type+child'));
    const found = (node: BinaryNode): string | undefined => {
      const first = Array.isArray(node.content) ? node.content[0] : undefined;
      const entry = table.findIq(node, first);
      const answered =
        entry?.beforeLogin === false ? entry.answer({ iq: node } as never) : undefined;
      return Array.isArray(answered?.content) ? answered.content[0].tag : undefined;
    };
    expect(found(iq('x', 'set', 'c'))).toBe('type+child');
    expect(found(iq('x', 'set', 'd'))).toBe('type');
    expect(found(iq('x', 'get', 'c'))).toBe('child');
    expect(found(iq('x', 'get'))).toBe('xmlns');
    expect(found(iq('y', 'get'))).toBeUndefined();
  });

  it('refuses a second handler for the same iq, stanza tag or control route', () => {
    const table = new FeatureTable();
    const answer = ({ iq: node }: { iq: BinaryNode }) => iqResult(node);
    table.iq({ xmlns: 'x', type: 'get' }, answer);
    expect(() => table.iqBeforeLogin({ xmlns: 'x', type: 'get' }, answer)).toThrow(
      /already answered/,
    );
    table.stanza('call', () => undefined);
    expect(() => table.stanza('call', () => undefined)).toThrow(/already handled/);
    expect(() => table.stanza('iq', () => undefined)).toThrow(/already handled/);
    table.route({ method: 'GET', pattern: /^\/a$/, run: () => ({}) });
    table.route({ method: 'POST', pattern: /^\/a$/, run: () => ({}) });
    expect(() => table.route({ method: 'GET', pattern: /^\/a$/, run: () => ({}) })).toThrow(
      /already served/,
    );
  });

  it('runs the features it is given, and says so for one it was not given', async () => {
    const b = await sandboxBaileys();
    const server = new ChatServer(b, DEFAULT_CHAT_SERVER_CONFIG, silentLogger, undefined, [
      PairingFeature,
    ]);
    expect(server.feature(PairingFeature)).toBeInstanceOf(PairingFeature);
    expect(() => server.feature(CallsFeature)).toThrow('the sandbox runs no CallsFeature');
    expect(server.featureRoutes.map((route) => String(route.pattern))).toEqual([
      String(/^\/phones\/([^/]+)\/link$/),
      String(/^\/phones\/([^/]+)\/pair$/),
    ]);
    server.close();
  });
});

describe('an iq no feature handles', () => {
  let b: BaileysModule;
  let sandbox: Sandbox;
  let client: TestClient | undefined;

  beforeAll(async () => {
    b = await sandboxBaileys();
    sandbox = await startSandbox({ port: 0, controlPort: 0 });
  });

  afterAll(async () => {
    await client?.stop();
    await sandbox.close();
  });

  // As WhatsApp does: refused, so a client never believes a change applied (issue 14).
  it('is refused with 501 feature-not-implemented', async () => {
    sandbox.createPhone('5511900000031', 'Ivy');
    client = TestClient.start(b, sandbox, await linkCompanionByQr(b, sandbox, '5511900000031'));
    await client.opened();
    await expect(
      client.sock.query({
        tag: 'iq',
        attrs: { to: '@s.whatsapp.net', type: 'get', xmlns: 'w:no-such-feature' },
        content: [{ tag: 'anything', attrs: {} }],
      }),
    ).rejects.toMatchObject({ message: 'feature-not-implemented', data: 501 });
  });
});
