import type { AnyMessageContent, MiscMessageGenerationOptions, proto, WAMessage } from 'baileys';

import type { BaileysModule } from './baileys-loader';
import { SandboxError } from './errors';
import { parseJid, pnJid } from './jid';
import { buildPollVote } from './poll-vote';

/**
 * A message a phone is asked to send: `content` for Baileys' `sendMessage`, or a ready `raw`
 * protobuf message (poll votes, which Baileys has no content shortcut for).
 */
export type OutgoingMessage =
  | { jid: string; content: AnyMessageContent; options: MiscMessageGenerationOptions }
  | { jid: string; raw: proto.IMessage };

/** What {@link buildOutgoing} needs besides the body. */
export interface OutgoingContext {
  b: BaileysModule;
  /** PN JID of the sending phone. */
  ownJid: string;
  /** Looks a message up among those the phone sent or received. */
  find: (id: string) => WAMessage | undefined;
}

type Body = Record<string, unknown>;

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, name: string, max = 65_536): string {
  if (typeof value !== 'string' || !value || value.length > max) {
    throw new SandboxError(400, `${name} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function requireNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SandboxError(400, `${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  return requireString(value, name, 1024);
}

function stringList(value: unknown, name: string): string[] {
  if (
    !Array.isArray(value) ||
    !value.length ||
    value.some((item) => typeof item !== 'string' || !item)
  ) {
    throw new SandboxError(400, `${name} must be a non-empty array of strings`);
  }
  return value as string[];
}

/** Media kinds `POST /phones/:number/messages` accepts. */
const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
type MediaKind = (typeof MEDIA_KINDS)[number];

const DEFAULT_MIMETYPES: Record<MediaKind, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

/** `{ data (base64), mimetype?, fileName?, caption?, ptt? }` → Baileys media content. */
function mediaContent(kind: MediaKind, value: unknown): AnyMessageContent {
  if (!isObject(value) || typeof value.data !== 'string' || !value.data) {
    throw new SandboxError(400, `${kind} must be { data: <base64>, mimetype?, caption? }`);
  }
  const data = Buffer.from(value.data, 'base64');
  if (!data.length) {
    throw new SandboxError(400, `${kind}.data must be base64-encoded bytes`);
  }
  const mimetype = optionalString(value.mimetype, `${kind}.mimetype`) ?? DEFAULT_MIMETYPES[kind];
  const caption = optionalString(value.caption, `${kind}.caption`);
  switch (kind) {
    case 'image':
      return { image: data, mimetype, caption };
    case 'video':
      return { video: data, mimetype, caption };
    case 'audio':
      return { audio: data, mimetype, ptt: value.ptt === true };
    case 'sticker':
      return { sticker: data, mimetype };
    case 'document':
      return {
        document: data,
        mimetype,
        fileName: optionalString(value.fileName, 'document.fileName') ?? 'file',
        caption,
      };
  }
}

/** `to` as a JID: a number becomes `<number>@s.whatsapp.net`; JIDs pass unchanged. */
export function resolveRecipient(to: unknown): string {
  if (typeof to !== 'string') {
    throw new SandboxError(400, 'to must be a phone number or a JID');
  }
  const trimmed = to.trim().replace(/^\+/, '');
  if (/^\d{8,15}$/.test(trimmed)) {
    return pnJid(trimmed);
  }
  const parsed = parseJid(trimmed);
  if (!parsed || !['s.whatsapp.net', 'lid', 'g.us'].includes(parsed.server) || parsed.device) {
    throw new SandboxError(400, 'to must be a phone number or a JID');
  }
  return trimmed;
}

/**
 * Turns a `POST /phones/:number/messages` body into Baileys content. Replies, reactions,
 * edits, revokes and votes name an earlier message by id; `find` looks it up among the
 * messages the phone sent or received.
 * @throws SandboxError 400 malformed body, 404 unknown referenced message.
 */
export function buildOutgoing(body: Body, { b, ownJid, find }: OutgoingContext): OutgoingMessage {
  const jid = resolveRecipient(body.to);
  const referenced = (id: unknown, name: string): WAMessage => {
    const messageId = requireString(id, name, 128);
    const found = find(messageId);
    if (!found) {
      throw new SandboxError(404, `the phone has no message ${messageId}`);
    }
    return found;
  };
  const options: MiscMessageGenerationOptions = {};
  if (body.text !== undefined) {
    const text = requireString(body.text, 'text');
    if (body.replyTo !== undefined) {
      options.quoted = referenced(body.replyTo, 'replyTo');
    }
    return { jid, content: { text }, options };
  }
  for (const kind of MEDIA_KINDS) {
    if (body[kind] !== undefined) {
      return { jid, content: mediaContent(kind, body[kind]), options };
    }
  }
  if (body.location !== undefined) {
    if (!isObject(body.location)) {
      throw new SandboxError(400, 'location must be an object');
    }
    const { degreesLatitude, degreesLongitude, name, address } = body.location;
    return {
      jid,
      content: {
        location: {
          degreesLatitude: requireNumber(degreesLatitude, 'location.degreesLatitude', -90, 90),
          degreesLongitude: requireNumber(degreesLongitude, 'location.degreesLongitude', -180, 180),
          name: optionalString(name, 'location.name'),
          address: optionalString(address, 'location.address'),
        },
      },
      options,
    };
  }
  if (body.contacts !== undefined) {
    if (!Array.isArray(body.contacts) || !body.contacts.length) {
      throw new SandboxError(400, 'contacts must be a non-empty array');
    }
    const contacts = body.contacts.map((contact: unknown, index) => {
      if (!isObject(contact)) {
        throw new SandboxError(400, `contacts[${index}] must be an object`);
      }
      return {
        displayName: requireString(contact.displayName, `contacts[${index}].displayName`, 256),
        vcard: requireString(contact.vcard, `contacts[${index}].vcard`),
      };
    });
    return {
      jid,
      content: { contacts: { displayName: contacts[0].displayName, contacts } },
      options,
    };
  }
  if (body.reaction !== undefined) {
    if (!isObject(body.reaction) || typeof body.reaction.emoji !== 'string') {
      throw new SandboxError(400, 'reaction must be { messageId, emoji } (emoji "" removes it)');
    }
    const target = referenced(body.reaction.messageId, 'reaction.messageId');
    return { jid, content: { react: { text: body.reaction.emoji, key: target.key } }, options };
  }
  if (body.poll !== undefined) {
    if (!isObject(body.poll)) {
      throw new SandboxError(400, 'poll must be an object');
    }
    const values = stringList(body.poll.options, 'poll.options');
    const selectableCount =
      body.poll.selectableCount === undefined
        ? 1
        : requireNumber(body.poll.selectableCount, 'poll.selectableCount', 0, values.length);
    return {
      jid,
      content: {
        poll: {
          name: requireString(body.poll.name, 'poll.name', 256),
          values,
          selectableCount: Math.floor(selectableCount),
        },
      },
      options,
    };
  }
  if (body.pollVote !== undefined) {
    if (!isObject(body.pollVote) || !Array.isArray(body.pollVote.options)) {
      throw new SandboxError(400, 'pollVote must be { messageId, options: [option names] }');
    }
    const options = body.pollVote.options as unknown[];
    if (options.some((option) => typeof option !== 'string')) {
      throw new SandboxError(400, 'pollVote.options must be option names');
    }
    const poll = referenced(body.pollVote.messageId, 'pollVote.messageId');
    return { jid, raw: buildPollVote(b, poll, options as string[], ownJid) };
  }
  if (body.edit !== undefined) {
    if (!isObject(body.edit)) {
      throw new SandboxError(400, 'edit must be { messageId, text }');
    }
    const target = referenced(body.edit.messageId, 'edit.messageId');
    if (!target.key.fromMe) {
      throw new SandboxError(409, 'a phone can only edit messages it sent');
    }
    return {
      jid,
      content: { text: requireString(body.edit.text, 'edit.text'), edit: target.key },
      options,
    };
  }
  if (body.revoke !== undefined) {
    if (!isObject(body.revoke)) {
      throw new SandboxError(400, 'revoke must be { messageId }');
    }
    const target = referenced(body.revoke.messageId, 'revoke.messageId');
    if (!target.key.fromMe) {
      throw new SandboxError(409, 'a phone can only revoke messages it sent');
    }
    return { jid, content: { delete: target.key }, options };
  }
  throw new SandboxError(
    400,
    'the body needs one of text, image, video, audio, document, sticker, location, contacts, reaction, poll, pollVote, edit or revoke',
  );
}
