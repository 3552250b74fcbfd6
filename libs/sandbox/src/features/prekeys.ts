import { createHash } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import type { BaileysModule } from '../baileys-loader';
import { deviceOf } from '../directory';
import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { iqError, iqResult } from '../stanza';
import type { DeviceKeys } from '../state';

function uint(buf: Uint8Array | undefined): number | undefined {
  if (!buf?.length) {
    return undefined;
  }
  return buf.reduce((acc, byte) => acc * 256 + byte, 0);
}

function bigEndian(value: number, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  out.writeUIntBE(value, 0, bytes);
  return out;
}

/**
 * The key server (`encrypt` iqs) of a logged-in device: the count of its uploaded one-time
 * prekeys (`get count`), the digest of its key bundle (`get digest`), other devices' prekey
 * bundles (`get key`, one one-time prekey consumed per fetch), signed prekey rotation
 * (`set rotate`) and prekey uploads (any other `set`). An `encrypt get` with another child gets
 * the unhandled-iq answer (refused with 501 `feature-not-implemented`).
 */
export class PreKeysFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    const { b } = this.host;
    registry.iq({ xmlns: 'encrypt', type: 'get', child: 'count' }, ({ iq, device }) =>
      iqResult(iq, [{ tag: 'count', attrs: { value: String(device.keys.preKeys.size) } }]),
    );
    registry.iq({ xmlns: 'encrypt', type: 'get', child: 'digest' }, ({ iq, device }) =>
      iqResult(iq, [digestNode(device.keys)]),
    );
    registry.iq({ xmlns: 'encrypt', type: 'get', child: 'key' }, ({ iq, first }) =>
      iqResult(iq, [this.preKeyBundles(first as BinaryNode)]),
    );
    registry.iq({ xmlns: 'encrypt', type: 'set', child: 'rotate' }, ({ iq, first, device }) => {
      const skey = b.getBinaryNodeChild(first, 'skey');
      const signed = skey && readSignedPreKey(b, skey);
      if (!signed) {
        return iqError(iq, 400, 'bad-request');
      }
      device.keys.signedPreKey = signed;
      return iqResult(iq);
    });
    registry.iq({ xmlns: 'encrypt', type: 'set' }, ({ iq, device }) =>
      storeUploadedKeys(b, device.keys, iq) ? iqResult(iq) : iqError(iq, 400, 'bad-request'),
    );
  }

  /**
   * Prekey bundles for `<key><user jid/>…</key>`: each user gets registration id, identity,
   * signed prekey and one one-time prekey (which is consumed), like WhatsApp's key server.
   */
  private preKeyBundles(keyNode: BinaryNode): BinaryNode {
    const users = this.host.b.getBinaryNodeChildren(keyNode, 'user').map((user): BinaryNode => {
      const jid = user.attrs.jid;
      const device = deviceOf(this.host, jid);
      if (!device) {
        return {
          tag: 'user',
          attrs: { jid },
          content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }],
        };
      }
      const keys = device.keys;
      const content: BinaryNode[] = [
        { tag: 'registration', attrs: {}, content: bigEndian(keys.registrationId, 4) },
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: keys.identityKey },
        signedPreKeyNode(keys),
      ];
      const [preKey] = keys.preKeys.values();
      if (preKey) {
        keys.preKeys.delete(preKey.keyId);
        content.push({
          tag: 'key',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: bigEndian(preKey.keyId, 3) },
            { tag: 'value', attrs: {}, content: preKey.publicKey },
          ],
        });
      }
      return { tag: 'user', attrs: { jid }, content };
    });
    return { tag: 'list', attrs: {}, content: users };
  }
}

function readSignedPreKey(
  b: BaileysModule,
  skey: BinaryNode,
): DeviceKeys['signedPreKey'] | undefined {
  const keyId = uint(b.getBinaryNodeChildBuffer(skey, 'id'));
  const value = b.getBinaryNodeChildBuffer(skey, 'value');
  const signature = b.getBinaryNodeChildBuffer(skey, 'signature');
  if (keyId === undefined || !value || !signature) {
    return undefined;
  }
  return { keyId, publicKey: Buffer.from(value), signature: Buffer.from(signature) };
}

/** Stores a prekey upload (`registration`, `identity`, `list` of keys, `skey`). */
function storeUploadedKeys(b: BaileysModule, keys: DeviceKeys, iq: BinaryNode): boolean {
  const registrationId = uint(b.getBinaryNodeChildBuffer(iq, 'registration'));
  const identity = b.getBinaryNodeChildBuffer(iq, 'identity');
  const list = b.getBinaryNodeChild(iq, 'list');
  const skey = b.getBinaryNodeChild(iq, 'skey');
  if (registrationId === undefined || !identity || !list) {
    return false;
  }
  keys.registrationId = registrationId;
  keys.identityKey = Buffer.from(identity);
  for (const keyNode of b.getBinaryNodeChildren(list, 'key')) {
    const keyId = uint(b.getBinaryNodeChildBuffer(keyNode, 'id'));
    const value = b.getBinaryNodeChildBuffer(keyNode, 'value');
    if (keyId !== undefined && value) {
      keys.preKeys.set(keyId, { keyId, publicKey: Buffer.from(value) });
    }
  }
  const signed = skey && readSignedPreKey(b, skey);
  if (signed) {
    keys.signedPreKey = signed;
  }
  return true;
}

function signedPreKeyNode(keys: DeviceKeys): BinaryNode {
  return {
    tag: 'skey',
    attrs: {},
    content: [
      { tag: 'id', attrs: {}, content: bigEndian(keys.signedPreKey.keyId, 3) },
      { tag: 'value', attrs: {}, content: keys.signedPreKey.publicKey },
      { tag: 'signature', attrs: {}, content: keys.signedPreKey.signature },
    ],
  };
}

/** `<digest>` summarising the server's copy of the key bundle, with a SHA-1 over it. */
function digestNode(keys: DeviceKeys): BinaryNode {
  const ids = [...keys.preKeys.keys()].sort((x, y) => x - y);
  const hash = createHash('sha1')
    .update(keys.identityKey)
    .update(keys.signedPreKey.publicKey)
    .update(keys.signedPreKey.signature)
    .update(Buffer.concat(ids.map((id) => keys.preKeys.get(id)?.publicKey ?? Buffer.alloc(0))))
    .digest();
  return {
    tag: 'digest',
    attrs: {},
    content: [
      { tag: 'registration', attrs: {}, content: bigEndian(keys.registrationId, 4) },
      { tag: 'type', attrs: {}, content: Buffer.from([5]) },
      { tag: 'identity', attrs: {}, content: keys.identityKey },
      signedPreKeyNode(keys),
      {
        tag: 'list',
        attrs: {},
        content: ids.map((id) => ({ tag: 'id', attrs: {}, content: bigEndian(id, 3) })),
      },
      { tag: 'hash', attrs: {}, content: hash },
    ],
  };
}
