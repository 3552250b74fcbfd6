import { WhatsAppItemNotFoundError } from '../../errors';
import type { PrivacyFacet } from '../../facets';
import { rethrowAsEngineError } from '../iq-errors';
import type { BaileysFacetContext } from './context';

/**
 * {@link PrivacyFacet} on a Baileys socket: `updateBlockStatus` (`<iq xmlns="blocklist"
 * type="set"><item action jid=<LID> pn_jid=<PN>/>`, the LID looked up by usync when not known)
 * and `fetchBlocklist` (`<iq xmlns="blocklist" type="get">`); docs/round2-protocol notes §3.3
 * "block".
 */
export class BaileysPrivacy implements PrivacyFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  block(jid: string): Promise<void> {
    return this.update(jid, 'block');
  }

  unblock(jid: string): Promise<void> {
    return this.update(jid, 'unblock');
  }

  async blocklist(): Promise<string[]> {
    const jids = await this.ctx
      .socket()
      .fetchBlocklist()
      .catch(rethrowAsEngineError('privacy.blocklist'));
    return jids.filter((jid): jid is string => typeof jid === 'string' && jid.length > 0);
  }

  /**
   * Baileys refuses (a Boom 400 without a WhatsApp code) a contact whose LID ↔ phone mapping it
   * cannot resolve, i.e. one WhatsApp does not know: that is {@link WhatsAppItemNotFoundError}.
   */
  private async update(jid: string, action: 'block' | 'unblock'): Promise<void> {
    const operation = `privacy.${action}`;
    try {
      await this.ctx.socket().updateBlockStatus(jid, action);
    } catch (error) {
      if (error instanceof Error && /^Unable to resolve (LID|PN JID)/.test(error.message))
        throw new WhatsAppItemNotFoundError(
          404,
          'no LID ↔ phone mapping for the contact',
          operation,
        );
      rethrowAsEngineError(operation)(error);
    }
  }
}
