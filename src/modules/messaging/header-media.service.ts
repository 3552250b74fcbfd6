import { basename } from 'node:path';

import { Injectable } from '@nestjs/common';
import type { OutgoingContent, OutgoingHeaderMedia } from '@wharf/whatsapp';

import { GuardedFetchError, GuardedHttpClient } from './guarded-http.client';

/** Most bytes of one header media file (D12 `MEDIA_MAX_BYTES` default, 64 MiB). */
export const HEADER_MEDIA_MAX_BYTES = 64 * 1024 * 1024;

const ACCEPT: Record<OutgoingHeaderMedia['type'], RegExp> = {
  image: /^image\//i,
  video: /^video\//i,
  document: /./,
};

/**
 * Turns the header media of a buttons message or of carousel cards into the bytes the engine
 * uploads, right before the send. The routes download it in the request and store it base64
 * (`MediaPrepareService.prepareHeaderMedia`); this decodes it. A send stored before that (only
 * a URL) is downloaded here, under D12 through {@link GuardedHttpClient} (checked addresses,
 * 3 redirects, 64 MiB, 60 s). Other content is returned as is.
 * @throws GuardedFetchError with a client-safe reason (the send then fails with it)
 */
@Injectable()
export class HeaderMediaService {
  constructor(private readonly http: GuardedHttpClient) {}

  async hydrate(content: OutgoingContent): Promise<OutgoingContent> {
    if (content.kind === 'buttons' && content.media) {
      return { ...content, media: await this.bytesOf(content.media) };
    }
    if (content.kind === 'interactive' && content.flow.type === 'carousel') {
      const cards = await Promise.all(
        content.flow.cards.map(async (card) =>
          card.media ? { ...card, media: await this.bytesOf(card.media) } : card,
        ),
      );
      return { ...content, flow: { ...content.flow, cards } };
    }
    return content;
  }

  private async bytesOf(media: OutgoingHeaderMedia): Promise<OutgoingHeaderMedia> {
    const { base64, ...rest } = media;
    if (base64) return { ...rest, data: Buffer.from(base64, 'base64') };
    try {
      return await this.download(rest);
    } catch (error) {
      // Never the engine's or the network's own text (issue 11: `getaddrinfo ENOTFOUND …`).
      if (error instanceof GuardedFetchError) throw error;
      throw new GuardedFetchError('the header media could not be downloaded');
    }
  }

  private async download(media: OutgoingHeaderMedia): Promise<OutgoingHeaderMedia> {
    const fetched = await this.http.get(media.url, {
      maxBytes: HEADER_MEDIA_MAX_BYTES,
      accept: ACCEPT[media.type],
    });
    const mimetype = fetched.contentType.split(';')[0].trim().toLowerCase();
    return {
      ...media,
      data: fetched.body,
      ...(mimetype ? { mimetype } : {}),
      ...(media.type === 'document'
        ? { fileName: decodeURIComponent(basename(new URL(fetched.url).pathname)) || 'file' }
        : {}),
    };
  }
}
