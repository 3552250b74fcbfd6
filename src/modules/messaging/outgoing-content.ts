import type { OutgoingContent, OutgoingHeaderMedia } from '@wharf/whatsapp';

/** Row helpers of sends with files shared by the send pipeline and the routes (docs/API.md §3.2, D14). */

/**
 * The stored `type` of a send (docs/API.md §3.2 `data.messageType`): the content kind, the media
 * type of a media send (`audio` for voice notes too), the inner type of a status, the forwarded
 * message's type for a forward and `message_edit` for an edit (`pin` for a pin).
 */
export function messageTypeOf(content: OutgoingContent): string {
  if (content.kind === 'media') return content.mediaType;
  // docs/API.md §3.3: a forward keeps the forwarded message's type; an edit is D7 `message_edit`.
  if (content.kind === 'forward') return content.type;
  if (content.kind === 'edit') return 'message_edit';
  if (content.kind === 'status')
    return content.content.kind === 'media' ? content.content.mediaType : 'text';
  return content.kind;
}

/** The file a send carries: the media or sticker itself, or a status's media; `null` otherwise. */
function fileOf(
  content: OutgoingContent | undefined,
): Extract<OutgoingContent, { kind: 'media' | 'sticker' }> | null {
  const file = content?.kind === 'status' ? content.content : content;
  return file?.kind === 'media' || file?.kind === 'sticker' ? file : null;
}

/**
 * The file bytes a send carries (media, sticker, or a media status), decoded from the row's
 * request; `null` for other content or once {@link withoutMediaBytes} has removed them.
 */
export function mediaBytesOf(content: OutgoingContent | undefined): Buffer | null {
  const file = fileOf(content);
  return file?.base64 ? Buffer.from(file.base64, 'base64') : null;
}

/** `content` with the base64 of its header media blanked (buttons, carousel cards); else null. */
function withoutHeaderMediaBytes(content: OutgoingContent): OutgoingContent | null {
  const blank = (media: OutgoingHeaderMedia): OutgoingHeaderMedia => ({ ...media, base64: '' });
  if (content.kind === 'buttons' && content.media?.base64)
    return { ...content, media: blank(content.media) };
  if (
    content.kind === 'interactive' &&
    content.flow.type === 'carousel' &&
    content.flow.cards.some((card) => card.media?.base64)
  ) {
    const cards = content.flow.cards.map((card) =>
      card.media ? { ...card, media: blank(card.media) } : card,
    );
    return { ...content, flow: { ...content.flow, cards } };
  }
  return null;
}

/**
 * The stored request of a send with its file bytes removed (media, sticker, media status, and
 * the header media of buttons and carousels), as a partial row update — `{}` when there is
 * nothing to remove. The base64 bytes are kept in the row only until the send is resolved (sent
 * or failed), so a crash in between loses nothing (D14) and no copy stays after.
 */
export function withoutMediaBytes(request: Record<string, unknown> | null | undefined): {
  request?: Record<string, unknown>;
} {
  const content = (request as { content?: OutgoingContent } | null | undefined)?.content;
  if (!request || !content) return {};
  const file = fileOf(content);
  if (!file) {
    const header = withoutHeaderMediaBytes(content);
    return header ? { request: { ...request, content: header } } : {};
  }
  const blank = { ...file, base64: '' };
  return {
    request: {
      ...request,
      content: content.kind === 'status' ? { ...content, content: blank } : blank,
    },
  };
}
