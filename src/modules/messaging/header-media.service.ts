import { basename } from 'node:path';

import { Injectable } from '@nestjs/common';
import type { OutgoingContent, OutgoingHeaderMedia } from '@wharf/whatsapp';

import { GuardedHttpClient } from './guarded-http.client';

/** Most bytes of one header media file (D12 `MEDIA_MAX_BYTES` default, 64 MiB). */
export const HEADER_MEDIA_MAX_BYTES = 64 * 1024 * 1024;

const ACCEPT: Record<OutgoingHeaderMedia['type'], RegExp> = {
  image: /^image\//i,
  video: /^video\//i,
  document: /./,
};

/**
 * Downloads the header media of a buttons message or of carousel cards right before the send
 * (D12 through {@link GuardedHttpClient}: checked addresses, 3 redirects, 64 MiB, 60 s), so the
 * engine can upload it; the stored request keeps only the URLs. Other content is returned as is.
 * @throws GuardedFetchError or the HTTP client's errors (the send then fails with the reason)
 */
@Injectable()
export class HeaderMediaService {
  constructor(private readonly http: GuardedHttpClient) {}

  async hydrate(content: OutgoingContent): Promise<OutgoingContent> {
    if (content.kind === 'buttons' && content.media) {
      return { ...content, media: await this.download(content.media) };
    }
    if (content.kind === 'interactive' && content.flow.type === 'carousel') {
      const cards = await Promise.all(
        content.flow.cards.map(async (card) =>
          card.media ? { ...card, media: await this.download(card.media) } : card,
        ),
      );
      return { ...content, flow: { ...content.flow, cards } };
    }
    return content;
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
