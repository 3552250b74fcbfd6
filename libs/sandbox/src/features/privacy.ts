import type { BinaryNode } from 'baileys';

import { PRIVACY_VALUES, privacyOf } from '../account-settings';
import type { FeatureHost, FeatureRegistry, LoggedInIq, SandboxFeature } from '../feature';
import { childNodes, iqError, iqResult } from '../stanza';
import type { Phone } from '../state';

/**
 * Privacy settings stored per account (round2-protocol §3.7; Baileys rc14 Socket/chats.js
 * `fetchPrivacySettings`, `privacyQuery` and the `update…Privacy` setters):
 *
 * - `<iq xmlns="privacy" type="set"><privacy><category name value/>…</privacy>` stores each
 *   category (names and values in account-settings.ts `PRIVACY_VALUES`) and answers the stored
 *   categories it set; an unknown name or value refuses the whole set with `400 bad-request`
 *   and stores nothing.
 * - `get` answers `<privacy><category name value/>…</privacy>` with every category: the
 *   account's value, else WhatsApp's default for a fresh account.
 * - Effects: `readreceipts` (messaging.ts: a reader with `none` sends no read receipt to 1:1
 *   senders and gets none; group reads and played receipts still go, as on WhatsApp), `last`
 *   and `online` (features/presence.ts).
 *
 * Control: `GET /phones/:n/privacy` → `{ privacy: { <category>: <value> } }`.
 */
export class PrivacyFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'privacy', type: 'get' }, ({ iq, phone }) =>
      iqResult(iq, [this.privacyNode(privacyOf(phone))]),
    );
    registry.iq({ xmlns: 'privacy', type: 'set' }, (request) => this.set(request));
    registry.route({
      method: 'GET',
      pattern: /^\/phones\/([^/]+)\/privacy$/,
      run: ([number]) => this.view(number),
    });
  }

  /** Every privacy category of a phone with its value. @throws SandboxError 404 unknown phone. */
  view(number: string): { privacy: Record<string, string> } {
    return { privacy: privacyOf(this.host.requirePhone(number)) };
  }

  private set({ iq, phone }: LoggedInIq): BinaryNode {
    const privacy = childNodes(iq).find((node) => node.tag === 'privacy');
    const categories = childNodes(privacy).filter((node) => node.tag === 'category');
    const changes: [string, string][] = [];
    for (const { attrs } of categories) {
      const { name, value } = attrs;
      if (!name || !value || !PRIVACY_VALUES[name]?.includes(value)) {
        return iqError(iq, 400, 'bad-request');
      }
      changes.push([name, value]);
    }
    if (!changes.length) {
      return iqError(iq, 400, 'bad-request');
    }
    this.store(phone, changes);
    return iqResult(iq, [this.privacyNode(Object.fromEntries(changes))]);
  }

  private store(phone: Phone, changes: [string, string][]): void {
    const stored = phone.privacy ?? new Map<string, string>();
    phone.privacy = stored;
    for (const [name, value] of changes) {
      stored.set(name, value);
    }
    this.host.logger.info({ number: phone.number, changes }, 'privacy changed');
  }

  private privacyNode(values: Record<string, string>): BinaryNode {
    return {
      tag: 'privacy',
      attrs: {},
      content: Object.entries(values).map(([name, value]) => ({
        tag: 'category',
        attrs: { name, value },
      })),
    };
  }
}
