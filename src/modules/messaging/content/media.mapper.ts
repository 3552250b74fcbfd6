import type { OutgoingContent, OutgoingMedia } from '@wharf/whatsapp';

import {
  type SendMediaDto,
  type SendStatusDto,
  type SendStickerDto,
  STATUS_FONTS,
} from '../dto/send-media.dto';
import { invalidField, NotImplementedYetError } from '../messaging.errors';
import { mentionJidsOf } from './recipient.mapper';

/**
 * The media sends of docs/API.md §3.2 — `media`, `sticker`, `status` — as requests for
 * `MediaPrepareService` (which downloads, decodes and converts the file in the HTTP request), and
 * the content built from what it prepared.
 */

/** Where the bytes of a send come from: a URL to download, or base64 (optionally a `data:` URL). */
export type MediaSource = { url: string } | { base64: string; field: string };

/** What the client asked for in `POST /api/message/media` (aliases already resolved, D22). */
export interface MediaRequest {
  mediaType: OutgoingMedia['mediaType'];
  source: MediaSource;
  caption?: string;
  mimeType?: string;
  fileName?: string;
  /** Audio: voice note (default true). */
  isVoice?: boolean;
  /** Audio: seconds given by the client. */
  duration?: number;
  waveform?: number[];
}

/** Whether a string is an http(s) URL (D22 `media`: a URL is fetched, anything else is base64). */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value.trim());
}

/** A field that is a URL or base64 (`imageUrl` of a sticker, `mediaUrl` of a status). */
const urlOrBase64 = (value: string, field: string): MediaSource =>
  isHttpUrl(value) ? { url: value.trim() } : { base64: value, field };

/**
 * The source of a media send: `mediaUrl` (a URL is downloaded; a non-URL is taken as base64, as
 * docs/API.md allows) or `mediaBase64`, exactly one; the D22 alias `media` only when neither is set.
 * @throws ValidationFailedError for both or neither
 */
export function mediaSourceOf(body: {
  mediaUrl?: string;
  mediaBase64?: string;
  media?: string;
}): MediaSource {
  if (body.mediaUrl !== undefined && body.mediaBase64 !== undefined)
    throw invalidField('mediaUrl', 'send mediaUrl or mediaBase64, not both');
  const [field, value] =
    body.mediaUrl !== undefined
      ? ['mediaUrl', body.mediaUrl]
      : body.mediaBase64 !== undefined
        ? ['mediaBase64', body.mediaBase64]
        : ['media', body.media];
  if (value === undefined) throw invalidField('mediaUrl', 'mediaUrl or mediaBase64 is required');
  if (field !== 'mediaBase64' && isHttpUrl(value)) return { url: value.trim() };
  return { base64: value, field };
}

/**
 * `POST /api/message/media` as a prepare request (D22 aliases resolved: `type`/`mediatype`,
 * `caption`, `mimetype`, `media`) and its mention JIDs. `replyPrivate` and `mentionAll` answer
 * 501 here (never silently ignored).
 * @throws NotImplementedYetError; ValidationFailedError `mediaType is required` or a source
 *   error of {@link mediaSourceOf}; InvalidNumberError for a bad `mention`
 */
export function mediaRequestOf(body: SendMediaDto): {
  request: MediaRequest;
  mentions: string[] | undefined;
} {
  for (const field of ['replyPrivate', 'mentionAll'] as const)
    if (body[field]) throw new NotImplementedYetError(field);
  const mediaType = body.mediaType ?? body.type ?? body.mediatype;
  if (!mediaType) throw invalidField('mediaType', 'mediaType is required');
  const source = mediaSourceOf(body);
  const mentions = mentionJidsOf(body.mention);
  return {
    request: {
      mediaType,
      source,
      caption: body.message ?? body.caption,
      mimeType: body.mimeType ?? body.mimetype,
      fileName: body.fileName,
      isVoice: body.isVoice,
      duration: body.duration,
      waveform: body.waveform,
    },
    mentions,
  };
}

/**
 * The image of `POST /api/message/sticker`: `imageUrl`, a URL or a `data:` base64 URL.
 * @throws NotImplementedYetError for `replyPrivate`
 */
export function stickerSourceOf(
  body: Pick<SendStickerDto, 'imageUrl' | 'replyPrivate'>,
): MediaSource {
  if (body.replyPrivate) throw new NotImplementedYetError('replyPrivate');
  return urlOrBase64(body.imageUrl, 'imageUrl');
}

/** Content of a sticker from its prepared WebP (512×512, base64). */
export function stickerContent(webp: { base64: string }): OutgoingContent {
  return { kind: 'sticker', base64: webp.base64, mimeType: 'image/webp' };
}

/** What a status shows: its text, or the media to prepare. */
export type StatusInner = { kind: 'text'; text: string } | { kind: 'media'; request: MediaRequest };

/**
 * What `POST /api/message/status` posts (docs/API.md §3.2): `type` `text` needs `message`; `image`,
 * `video` and `audio` need `mediaUrl` (a URL or base64), with `message` as the caption.
 * @throws ValidationFailedError `message is required for a text status`, `mediaUrl is required
 *   for <type> statuses`
 */
export function statusInnerOf(body: SendStatusDto): StatusInner {
  if (body.type === 'text') {
    const text = body.message;
    if (!text?.trim()) throw invalidField('message', 'message is required for a text status');
    return { kind: 'text', text };
  }
  if (!body.mediaUrl)
    throw invalidField('mediaUrl', `mediaUrl is required for ${body.type} statuses`);
  return {
    kind: 'media',
    request: {
      mediaType: body.type,
      source: urlOrBase64(body.mediaUrl, 'mediaUrl'),
      caption: body.message,
      mimeType: body.mimeType,
      fileName: body.fileName,
      isVoice: body.isVoice,
      duration: body.duration,
      waveform: body.waveform,
    },
  };
}

/**
 * Content of a status to `status@broadcast` for `statusJidList`; a text status carries its
 * `backgroundColor` and `font` (a name of {@link STATUS_FONTS} → WhatsApp's font number).
 */
export function statusContent(
  body: Pick<SendStatusDto, 'type' | 'backgroundColor' | 'font'>,
  inner: { kind: 'text'; text: string } | OutgoingMedia,
  statusJidList: string[],
): OutgoingContent {
  return {
    kind: 'status',
    content: inner,
    statusJidList,
    ...(body.type === 'text' && body.backgroundColor
      ? { backgroundColor: body.backgroundColor }
      : {}),
    ...(body.type === 'text' && body.font ? { font: STATUS_FONTS[body.font] } : {}),
  };
}
