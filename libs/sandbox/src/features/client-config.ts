import type { FeatureRegistry, SandboxFeature } from '../feature';
import { iqResult } from '../stanza';

/**
 * The iqs every client sends around login that need no state: `passive` (passive/active
 * mode), `w:p` (keep-alive ping) and `abt` (A/B props, one prop the clients read).
 */
export class ClientConfigFeature implements SandboxFeature {
  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'passive' }, ({ iq }) => iqResult(iq));
    registry.iq({ xmlns: 'w:p' }, ({ iq }) => iqResult(iq));
    registry.iq({ xmlns: 'abt' }, ({ iq }) =>
      iqResult(iq, [
        {
          tag: 'props',
          attrs: { protocol: '1', hash: 'wharf-sandbox-1' },
          content: [{ tag: 'prop', attrs: { config_code: '10518', config_value: 'false' } }],
        },
      ]),
    );
  }
}
