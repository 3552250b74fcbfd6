import { extension as extensionOf } from 'mime-types';

import { RangeNotSatisfiableError } from './media.errors';

/* Pure helpers of the media routes (D15): byte ranges, file names, Content-Disposition. */

/**
 * The byte range of a `Range` header for a file of `size` bytes (RFC 9110 §14): `null` to
 * answer the whole file (no header, another unit, or several ranges), else `{ start, end }`
 * inclusive.
 * @throws RangeNotSatisfiableError for a malformed `bytes=` range or one outside the file
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return null;
  const specs = match[1].split(',').map((part) => part.trim());
  if (specs.length !== 1) return null;
  const range = /^(\d*)-(\d*)$/.exec(specs[0]);
  if (!range || (range[1] === '' && range[2] === '')) throw new RangeNotSatisfiableError(size);
  let start: number;
  let end: number;
  if (range[1] === '') {
    const suffix = Number(range[2]);
    if (suffix === 0) throw new RangeNotSatisfiableError(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(range[1]);
    end = range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
    if (range[2] !== '' && Number(range[2]) < start) throw new RangeNotSatisfiableError(size);
  }
  if (start >= size || size === 0) throw new RangeNotSatisfiableError(size);
  return { start, end };
}

/** `Content-Disposition` with an ASCII fallback and the RFC 5987 UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Extensions WhatsApp clients use where the MIME database prefers another. */
const USUAL_EXTENSIONS: Record<string, string> = {
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/aac': 'aac',
};

/** `.ext` of a MIME type (`audio/ogg; codecs=opus` → `.ogg`), or `""`. */
export function extensionFor(mimetype: string | null): string {
  const base = mimetype?.split(';')[0].trim().toLowerCase();
  const ext = base ? (USUAL_EXTENSIONS[base] ?? extensionOf(base)) : false;
  return ext ? `.${ext}` : '';
}

/** The file name of D15: WhatsApp's (documents), else `<messageId><.ext of the MIME type>`. */
export function fileNameOf(
  messageId: string,
  media: { fileName: string | null; mimetype: string | null },
): string {
  return media.fileName || `${messageId}${extensionFor(media.mimetype)}`;
}
