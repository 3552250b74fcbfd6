import type { BinaryNode } from 'baileys';

import { SERVER_JID } from './jid';

/** The child nodes of `node` (none when its content is bytes, a string or absent). */
export function childNodes(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

/** The current time as WhatsApp's `t` attribute: whole seconds since the epoch, as a string. */
export function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** `<iq type="result">` answering `iq`, with optional content. */
export function iqResult(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  const attrs: Record<string, string> = { from: SERVER_JID, type: 'result', id: iq.attrs.id };
  return content ? { tag: 'iq', attrs, content } : { tag: 'iq', attrs };
}

/** `<iq type="error"><error code text/></iq>` answering `iq`. */
export function iqError(iq: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: SERVER_JID, type: 'error', id: iq.attrs.id },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}
