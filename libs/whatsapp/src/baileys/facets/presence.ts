import type { ChatPresence, PresenceFacet } from '../../facets';
import type { OwnPresence } from '../../types';
import type { BaileysFacetContext } from './context';

/** {@link PresenceFacet} on a Baileys socket. */
export class BaileysPresence implements PresenceFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  async setOwn(presence: OwnPresence): Promise<void> {
    await this.ctx.socket().sendPresenceUpdate(presence);
  }

  async setInChat(chatJid: string, presence: ChatPresence): Promise<void> {
    const sock = this.ctx.socket();
    // WhatsApp shows chat states only from an available client.
    if (presence !== 'paused') await sock.sendPresenceUpdate('available');
    await sock.sendPresenceUpdate(presence, chatJid);
  }
}
