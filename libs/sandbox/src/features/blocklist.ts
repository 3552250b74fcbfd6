import { randomInt } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import { blockedContactOf, phoneOfJid } from '../account-settings';
import { errorMessage, SandboxError } from '../errors';
import type {
  ControlBody,
  FeatureHost,
  FeatureRegistry,
  LoggedInIq,
  SandboxFeature,
} from '../feature';
import { numberFromJidOrNumber, pnJid } from '../jid';
import { devicesOf } from '../messaging';
import { childNodes, iqError, iqResult, nowSeconds } from '../stanza';
import type { BlockedContact, Phone } from '../state';

/** A blocked contact as `GET /phones/:number/blocklist` lists it. */
export interface BlockedContactView {
  /** LID JID (PN JID when no LID is known). */
  jid: string;
  /** PN JID, or null when unknown. */
  pn: string | null;
}

/**
 * The blocklist, stored per account (round2-protocol §3.3 "block"; Baileys rc14
 * Socket/chats.js `updateBlockStatus`, `fetchBlocklist`, Socket/messages-recv.js `account_sync`):
 *
 * - `<iq xmlns="blocklist" type="set"><item action="block|unblock" jid=<LID> [pn_jid=<PN>]/>`
 *   stores or removes the contact, keyed by its account (a sandbox phone is the same entry
 *   whether named by LID or PN), answers an empty result, and tells the account's **other**
 *   devices with `<notification type="account_sync"><blocklist><item jid action/></blocklist>`
 *   (Baileys emits `blocklist.update {blocklist: [jid], type: add|remove}`), queued for offline
 *   devices. A change that changes nothing (blocking twice) notifies no one. Any other action,
 *   a JID that is not a user's, or blocking oneself is refused with `400 bad-request`, storing
 *   nothing.
 * - `get` answers `<list><item jid=<LID>/>…</list>` (WhatsApp lists LIDs now; `fetchBlocklist`
 *   returns the `jid`s).
 * - Effects (messaging.ts, features/presence.ts): a blocked contact's direct messages are not
 *   delivered to any device of the blocker (the sender still gets its server ack, and so never a
 *   delivery receipt), nor its receipts, chat states or presence.
 *
 * Control: `GET /phones/:n/blocklist`; `POST /phones/:n/block {number, action}` (the phone's
 * primary calls Baileys' `updateBlockStatus`, so it goes over the wire like a client's).
 */
export class BlocklistFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'blocklist', type: 'get' }, ({ iq, phone }) =>
      iqResult(iq, [
        {
          tag: 'list',
          attrs: {},
          content: this.entries(phone).map((entry) => ({
            tag: 'item',
            attrs: { jid: entry.jid },
          })),
        },
      ]),
    );
    registry.iq({ xmlns: 'blocklist', type: 'set' }, (request) => this.set(request));
    registry.route({
      method: 'GET',
      pattern: /^\/phones\/([^/]+)\/blocklist$/,
      run: ([number]) => this.list(number),
    });
    registry.route({
      // body: { number (or a PN/LID JID), action: 'block' | 'unblock' }
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/block$/,
      run: ([number], body) => this.blockFromPhone(number, body),
    });
  }

  /** The contacts a phone blocked. @throws SandboxError 404 unknown phone. */
  list(number: string): { blocklist: BlockedContactView[] } {
    const phone = this.host.requirePhone(number);
    return {
      blocklist: this.entries(phone).map((entry) => ({ jid: entry.jid, pn: entry.pn ?? null })),
    };
  }

  /**
   * The phone blocks or unblocks a contact (`number`: a sandbox phone's number or PN/LID JID)
   * through its primary's `updateBlockStatus`, i.e. the same iq a client sends.
   * @returns the phone's blocklist afterwards.
   * @throws SandboxError 400 bad body, 404 unknown phone or contact, 409 primary not connected
   *   or the server refused.
   */
  async blockFromPhone(
    number: string,
    body: ControlBody,
  ): Promise<{ blocklist: BlockedContactView[] }> {
    const action = body.action;
    if (action !== 'block' && action !== 'unblock') {
      throw new SandboxError(400, "action must be 'block' or 'unblock'");
    }
    if (typeof body.number !== 'string' || !body.number) {
      throw new SandboxError(400, 'number must be a phone number or a JID');
    }
    this.host.requirePhone(number);
    const contactNumber = numberFromJidOrNumber(body.number);
    const contact = contactNumber
      ? this.host.phoneByNumber(contactNumber)
      : phoneOfJid(this.host, body.number);
    if (!contact) {
      throw new SandboxError(404, `no phone with number or JID ${body.number}`);
    }
    const client = await this.host.readyClient(number);
    try {
      await client.socket().updateBlockStatus(contact.jid, action);
    } catch (err) {
      throw new SandboxError(409, `the phone could not ${action}: ${errorMessage(err)}`);
    }
    return this.list(number);
  }

  private entries(phone: Phone): BlockedContact[] {
    return [...(phone.blocklist?.values() ?? [])];
  }

  private set({ iq, phone, device }: LoggedInIq): BinaryNode {
    const items = childNodes(iq).filter((node) => node.tag === 'item');
    const changes: { action: 'block' | 'unblock'; contact: BlockedContact }[] = [];
    for (const item of items) {
      const { action, jid } = item.attrs;
      const contact = jid ? blockedContactOf(this.host, jid, item.attrs.pn_jid) : undefined;
      const self = jid ? phoneOfJid(this.host, jid) === phone : false;
      if ((action !== 'block' && action !== 'unblock') || !contact || self) {
        return iqError(iq, 400, 'bad-request');
      }
      changes.push({ action, contact });
    }
    if (!changes.length) {
      return iqError(iq, 400, 'bad-request');
    }
    const changed: typeof changes = [];
    for (const change of changes) {
      const list = phone.blocklist ?? new Map<string, BlockedContact>();
      phone.blocklist = list;
      const had = list.has(change.contact.jid);
      if (change.action === 'block' && !had) {
        list.set(change.contact.jid, change.contact);
        changed.push(change);
      } else if (change.action === 'unblock' && had) {
        list.delete(change.contact.jid);
        changed.push(change);
      }
    }
    if (changed.length) {
      this.notifyOtherDevices(phone, device.id, changed);
      this.host.logger.info(
        { number: phone.number, changes: changed.map((c) => `${c.action} ${c.contact.jid}`) },
        'blocklist changed',
      );
    }
    return iqResult(iq);
  }

  /** `account_sync` `<blocklist>` notification to the account's devices but `exceptDevice`. */
  private notifyOtherDevices(
    phone: Phone,
    exceptDevice: number,
    changes: { action: 'block' | 'unblock'; contact: BlockedContact }[],
  ): void {
    for (const device of devicesOf(phone)) {
      if (device.id === exceptDevice) {
        continue;
      }
      const node: BinaryNode = {
        tag: 'notification',
        attrs: {
          from: pnJid(phone.number),
          type: 'account_sync',
          id: `${Date.now().toString(36)}${randomInt(1, 1_000_000)}`,
          t: nowSeconds(),
        },
        content: [
          {
            tag: 'blocklist',
            attrs: {},
            content: changes.map(({ action, contact }) => ({
              tag: 'item',
              attrs: { jid: contact.jid, action },
            })),
          },
        ],
      };
      this.host.router.deliver(phone, device.id, node);
    }
  }
}
