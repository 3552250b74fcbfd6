import type { BinaryNode } from 'baileys';

import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { lidJid, parseJid, PN_SERVER, pnJid } from '../jid';
import { childNodes, iqResult } from '../stanza';
import type { Phone } from '../state';

/**
 * `usync` queries for the `contact` (is the number on WhatsApp), `devices` (device list with
 * key indexes) and `lid` protocols; users are named by JID or by `<contact>` phone number.
 */
export class UsyncFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'usync' }, ({ iq }) => this.answer(iq));
  }

  private answer(iq: BinaryNode): BinaryNode {
    const { b } = this.host;
    const directory = this.host;
    const usync = b.getBinaryNodeChild(iq, 'usync');
    const query = b.getBinaryNodeChild(usync, 'query');
    const list = b.getBinaryNodeChild(usync, 'list');
    const protocols = new Set(childNodes(query).map((node) => node.tag));
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
}
