import type { LabelInfo } from '../../app-state';
import type { LabelsFacet } from '../../facets';
import { rethrowAsEngineError } from '../iq-errors';
import type { BaileysFacetContext } from './context';

/**
 * {@link LabelsFacet} on a Baileys socket: `addLabel` (`label_edit` patch; a deletion is an edit
 * with `deleted: true`, Baileys#1069), `addChatLabel` / `removeChatLabel` (`label_jid` patches).
 * Each write waits for the app-state key first (`ctx.appStateKey`).
 */
export class BaileysLabels implements LabelsFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  async edit(label: Omit<LabelInfo, 'predefinedId'>): Promise<void> {
    const sock = this.ctx.socket();
    await this.ctx.appStateKey('labels.edit');
    await sock
      .addLabel('', { id: label.id, name: label.name, color: label.color, deleted: label.deleted })
      .catch(rethrowAsEngineError('labels.edit'));
  }

  async addToChat(chatJid: string, labelId: string): Promise<void> {
    const sock = this.ctx.socket();
    await this.ctx.appStateKey('labels.addToChat');
    await sock.addChatLabel(chatJid, labelId).catch(rethrowAsEngineError('labels.addToChat'));
  }

  async removeFromChat(chatJid: string, labelId: string): Promise<void> {
    const sock = this.ctx.socket();
    await this.ctx.appStateKey('labels.removeFromChat');
    await sock
      .removeChatLabel(chatJid, labelId)
      .catch(rethrowAsEngineError('labels.removeFromChat'));
  }
}
