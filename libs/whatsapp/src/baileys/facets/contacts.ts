import type { ContactsFacet } from '../../facets';
import type { NumberLookup } from '../../messages';
import { rethrowAsEngineError } from '../iq-errors';
import type { BaileysFacetContext } from './context';

/** {@link ContactsFacet} on a Baileys socket (usync through `onWhatsApp`). */
export class BaileysContacts implements ContactsFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  async lookupNumbers(numbers: string[]): Promise<NumberLookup[]> {
    const sock = this.ctx.socket();
    // One query per number: WhatsApp answers with the account's own JID (for Brazilian numbers
    // possibly the other 9th-digit variant), so answers cannot be matched back by JID.
    return Promise.all(
      numbers.map(async (number): Promise<NumberLookup> => {
        const [found] = (await sock.onWhatsApp(number).catch(rethrowAsEngineError('contacts.lookupNumbers'))) ?? [];
        return found?.exists
          ? { number, exists: true, jid: found.jid }
          : { number, exists: false, jid: null };
      }),
    );
  }
}
