/* OpenAPI examples of the chat-state routes (docs/API.md §3.3). */

const JID = '5511999999999@s.whatsapp.net';

export const ARCHIVE_EXAMPLE = {
  success: true,
  message: 'Chat archived successfully',
  chat_jid: JID,
  archived: true,
};
export const MARK_CHAT_READ_EXAMPLE = {
  success: true,
  message: 'Chat marked as read successfully',
  chat_jid: JID,
  read: true,
};
export const PIN_EXAMPLE = {
  success: true,
  message: 'Chat pinned successfully',
  chat_jid: JID,
  pinned: true,
};
export const MUTE_EXAMPLE = {
  success: true,
  message: 'Chat muted for 8 hours',
  muted: true,
  duration: 28800,
};
export const DELETE_CHAT_EXAMPLE = {
  success: true,
  message: 'Chat deleted successfully (including media)',
  chat_jid: JID,
  delete_media: true,
};
export const FAVORITE_EXAMPLE = {
  success: true,
  message: 'Message added to favorites successfully',
  type: 'message',
  message_id: '3EB08FCF27E532F1B0F5',
  chat_jid: JID,
  favorite: true,
};
export const DELETE_MESSAGE_EXAMPLE = {
  success: true,
  message: 'Message deleted for everyone',
  delete_type: 'revoke',
  message_id: '3EB08FCF27E532F1B0F5',
  chat_jid: JID,
};
export const TAG_LIST_EXAMPLE = {
  success: true,
  message: 'Tags retrieved successfully',
  tags: [
    { id: '1', name: 'Important', color: 0, type: 'CUSTOM', deleted: false },
    { id: '2', name: 'VIP', color: 5, type: 'CUSTOM', deleted: false },
  ],
  total: 2,
};
export const TAG_CREATED_EXAMPLE = {
  success: true,
  message: 'Tag created successfully',
  tag: { id: '3', name: 'VIP', color: 5, type: 'CUSTOM', deleted: false },
};
export const TAG_DELETED_EXAMPLE = {
  success: true,
  message: 'Tag deleted successfully',
  tag: { id: '3', name: '', color: 0, type: '', deleted: true },
};
export const TAG_ASSIGNED_EXAMPLE = {
  success: true,
  message: 'Tag assigned successfully',
  tag_id: '2',
  chat_jid: JID,
};
export const TAG_REMOVED_EXAMPLE = {
  success: true,
  message: 'Tag removed successfully',
  tag_id: '2',
  chat_jid: JID,
};
export const CONTACTS_BY_LABEL_EXAMPLE = {
  success: true,
  message: 'Chats retrieved successfully',
  chats: [
    {
      chat_jid: JID,
      name: 'João',
      labels: [
        { id: '1', name: 'Important', color: 0, type: 'CUSTOM', deleted: false },
        { id: '2', name: 'VIP', color: 5, type: 'CUSTOM', deleted: false },
      ],
    },
  ],
  total_chats: 1,
  total_rows: 2,
  refreshed: false,
  filter_label_ids: ['1', '2'],
};
export const CONTACTS_EXAMPLE = {
  success: true,
  message: 'Contacts retrieved successfully',
  contacts: [
    {
      jid: JID,
      lid: '199789077627112@lid',
      first_name: 'João',
      full_name: 'João Silva',
      push_name: 'João',
      phone_number: '5511*****9999',
    },
  ],
  total: 1,
};
