import type { LabelInfo } from '../app-state';
import { notSupported } from './not-supported';

/**
 * WhatsApp Business labels (app state, collection `regular`). Writes wait for the app-state key
 * like the chats facet (`AppStateNotReadyError` after the bound) and throw
 * `SessionNotConnectedError` when not connected. The account's devices — and this session, as
 * `appState` events — see every change.
 */
export interface LabelsFacet {
  /** Creates, renames or deletes (`deleted: true`) the label `label.id`. */
  edit(label: Omit<LabelInfo, 'predefinedId'>): Promise<void>;
  /** Applies the label to the chat (idempotent). */
  addToChat(chatJid: string, labelId: string): Promise<void>;
  /** Removes the label from the chat (idempotent). */
  removeFromChat(chatJid: string, labelId: string): Promise<void>;
}

/** {@link LabelsFacet} of an engine without it (D16). */
export const LABELS_NOT_SUPPORTED: LabelsFacet = {
  edit: () => notSupported('labels.edit'),
  addToChat: () => notSupported('labels.addToChat'),
  removeFromChat: () => notSupported('labels.removeFromChat'),
};
