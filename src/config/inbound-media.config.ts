import { join, resolve } from 'node:path';

import { registerAs } from '@nestjs/config';

import { readBool, readInt, readString } from './env';

/**
 * Received media (D15): where decrypted files are kept and for how long. Files are stored under
 * `dir/<instanceId>/`, named by a hash of the message id; `GET /api/media/...`,
 * `GET /api/chat/base64` and `mediaBase64` deliveries read them.
 */
export interface InboundMediaConfig {
  /** MEDIA_STORE_DIR: directory of the stored files (default `DATA_DIR/media`). */
  dir: string;
  /**
   * MEDIA_AUTO_DOWNLOAD: download and store the media of every received message before its
   * `message.exchange` is published (default true). Off: `GET /api/media` downloads on demand,
   * `chat/base64`, `media.base64` and `s3Url` are then not available.
   */
  autoDownload: boolean;
  /**
   * MEDIA_STORE_MAX_FILE_BYTES: larger files are not stored (nor uploaded to S3 nor embedded as
   * base64); `GET /api/media` still serves them from WhatsApp on demand. Default 64 MiB.
   */
  maxFileBytes: number;
  /** MEDIA_RETENTION_DAYS: stored files of messages older than this are deleted; 0 keeps them. Default 30. */
  retentionDays: number;
  /** MEDIA_SWEEP_INTERVAL_MS: how often expired files are deleted. Default 1 h. */
  sweepIntervalMs: number;
  /** MEDIA_DOWNLOAD_TIMEOUT_MS: a download from WhatsApp is abandoned after this long. Default 60 s (D12). */
  downloadTimeoutMs: number;
}

export function loadInboundMediaConfig(): InboundMediaConfig {
  const dataDir = resolve(readString('DATA_DIR') ?? './data');
  return {
    dir: resolve(readString('MEDIA_STORE_DIR') ?? join(dataDir, 'media')),
    autoDownload: readBool('MEDIA_AUTO_DOWNLOAD', true),
    maxFileBytes: readInt('MEDIA_STORE_MAX_FILE_BYTES', 64 * 1024 * 1024, 0, 2 * 1024 ** 3),
    retentionDays: readInt('MEDIA_RETENTION_DAYS', 30, 0, 36_500),
    sweepIntervalMs: readInt('MEDIA_SWEEP_INTERVAL_MS', 3_600_000, 100, 86_400_000),
    downloadTimeoutMs: readInt('MEDIA_DOWNLOAD_TIMEOUT_MS', 60_000, 1_000, 600_000),
  };
}

export const inboundMediaConfig = registerAs('inboundMedia', loadInboundMediaConfig);
