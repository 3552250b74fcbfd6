import type { GroupsFacet } from '../../facets';
import { rethrowAsEngineError } from '../iq-errors';
import type { BaileysFacetContext } from './context';

/** {@link GroupsFacet} on a Baileys socket. */
export class BaileysGroups implements GroupsFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  async participants(groupJid: string): Promise<string[]> {
    const metadata = await this.ctx
      .socket()
      .groupMetadata(groupJid)
      .catch(rethrowAsEngineError('groups.participants'));
    return metadata.participants.map((participant) => participant.id);
  }
}
