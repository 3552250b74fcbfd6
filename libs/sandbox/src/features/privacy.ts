import type { FeatureRegistry, SandboxFeature } from '../feature';
import { iqResult } from '../stanza';

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

/**
 * `privacy` iqs: `get` answers a fresh account's settings; `set` is acknowledged with an empty
 * result and not stored (yet).
 */
export class PrivacyFeature implements SandboxFeature {
  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'privacy', type: 'get' }, ({ iq }) =>
      iqResult(iq, [
        {
          tag: 'privacy',
          attrs: {},
          content: Object.entries(DEFAULT_PRIVACY).map(([name, value]) => ({
            tag: 'category',
            attrs: { name, value },
          })),
        },
      ]),
    );
    registry.iq({ xmlns: 'privacy', type: 'set' }, ({ iq }) => iqResult(iq));
  }
}
