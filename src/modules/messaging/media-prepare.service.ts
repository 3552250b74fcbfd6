import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ValidationFailedError } from '@wharf/common/errors';
import { MediaFetcher, MediaFetchError, tooLarge } from '@wharf/common/http/media-fetcher';
import { type AllConfig, outboundPolicy } from '@wharf/config';
import type { OutgoingHeaderMedia, OutgoingMedia } from '@wharf/whatsapp';
import sharp from 'sharp';

import type { MediaRequest, MediaSource } from './content/media.mapper';
import { MediaConversionError, MediaFetchFailedError } from './messaging.errors';

/** Bytes with what is known about them before detection. */
interface LoadedBytes {
  bytes: Buffer;
  /** From the `data:` prefix or the `Content-Type` header. */
  hintedMime: string | null;
  fileName: string | null;
}

/** MIME type of an OGG/Opus voice note as WhatsApp announces it. */
export const VOICE_MIME = 'audio/ogg; codecs=opus';

const DEFAULT_MIME: Record<OutgoingMedia['mediaType'], string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/mpeg',
  document: 'application/octet-stream',
};

/** Sticker inputs of docs/API.md §3.2 (PNG, JPEG, GIF; WebP is accepted too). */
const STICKER_INPUTS = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Turns the media of a send request into the bytes WhatsApp gets, inside the HTTP request and
 * before anything is stored (docs/API.md §3.2, D12, D14): a bad URL, bad base64, an oversized file or
 * an undecodable voice note answers 400 and changes nothing.
 *
 * - Source: `mediaUrl`/`imageUrl` downloaded under D12 ({@link MediaFetcher}: private targets
 *   refused unless ALLOW_PRIVATE_TARGETS, 3 redirects re-checked, MEDIA_MAX_BYTES, 60 s), or
 *   base64 with or without a `data:<mime>;base64,` prefix (same byte cap).
 * - MIME type: the client's `mimeType`, else detected from the bytes (`file-type`), else the
 *   `data:` prefix or `Content-Type`, else a default per media type.
 * - Voice notes (audio with `isVoice`, the default): converted to OGG/Opus mono 48 kHz with
 *   ffmpeg unless already Opus; the duration is read from the result (`music-metadata`).
 * - Stickers: PNG/JPEG/GIF (first frame) → WebP 512×512, fit `contain` on a transparent
 *   background (`sharp`).
 *
 * Durability (D14 "nothing accepted is lost"): the prepared bytes travel base64 inside the send's
 * content, which the pipeline stores as JSON in the message row's `request` column together with
 * the row. That keeps them in the same transaction as the row, readable by whichever process owns
 * the session (several processes may share one database, so a local file would not do), and
 * replayed after a crash; the pipeline blanks them once the send is resolved. Identical requests
 * hash identically, so `Idempotency-Key` replays keep working.
 */
@Injectable()
export class MediaPrepareService implements OnApplicationShutdown {
  private readonly fetcher: MediaFetcher;
  private readonly ffmpegPath: string;
  readonly maxBytes: number;

  constructor(config: ConfigService<AllConfig, true>) {
    this.maxBytes = config.get('media.maxBytes', { infer: true });
    this.ffmpegPath = config.get('media.ffmpegPath', { infer: true });
    this.fetcher = new MediaFetcher({
      ...outboundPolicy(config.get('security', { infer: true })),
      maxBytes: this.maxBytes,
      timeoutMs: config.get('media.fetchTimeoutMs', { infer: true }),
    });
  }

  /**
   * Prepares an image, video, document or audio send.
   * @throws MediaFetchFailedError, ValidationFailedError (bad base64, too large, wrong kind of
   *   file), MediaConversionError (voice note ffmpeg failure)
   */
  async prepareMedia(request: MediaRequest): Promise<OutgoingMedia> {
    const loaded = await this.load(request.source);
    const detected = await detectMime(loaded.bytes);
    const kind = request.mediaType;
    if (
      !request.mimeType &&
      detected &&
      kind !== 'document' &&
      !detected.startsWith(`${kind}/`) &&
      !(kind === 'audio' && detected === 'video/mp4') &&
      !(kind === 'audio' && detected === 'application/ogg')
    ) {
      throw new ValidationFailedError(`Invalid request body: the file is not ${article(kind)}`, [
        { field: 'mediaType', message: `the file is not ${article(kind)}` },
      ]);
    }
    let bytes = loaded.bytes;
    let mimeType = request.mimeType ?? detected ?? loaded.hintedMime ?? DEFAULT_MIME[kind];
    let seconds = request.duration;
    const ptt = kind === 'audio' ? (request.isVoice ?? true) : undefined;
    if (kind === 'audio') {
      const probe = await probeAudio(bytes);
      if (ptt) {
        if (!probe?.opus) bytes = await toOpus(this.ffmpegPath, bytes);
        mimeType = VOICE_MIME;
        seconds ??= (probe?.opus ? probe.seconds : (await probeAudio(bytes))?.seconds) ?? undefined;
      } else {
        seconds ??= probe?.seconds ?? undefined;
      }
    }
    const fileName =
      request.fileName ??
      (kind === 'document' ? (loaded.fileName ?? `file${extensionOf(mimeType)}`) : undefined);
    return {
      kind: 'media',
      mediaType: kind,
      base64: bytes.toString('base64'),
      mimeType,
      ...(fileName ? { fileName } : {}),
      ...(request.caption ? { caption: request.caption } : {}),
      ...(ptt !== undefined ? { ptt } : {}),
      ...(seconds !== undefined ? { seconds } : {}),
      ...(request.waveform ? { waveform: request.waveform } : {}),
    };
  }

  /**
   * Prepares a sticker: PNG/JPEG/GIF (URL or `data:` URL) → WebP 512×512 (docs/API.md §3.2).
   * @returns the WebP bytes, base64
   * @throws MediaFetchFailedError, ValidationFailedError (not an accepted image), MediaConversionError
   */
  async prepareSticker(source: MediaSource): Promise<{ base64: string; size: number }> {
    const loaded = await this.load(source);
    const detected = await detectMime(loaded.bytes);
    if (!detected || !STICKER_INPUTS.has(detected)) {
      throw new ValidationFailedError(
        'Invalid request body: imageUrl must be a PNG, JPEG or GIF image',
        [{ field: 'imageUrl', message: 'imageUrl must be a PNG, JPEG or GIF image' }],
      );
    }
    try {
      const webp = await sharp(loaded.bytes, { animated: false })
        .resize(512, 512, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
        .webp()
        .toBuffer();
      return { base64: webp.toString('base64'), size: webp.length };
    } catch {
      throw new MediaConversionError('the image could not be decoded');
    }
  }

  /**
   * Downloads the header media of a carousel card or a buttons message in the HTTP request, the
   * same way as a media send's `mediaUrl` (D12, MEDIA_MAX_BYTES), so a refused or failed download
   * answers 400 and nothing is stored (issue 11: it failed at send time with a 500 and internal
   * text). The bytes travel base64 in the stored send until it resolves (D14, see the class).
   * `field` names the URL in errors (`mediaUrl`, `cards[0].header.imageUrl`).
   * @throws MediaFetchFailedError, ValidationFailedError (the file is not an image / a video)
   */
  async prepareHeaderMedia(
    type: OutgoingHeaderMedia['type'],
    url: string,
    field: string,
  ): Promise<OutgoingHeaderMedia> {
    const loaded = await this.load({ url });
    const mimetype = (await detectMime(loaded.bytes)) ?? loaded.hintedMime ?? DEFAULT_MIME[type];
    if (type !== 'document' && !mimetype.startsWith(`${type}/`)) {
      throw new ValidationFailedError(`Invalid request body: ${field} is not ${article(type)}`, [
        { field, message: `${field} is not ${article(type)}` },
      ]);
    }
    return {
      type,
      url,
      base64: loaded.bytes.toString('base64'),
      mimetype,
      ...(type === 'document' ? { fileName: loaded.fileName ?? 'file' } : {}),
    };
  }

  /** Downloads or decodes the source, enforcing MEDIA_MAX_BYTES. */
  async load(source: MediaSource): Promise<LoadedBytes> {
    if ('url' in source) {
      try {
        const fetched = await this.fetcher.fetch(source.url);
        return {
          bytes: fetched.bytes,
          hintedMime: fetched.contentType,
          fileName: fetched.fileName,
        };
      } catch (error) {
        if (error instanceof MediaFetchError) throw new MediaFetchFailedError(error.reason);
        throw error;
      }
    }
    const { mime, data } = splitDataUrl(source.base64);
    const compact = data.replace(/\s+/g, '');
    if (!compact || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
      throw new ValidationFailedError(`Invalid request body: ${source.field} is not valid base64`, [
        { field: source.field, message: `${source.field} is not valid base64` },
      ]);
    }
    if (Math.floor((compact.length * 3) / 4) > this.maxBytes + 3) {
      throw new ValidationFailedError(`Invalid request body: ${tooLarge(this.maxBytes)}`, [
        { field: source.field, message: tooLarge(this.maxBytes) },
      ]);
    }
    const bytes = Buffer.from(
      compact,
      compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64',
    );
    if (bytes.length > this.maxBytes) {
      throw new ValidationFailedError(`Invalid request body: ${tooLarge(this.maxBytes)}`, [
        { field: source.field, message: tooLarge(this.maxBytes) },
      ]);
    }
    return { bytes, hintedMime: mime, fileName: null };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fetcher.close().catch(() => undefined);
  }
}

/** Splits `data:<mime>;base64,<data>` into its MIME type and data; other input is data only. */
export function splitDataUrl(value: string): { mime: string | null; data: string } {
  const match = /^data:([^;,]*)(?:;[^,]*)?,/i.exec(value.trimStart());
  if (!match) return { mime: null, data: value };
  return {
    mime: match[1].trim().toLowerCase() || null,
    data: value.trimStart().slice(match[0].length),
  };
}

async function detectMime(bytes: Buffer): Promise<string | null> {
  const { fileTypeFromBuffer } = await import('file-type');
  const result = await fileTypeFromBuffer(bytes);
  return result?.mime ?? null;
}

/** Duration (rounded seconds, at least 1) and whether the audio is already OGG/Opus. */
async function probeAudio(
  bytes: Buffer,
): Promise<{ seconds: number | null; opus: boolean } | null> {
  try {
    const { parseBuffer } = await import('music-metadata');
    const { format } = await parseBuffer(bytes, undefined, { duration: true });
    const seconds =
      format.duration !== undefined && Number.isFinite(format.duration)
        ? Math.max(1, Math.round(format.duration))
        : null;
    return {
      seconds,
      opus: /opus/i.test(format.codec ?? '') && /ogg/i.test(format.container ?? ''),
    };
  } catch {
    return null;
  }
}

/** Converts any audio ffmpeg can read to OGG/Opus mono 48 kHz (WhatsApp voice note format). */
async function toOpus(ffmpeg: string, bytes: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-voice-'));
  const input = join(dir, 'input');
  const output = join(dir, 'voice.ogg');
  try {
    await writeFile(input, bytes);
    await runFfmpeg(ffmpeg, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-i',
      input,
      '-vn',
      '-map_metadata',
      '-1',
      '-ac',
      '1',
      '-ar',
      '48000',
      '-c:a',
      'libopus',
      '-b:a',
      '48k',
      '-application',
      'voip',
      '-f',
      'ogg',
      '-y',
      output,
    ]);
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function runFfmpeg(ffmpeg: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new MediaConversionError(
          error.code === 'ENOENT'
            ? 'ffmpeg is not installed on the server'
            : 'the audio converter could not start',
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new MediaConversionError('the audio could not be decoded'));
    });
  });
}

function article(kind: string): string {
  return kind === 'image' || kind === 'audio' ? `an ${kind}` : `a ${kind}`;
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'text/plain': '.txt',
  'text/csv': '.csv',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'video/mp4': '.mp4',
  'audio/mpeg': '.mp3',
};

function extensionOf(mime: string): string {
  return EXTENSIONS[mime.split(';')[0].trim()] ?? '';
}
