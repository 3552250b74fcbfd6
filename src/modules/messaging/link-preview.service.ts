import { Injectable, Logger } from '@nestjs/common';
import type { OutgoingLinkPreview } from '@wharf/whatsapp';
import { Parser } from 'htmlparser2';
import sharp from 'sharp';

import { GuardedHttpClient } from './guarded-http.client';

/** Limits of a preview fetch: time per request (ms), bytes read of a page and of its image. */
export const PREVIEW_LIMITS = {
  timeoutMs: 10_000,
  pageBytes: 512 * 1024,
  imageBytes: 5 * 1024 * 1024,
  thumbnailWidth: 192,
} as const;

/** The first http(s) URL in `text`, trailing punctuation dropped, or null. */
export function firstUrl(text: string): string | null {
  const match = /https?:\/\/[^\s<>"']+/i.exec(text);
  return match ? match[0].replace(/[.,;:!?)\]}]+$/, '') : null;
}

/** `<title>` and the Open Graph / Twitter / description `<meta>` tags of an HTML page. */
export function pageMetadata(html: string): {
  title?: string;
  description?: string;
  image?: string;
  url?: string;
} {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'title') inTitle = true;
        if (name === 'meta') {
          const key = (attrs.property ?? attrs.name ?? '').toLowerCase();
          if (key && attrs.content !== undefined && !meta.has(key)) meta.set(key, attrs.content);
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  const pick = (...keys: string[]) =>
    keys.map((key) => meta.get(key)?.trim()).find((value) => value) || undefined;
  return {
    title: pick('og:title', 'twitter:title') ?? (title.trim() || undefined),
    description: pick('og:description', 'twitter:description', 'description'),
    image: pick('og:image', 'og:image:url', 'twitter:image'),
    url: pick('og:url'),
  };
}

/**
 * Builds the link preview of a text message (docs/API.md §3.2 `linkPreview`): fetches the first URL
 * of the text with {@link GuardedHttpClient} (D12; 10 s per request, the first 512 KiB of HTML,
 * 5 MiB of image), reads `og:*`/`twitter:*`/`<title>`/description and makes a 192 px JPEG
 * thumbnail of `og:image` with sharp. Never throws: no URL, a refused address or a failed fetch
 * give `null` and the text goes without a preview.
 */
@Injectable()
export class LinkPreviewService {
  private readonly logger = new Logger(LinkPreviewService.name);

  constructor(private readonly http: GuardedHttpClient) {}

  /** The preview of the first URL in `text`, or null. */
  async preview(text: string): Promise<OutgoingLinkPreview | null> {
    const matched = firstUrl(text);
    if (!matched) return null;
    try {
      const page = await this.http.get(matched, {
        maxBytes: PREVIEW_LIMITS.pageBytes,
        accept: /^(text\/html|application\/xhtml)/i,
        truncate: true,
        timeoutMs: PREVIEW_LIMITS.timeoutMs,
      });
      const meta = pageMetadata(page.body.toString('utf8'));
      if (!meta.title) return null;
      let jpegThumbnailBase64: string | undefined;
      if (meta.image) {
        const imageUrl = new URL(meta.image, page.url).toString();
        const image = await this.http
          .get(imageUrl, {
            maxBytes: PREVIEW_LIMITS.imageBytes,
            accept: /^image\//i,
            timeoutMs: PREVIEW_LIMITS.timeoutMs,
          })
          .catch(() => null);
        if (image) {
          jpegThumbnailBase64 = (
            await sharp(image.body)
              .resize({ width: PREVIEW_LIMITS.thumbnailWidth, withoutEnlargement: true })
              .jpeg({ quality: 60 })
              .toBuffer()
          ).toString('base64');
        }
      }
      return {
        matchedText: matched,
        canonicalUrl: meta.url ?? page.url,
        title: meta.title,
        ...(meta.description ? { description: meta.description } : {}),
        ...(jpegThumbnailBase64 ? { jpegThumbnailBase64 } : {}),
      };
    } catch (error) {
      this.logger.debug(`No link preview for a message: ${(error as Error).message}`);
      return null;
    }
  }
}
