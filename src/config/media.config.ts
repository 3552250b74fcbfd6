import { registerAs } from '@nestjs/config';

import { readInt, readString } from './env';

export interface MediaConfig {
  /**
   * MEDIA_MAX_BYTES: largest media Wharf downloads from a `mediaUrl`/`imageUrl` or accepts as
   * base64 for a send, bytes (D12: default 64 MiB). Larger input is refused with a 400.
   */
  maxBytes: number;
  /** MEDIA_FETCH_TIMEOUT_MS: time limit of one media download, all redirects included (D12: 60 s). */
  fetchTimeoutMs: number;
  /** FFMPEG_PATH: the ffmpeg binary that converts voice notes to OGG/Opus (default `ffmpeg` on the PATH). */
  ffmpegPath: string;
}

/** D12 media download limits. */
export function loadMediaConfig(): MediaConfig {
  return {
    maxBytes: readInt('MEDIA_MAX_BYTES', 64 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
    fetchTimeoutMs: readInt('MEDIA_FETCH_TIMEOUT_MS', 60_000, 100, 600_000),
    ffmpegPath: readString('FFMPEG_PATH') ?? 'ffmpeg',
  };
}

export const mediaConfig = registerAs('media', loadMediaConfig);
