import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { iqResult } from '../stanza';

/** Largest upload the media host announces (`maxContentLengthBytes`), in bytes. */
const MAX_MEDIA_BYTES = 64 * 1024 * 1024;

/**
 * `w:m` `media_conn`: where and with which token clients upload and download media (the
 * sandbox's HTTPS media host, media-server.ts).
 */
export class MediaConnFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'w:m', child: 'media_conn' }, ({ iq }) => {
      const { media } = this.host;
      return iqResult(iq, [
        {
          tag: 'media_conn',
          attrs: { auth: media.auth, ttl: '3600', auth_ttl: '3600', max_buckets: '12' },
          content: media.hostname
            ? [
                {
                  tag: 'host',
                  attrs: {
                    hostname: media.hostname,
                    maxContentLengthBytes: String(MAX_MEDIA_BYTES),
                  },
                },
              ]
            : [],
        },
      ]);
    });
  }
}
