import { createHash } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import type { BaileysModule } from './baileys-loader';
import { lidJid, parseJid, PN_SERVER, pnJid, SERVER_JID } from './jid';
import type { Device, DeviceKeys, Phone } from './state';

/** Lookups the iq answers need across phones. */
export interface PhoneDirectory {
  phoneByNumber(number: string): Phone | undefined;
  phoneByLid(lid: string): Phone | undefined;
}

/** The logged-in companion an iq comes from. */
export interface IqContext {
  phone: Phone;
  device: Device;
  directory: PhoneDirectory;
}

/** Privacy settings WhatsApp reports for a fresh account. */
const DEFAULT_PRIVACY: Record<string, string> = {
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'contacts',
  groupadd: 'all',
  readreceipts: 'all',
  calladd: 'all',
  messages: 'all',
  defense: 'off',
};

/** `<iq type="result">` answering `iq`, with optional content. */
export function iqResult(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  const attrs: Record<string, string> = { from: SERVER_JID, type: 'result', id: iq.attrs.id };
  return content ? { tag: 'iq', attrs, content } : { tag: 'iq', attrs };
}

/** `<iq type="error"><error code text/></iq>` answering `iq`. */
export function iqError(iq: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: SERVER_JID, type: 'error', id: iq.attrs.id },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}

function children(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

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
 * Answers the iq queries a logged-in companion sends (prekeys, digest, passive, ping, usync,
 * privacy, blocklist, abprops). Returns undefined for queries this module does not own, so the
 * caller can handle them (pairing, logout) or fall back to an empty result.
 */
export function answerCompanionIq(
  b: BaileysModule,
  ctx: IqContext,
  iq: BinaryNode,
): BinaryNode | undefined {
  const first = children(iq)[0];
  const xmlns = iq.attrs.xmlns;
  const type = iq.attrs.type;
  const keys = ctx.device.keys;
  switch (xmlns) {
    case 'encrypt':
      if (type === 'get' && first?.tag === 'count') {
        return iqResult(iq, [{ tag: 'count', attrs: { value: String(keys.preKeys.size) } }]);
      }
      if (type === 'get' && first?.tag === 'digest') {
        return iqResult(iq, [digestNode(keys)]);
      }
      if (type === 'get' && first?.tag === 'key') {
        return iqResult(iq, [preKeyBundles(b, ctx.directory, first)]);
      }
      if (type === 'set' && first?.tag === 'rotate') {
        const skey = b.getBinaryNodeChild(first, 'skey');
        const signed = skey && readSignedPreKey(b, skey);
        if (!signed) {
          return iqError(iq, 400, 'bad-request');
        }
        keys.signedPreKey = signed;
        return iqResult(iq);
      }
      if (type === 'set') {
        return storeUploadedKeys(b, keys, iq) ? iqResult(iq) : iqError(iq, 400, 'bad-request');
      }
      return undefined;
    case 'passive':
    case 'w:p':
      return iqResult(iq);
    case 'usync':
      return usyncResult(b, ctx.directory, iq);
    case 'privacy':
      if (type === 'get') {
        return iqResult(iq, [
          {
            tag: 'privacy',
            attrs: {},
            content: Object.entries(DEFAULT_PRIVACY).map(([name, value]) => ({
              tag: 'category',
              attrs: { name, value },
            })),
          },
        ]);
      }
      return iqResult(iq);
    case 'blocklist':
      return type === 'get' ? iqResult(iq, [{ tag: 'list', attrs: {} }]) : iqResult(iq);
    case 'abt':
      return iqResult(iq, [
        {
          tag: 'props',
          attrs: { protocol: '1', hash: 'wharf-sandbox-1' },
          content: [{ tag: 'prop', attrs: { config_code: '10518', config_value: 'false' } }],
        },
      ]);
    default:
      return undefined;
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

/** The registered device a `<user>[:<device>]@s.whatsapp.net|lid` JID names (device 0 = primary). */
export function deviceOf(directory: PhoneDirectory, jid: string): Device | undefined {
  const parsed = parseJid(jid);
  if (!parsed) {
    return undefined;
  }
  const phone =
    parsed.server === PN_SERVER
      ? directory.phoneByNumber(parsed.user)
      : directory.phoneByLid(parsed.user);
  if (!phone) {
    return undefined;
  }
  return parsed.device === 0 ? phone.primary : phone.devices.get(parsed.device);
}

/**
 * Prekey bundles for `<key><user jid/>…</key>`: each user gets registration id, identity,
 * signed prekey and one one-time prekey (which is consumed), like WhatsApp's key server.
 */
function preKeyBundles(
  b: BaileysModule,
  directory: PhoneDirectory,
  keyNode: BinaryNode,
): BinaryNode {
  const users = b.getBinaryNodeChildren(keyNode, 'user').map((user): BinaryNode => {
    const jid = user.attrs.jid;
    const device = deviceOf(directory, jid);
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

/** Answers a usync query for the contact, devices and lid protocols. */
function usyncResult(b: BaileysModule, directory: PhoneDirectory, iq: BinaryNode): BinaryNode {
  const usync = b.getBinaryNodeChild(iq, 'usync');
  const query = b.getBinaryNodeChild(usync, 'query');
  const list = b.getBinaryNodeChild(usync, 'list');
  const protocols = new Set(children(query).map((node) => node.tag));
  const users = b.getBinaryNodeChildren(list, 'user').map((user): BinaryNode => {
    const contact = b.getBinaryNodeChild(user, 'contact');
    let phone: Phone | undefined;
    let jid = user.attrs.jid;
    if (!jid && typeof contact?.content === 'string') {
      const number = contact.content.replace(/^\+/, '');
      phone = directory.phoneByNumber(number);
      jid = pnJid(number);
    } else if (!jid && contact?.content instanceof Uint8Array) {
      const number = Buffer.from(contact.content).toString().replace(/^\+/, '');
      phone = directory.phoneByNumber(number);
      jid = pnJid(number);
    } else {
      const parsed = parseJid(jid ?? '');
      phone =
        parsed?.server === PN_SERVER
          ? directory.phoneByNumber(parsed.user)
          : parsed
            ? directory.phoneByLid(parsed.user)
            : undefined;
    }
    const content: BinaryNode[] = [];
    if (protocols.has('contact')) {
      content.push({ tag: 'contact', attrs: { type: phone ? 'in' : 'out' } });
    }
    if (protocols.has('devices')) {
      const devices: BinaryNode[] = phone
        ? [
            { tag: 'device', attrs: { id: '0' } },
            ...[...phone.devices.values()].map((device) => ({
              tag: 'device',
              attrs: { id: String(device.id), 'key-index': String(device.keyIndex) },
            })),
          ]
        : [];
      content.push({
        tag: 'devices',
        attrs: {},
        content: [{ tag: 'device-list', attrs: {}, content: devices }],
      });
    }
    if (protocols.has('lid') && phone) {
      content.push({ tag: 'lid', attrs: { val: lidJid(phone.lid) } });
    }
    return { tag: 'user', attrs: { jid: jid ?? '' }, content };
  });
  return iqResult(iq, [
    {
      tag: 'usync',
      attrs: {
        sid: usync?.attrs.sid ?? '',
        index: '0',
        last: 'true',
        mode: usync?.attrs.mode ?? 'query',
        context: usync?.attrs.context ?? 'interactive',
      },
      content: [{ tag: 'list', attrs: {}, content: users }],
    },
  ]);
}
