/**
 * Validation messages that are literal texts of docs/API.md. When a failing field carries one of
 * these, it becomes the top-level `error.message`; otherwise the message is
 * `Invalid request body: <detail>` (D2).
 */
export const SPEC_LITERALS = {
  nameRequired: "The 'name' field is required",
  atLeastOneSetting: 'At least one setting must be provided',
  numberRequired: 'Number is required',
  // docs/API.md §3.3 message-action routes (markRead, edit, pinMessage, forward, presence)
  messageIdRequired: 'messageId is required',
  contentRequired: 'content is required',
  forwardFieldsRequired: 'messageId is required or to is required',
  stateRequired: "State is required. Use 'typing', 'recording', or 'pause'",
  tagNameRequired: 'Tag name is required',
  tagIdRequired: 'tagId is required',
  /** `DELETE /api/chat/delete` writes it so (docs/API.md §3.3). */
  deleteMessageIdRequired: 'MessageID is required',
} as const;

const literalSet = new Set<string>(Object.values(SPEC_LITERALS));

export function isSpecLiteral(message: string): boolean {
  return literalSet.has(message);
}
