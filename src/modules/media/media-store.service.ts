import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import { Message } from '@wharf/modules/messaging/entities/message.entity';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import {
  asStream,
  isNotConnected,
  RELAY_MEDIA_MAX_BYTES,
} from '@wharf/modules/session/session-commands';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';

import { MediaNotFoundError } from './media.errors';
import { extensionFor, fileNameOf } from './media-files';
import { S3MediaUploader } from './s3-media.uploader';

/** The D7 `media` block as stored in `Message.payload.media`. */
export interface StoredMediaBlock {
  type: string;
  mimetype: string | null;
  fileName: string | null;
  size: number | null;
  sha256: string | null;
  downloadUrl?: string;
  s3Url?: string;
}

/** A stored (decrypted) media file. */
export interface MediaFile {
  /** Absolute path of the file. */
  path: string;
  size: number;
  mimetype: string;
  fileName: string;
}

/** The D15 fields added to `message.exchange` `media`. */
export interface MediaEventFields {
  downloadUrl: string;
  fileName: string;
  size: number | null;
  sha256: string | null;
  s3Url?: string;
}

class TooLargeError extends Error {}

/** Modes of the media store (issue 11): the files are decrypted media, private to Wharf's user. */
export const MEDIA_DIR_MODE = 0o700;
export const MEDIA_FILE_MODE = 0o600;

/**
 * Media of messages (D15). Received media: downloads and decrypts it through the instance's live
 * session, stores the plaintext under MEDIA_STORE_DIR (`<instanceId>/<sha256(messageId)>`, `Message.mediaPath`
 * relative to the directory), uploads it to the instance's S3 bucket when enabled, and serves
 * it to `GET /api/media`, `GET /api/chat/base64` and `mediaBase64` webhooks and streams. Sent
 * media: the bytes Wharf sent are kept the same way ({@link MediaStoreService.captureSent}).
 *
 * Caching: files up to MEDIA_STORE_MAX_FILE_BYTES are stored at ingestion (MEDIA_AUTO_DOWNLOAD)
 * or at the first `GET /api/media`, and deleted after MEDIA_RETENTION_DAYS (sweep every
 * MEDIA_SWEEP_INTERVAL_MS).
 * Larger files are never stored: `GET /api/media` streams them from WhatsApp each time.
 * The directory must be shared by all Wharf processes of a deployment (like DATA_DIR).
 */
@Injectable()
export class MediaStoreService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MediaStoreService.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly sessions: SessionProvider,
    private readonly s3: S3MediaUploader,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Created at start-up (0700) so its mode never depends on which write comes first.
    await mkdir(this.settings.dir, { recursive: true, mode: MEDIA_DIR_MODE });
    if (this.settings.retentionDays > 0) {
      this.sweepTimer = setInterval(() => {
        this.sweep().catch((error: unknown) => {
          this.logger.warn(`Media sweep failed: ${(error as Error).message}`);
        });
      }, this.settings.sweepIntervalMs);
      this.sweepTimer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
  }

  private get settings() {
    return this.config.get('inboundMedia', { infer: true });
  }

  /** The D15 `downloadUrl`: `<PUBLIC_URL>/api/media/<instance>/<messageId>`. */
  downloadUrl(instanceName: string, messageId: string): string {
    const base = this.config.get('app.publicUrl', { infer: true });
    return `${base}/api/media/${encodeURIComponent(instanceName)}/${encodeURIComponent(messageId)}`;
  }

  /**
   * Ingestion step for a message with media (D15), run before its event is published: stores
   * the file (MEDIA_AUTO_DOWNLOAD, size cap) and uploads it to S3 when the instance has S3 on.
   * Failures are logged and leave the fields that need the file out (`s3Url`); never throws.
   * Records `mediaPath` and the D15 fields (in `payload.media`) on `row` (the caller flushes).
   * @returns the fields to merge into the event's `media` block
   */
  async capture(
    instance: { id: string; name: string },
    row: Message,
    raw: Record<string, unknown> | null,
  ): Promise<MediaEventFields> {
    const media = row.payload.media as StoredMediaBlock;
    const fields: MediaEventFields = {
      downloadUrl: this.downloadUrl(instance.name, row.messageId),
      fileName: fileNameOf(row.messageId, media),
      size: media.size,
      sha256: media.sha256,
    };
    if (this.settings.autoDownload && raw) {
      try {
        const file = await this.download(instance.id, row.messageId, media, raw);
        if (file) {
          row.mediaPath = file.relative;
          fields.size = file.size;
          fields.sha256 = file.sha256;
          const s3Url = await this.uploadToS3(instance.id, row.messageId, media, file);
          if (s3Url) fields.s3Url = s3Url;
        }
      } catch (error) {
        this.logger.warn(
          `Media of ${row.messageId} (${instance.name}) not stored: ${(error as Error).message}`,
        );
      }
    }
    row.payload = { ...row.payload, media: { ...media, ...fields } };
    return fields;
  }

  /**
   * D15 for a message Wharf sent: keeps the bytes it just sent (no download) under
   * MEDIA_STORE_DIR when within MEDIA_STORE_MAX_FILE_BYTES, uploads them to S3 when the instance
   * has it, and records `mediaPath` and the D15 fields in `row.payload.media` (the caller writes
   * the row; `row.payload.media` must hold the sent media block). Never throws: a failure is
   * logged and leaves the file out (`GET /api/media` then downloads it through the session).
   * The outgoing event reads the fields back from `row.payload.media`.
   */
  async captureSent(
    instance: { id: string; name: string },
    row: Message,
    bytes: Buffer,
  ): Promise<void> {
    const media = row.payload.media as StoredMediaBlock;
    const fields: MediaEventFields = {
      downloadUrl: this.downloadUrl(instance.name, row.messageId),
      fileName: fileNameOf(row.messageId, media),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('base64'),
    };
    if (bytes.length <= this.settings.maxFileBytes) {
      try {
        const { relative, path, temp } = await this.placeFor(instance.id, row.messageId);
        await writeFile(temp, bytes, { mode: MEDIA_FILE_MODE });
        await rename(temp, path);
        row.mediaPath = relative;
        const s3Url = await this.uploadToS3(instance.id, row.messageId, media, {
          path,
          size: bytes.length,
        });
        if (s3Url) fields.s3Url = s3Url;
      } catch (error) {
        this.logger.warn(
          `Sent media of ${row.messageId} (${instance.name}) not stored: ${(error as Error).message}`,
        );
      }
    }
    row.payload = { ...row.payload, media: { ...media, ...fields } };
  }

  /**
   * The media file of a message for `GET /api/media` (D15): the stored file, else a download
   * through the live session (stored when within the size cap, else streamed once).
   * @throws MediaNotFoundError, InstanceNotConnectedError (503: not stored and no live session)
   */
  async open(
    instanceId: string,
    messageId: string,
  ): Promise<{ file: MediaFile } | { stream: Readable; mimetype: string; fileName: string }> {
    const row = await this.em
      .fork()
      .findOne(Message, { instance: instanceId, messageId }, { populate: ['raw'] });
    const media = row?.payload.media as StoredMediaBlock | undefined;
    if (!row || !media) throw new MediaNotFoundError();
    const mimetype = media.mimetype ?? 'application/octet-stream';
    const fileName = media.fileName ?? fileNameOf(messageId, media);
    const stored = await this.storedFile(row);
    if (stored) return { file: { ...stored, mimetype, fileName } };
    if (!row.raw) throw new MediaNotFoundError();
    const withinCap = media.size === null || media.size <= this.settings.maxFileBytes;
    if (withinCap) {
      const file = await this.download(instanceId, messageId, media, row.raw).catch(
        (error: unknown) => {
          // No session anywhere (or not connected): 503 as before; any other failure: 404.
          if (isNotConnected(error)) throw new InstanceNotConnectedError();
          this.logger.warn(`Media of ${messageId} unavailable: ${(error as Error).message}`);
          return null;
        },
      );
      if (!file) throw new MediaNotFoundError();
      await this.em.fork().nativeUpdate(Message, { id: row.id }, { mediaPath: file.relative });
      return { file: { path: file.path, size: file.size, mimetype, fileName } };
    }
    // Larger than the store's cap: streamed once. Through a process that does not own the
    // session it crosses the relay as base64, up to RELAY_MEDIA_MAX_BYTES (then 409).
    const raw = row.raw;
    const source = await this.sessions
      .run(instanceId, 'messages.downloadMedia', { raw, maxBytes: RELAY_MEDIA_MAX_BYTES })
      .catch((error: unknown) => {
        if (isNotConnected(error)) throw new InstanceNotConnectedError();
        if ((error as { code?: unknown }).code === 'SESSION_OWNED_ELSEWHERE') throw error;
        throw new MediaNotFoundError();
      });
    return { stream: asStream(source), mimetype, fileName };
  }

  /**
   * The stored bytes of a message's media with its D7 media block, or null when the message has
   * no media or the file is not stored (`chat/base64`, `media.base64` of deliveries).
   */
  async readStored(
    instanceId: string,
    messageId: string,
  ): Promise<{ bytes: Buffer; media: StoredMediaBlock; type: string } | null> {
    const row = await this.em.fork().findOne(Message, { instance: instanceId, messageId });
    const media = row?.payload.media as StoredMediaBlock | undefined;
    if (!row || !media) return null;
    const stored = await this.storedFile(row);
    if (!stored) return null;
    return { bytes: await readFile(stored.path), media, type: row.type };
  }

  /**
   * `data` of a `message.exchange` with `message.media.base64` added from the stored file
   * (docs/API.md §2.3/§2.4 `mediaBase64`); unchanged when the event has no media or it is not stored.
   */
  async withBase64(
    instanceId: string,
    data: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const message = data.message as
      { id?: string; media?: Record<string, unknown> | null } | undefined;
    if (!message?.media || !message.id || message.media.base64 !== undefined) return data;
    const stored = await this.readStored(instanceId, message.id).catch(() => null);
    if (!stored) return data;
    return {
      ...data,
      message: { ...message, media: { ...message.media, base64: stored.bytes.toString('base64') } },
    };
  }

  /**
   * Deletes the media files stored on disk for the messages of one chat (docs/API.md §3.3
   * deleteChat `deleteMedia`) and forgets their `mediaPath`; the message rows stay. Copies
   * uploaded to S3 are not deleted (the S3 client here only uploads).
   * @returns how many files were deleted
   */
  async deleteOfChat(instanceId: string, chatJid: string): Promise<number> {
    const em = this.em.fork();
    const rows = await em.find(
      Message,
      { instance: instanceId, chatJid, mediaPath: { $ne: null } },
      { fields: ['id', 'mediaPath'] },
    );
    for (const row of rows) {
      await rm(join(this.settings.dir, row.mediaPath!), { force: true }).catch(() => undefined);
      await em.nativeUpdate(Message, { id: row.id }, { mediaPath: null });
    }
    return rows.length;
  }

  /** Deletes stored files of messages older than MEDIA_RETENTION_DAYS. */
  async sweep(): Promise<number> {
    const days = this.settings.retentionDays;
    if (days <= 0) return 0;
    const em = this.em.fork();
    const cutoff = new Date(Date.now() - days * 86_400_000);
    const rows = await em.find(
      Message,
      { mediaPath: { $ne: null }, timestamp: { $lt: cutoff } },
      { fields: ['id', 'mediaPath'], limit: 1000 },
    );
    for (const row of rows) {
      await rm(join(this.settings.dir, row.mediaPath!), { force: true }).catch(() => undefined);
      await em.nativeUpdate(Message, { id: row.id }, { mediaPath: null });
    }
    return rows.length;
  }

  /**
   * Where a message's media file lives (`<instanceId>/<sha256(messageId)>` under MEDIA_STORE_DIR;
   * `relative` is what `Message.mediaPath` keeps) and a temporary name beside it to write to
   * before the rename; creates the instance's folder (and MEDIA_STORE_DIR) with mode 0700.
   */
  private async placeFor(
    instanceId: string,
    messageId: string,
  ): Promise<{ relative: string; path: string; temp: string }> {
    const relative = join(instanceId, createHash('sha256').update(messageId).digest('hex'));
    const path = join(this.settings.dir, relative);
    await mkdir(dirname(path), { recursive: true, mode: MEDIA_DIR_MODE });
    return { relative, path, temp: `${path}.${randomBytes(6).toString('hex')}.part` };
  }

  private async storedFile(row: Message): Promise<{ path: string; size: number } | null> {
    if (!row.mediaPath) return null;
    const path = join(this.settings.dir, row.mediaPath);
    const info = await stat(path).catch(() => null);
    return info?.isFile() ? { path, size: info.size } : null;
  }

  /**
   * Downloads, decrypts and stores a message's media; null when it exceeds the size cap.
   * Checks the plaintext SHA-256 against the one WhatsApp announced.
   * @throws the engine's errors (not connected, media unavailable), integrity or I/O errors
   */
  private async download(
    instanceId: string,
    messageId: string,
    media: StoredMediaBlock,
    raw: Record<string, unknown>,
  ): Promise<{ path: string; relative: string; size: number; sha256: string } | null> {
    const cap = this.settings.maxFileBytes;
    if (media.size !== null && media.size > cap) return null;
    // On the owner the engine's stream; through another process its bytes (bounded by the cap).
    const source = await this.sessions.run(instanceId, 'messages.downloadMedia', {
      raw,
      maxBytes: cap,
    });
    const { relative, path, temp } = await this.placeFor(instanceId, messageId);
    const hash = createHash('sha256');
    let size = 0;
    const input = asStream(source);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > cap)
          return callback(new TooLargeError('larger than MEDIA_STORE_MAX_FILE_BYTES'));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(input, meter, createWriteStream(temp, { mode: MEDIA_FILE_MODE }), {
        signal: AbortSignal.timeout(this.settings.downloadTimeoutMs),
      });
      const sha256 = hash.digest('base64');
      if (media.sha256 && media.sha256 !== sha256)
        throw new Error('decrypted media does not match the SHA-256 WhatsApp announced');
      await rename(temp, path);
      return { path, relative, size, sha256 };
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      if (error instanceof TooLargeError) return null;
      throw error;
    }
  }

  private async uploadToS3(
    instanceId: string,
    messageId: string,
    media: StoredMediaBlock,
    file: { path: string; size: number },
  ): Promise<string | null> {
    const row = await this.s3.configOf(instanceId);
    if (!row) return null;
    const mimetype = media.mimetype ?? 'application/octet-stream';
    try {
      return await this.s3.upload(row, {
        instanceId,
        messageId,
        path: file.path,
        size: file.size,
        mimetype,
        extension: extensionFor(mimetype),
      });
    } catch (error) {
      this.logger.warn(`S3 upload of ${messageId} failed: ${(error as Error).message}`);
      return null;
    }
  }
}
