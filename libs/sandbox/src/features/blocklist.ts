import type { FeatureRegistry, SandboxFeature } from '../feature';
import { iqResult } from '../stanza';

/**
 * `blocklist` iqs: `get` answers an empty list; `set` is acknowledged with an empty result and
 * not stored (yet).
 */
export class BlocklistFeature implements SandboxFeature {
  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'blocklist', type: 'get' }, ({ iq }) =>
      iqResult(iq, [{ tag: 'list', attrs: {} }]),
    );
    registry.iq({ xmlns: 'blocklist', type: 'set' }, ({ iq }) => iqResult(iq));
  }
}
