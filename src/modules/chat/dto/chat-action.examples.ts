/** OpenAPI examples of the message-action routes of docs/API.md §3.3 (values from the reference). */

export const EXAMPLE_PRESENCE = {
  success: true,
  message: 'Presence sent successfully',
  chat_jid: '5511999999999@s.whatsapp.net',
  state: 'typing',
};

export const EXAMPLE_PRESENCE_WITH_DURATION = {
  ...EXAMPLE_PRESENCE,
  message: 'Presence sent successfully; pause follows in 5 seconds',
  duration: 5,
};

export const EXAMPLE_FORWARD = {
  success: true,
  message: 'Message forwarded successfully',
  messageId: '3EB0C9D8E7F6A5B40312',
  originalId: '3EB08FCF27E532F1B0F5',
  destinationJid: '5511987654321@s.whatsapp.net',
};

export const EXAMPLE_EDIT = {
  success: true,
  message: 'Message edited successfully',
  messageId: '3EB08FCF27E532F1B0F5',
  chatJid: '5511999999999@s.whatsapp.net',
  oldContent: 'Helo',
  newContent: 'Hello',
};

export const EXAMPLE_PIN = {
  success: true,
  message: 'Message pinned successfully',
  chat_jid: '5511999999999@s.whatsapp.net',
  message_id: '3EB08FCF27E532F1B0F5',
  pinned: true,
  duration: '7d',
};

export const EXAMPLE_MARK_READ = {
  success: true,
  message: 'Message marked as read successfully',
  message_id: '3EB08FCF27E532F1B0F5',
  chat_jid: '5511999999999@s.whatsapp.net',
};

export const EXAMPLE_BLOCK = {
  success: true,
  message: 'Contact blocked successfully',
  contact_jid: '5511999999999@s.whatsapp.net',
  blocked_count: 7,
  blocked: true,
};
