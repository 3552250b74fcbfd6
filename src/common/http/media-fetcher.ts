import { Agent, request } from 'undici';

import {
  checkOutboundUrl,
  guardedConnector,
  PrivateTargetError,
  type TargetPolicy,
} from './url-guard';

/**
 * Limits of {@link MediaFetcher} (D12). The policy: `allowPrivate` (ALLOW_PRIVATE_TARGETS) lifts
 * the private-address check, `allowed` (OUTBOUND_ALLOWED_HOSTS) lets listed hosts through.
 */
export interface MediaFetcherOptions extends TargetPolicy {
  /** MEDIA_MAX_BYTES: a body larger than this is refused (announced or streamed). */
  maxBytes: number;
  /** Time limit of the whole download, redirects included, ms (D12: 60 s). */
  timeoutMs: number;
  /** Redirects followed at most (D12: 3); each hop is checked again. */
  maxRedirects?: number;
}

/** A downloaded file. */
export interface FetchedMedia {
  bytes: Buffer;
  /** `Content-Type` without parameters, lower-case, when the server sent one. */
  contentType: string | null;
  /** File name from `Content-Disposition`, else the last path segment of the final URL. */
  fileName: string | null;
}

/**
 * A download Wharf refused or could not complete. `reason` is safe to show: it never contains
 * the URL (which may carry tokens) nor a response body.
 */
export class MediaFetchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MediaFetchError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads media for sends under D12: http(s) only, no credentials in the URL, the resolved
 * address checked at connect time (every special-purpose range and this machine's own addresses
 * refused, see `refusedRange`, unless ALLOW_PRIVATE_TARGETS or OUTBOUND_ALLOWED_HOSTS) with the
 * socket going to the checked address, at most 3 redirects each checked again, a byte cap (MEDIA_MAX_BYTES, checked on
 * `Content-Length` and while streaming) and one time limit for the whole download (60 s).
 * @throws MediaFetchError with a client-safe reason
 */
export class MediaFetcher {
  private readonly agent: Agent;

  constructor(private readonly options: MediaFetcherOptions) {
    const connect = guardedConnector(options, options.timeoutMs);
    this.agent = new Agent({
      connect,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Downloads `url` (see the class comment). */
  async fetch(url: string): Promise<FetchedMedia> {
    const maxRedirects = this.options.maxRedirects ?? 3;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const refused = checkOutboundUrl(current, { ...this.options, field: 'the URL' });
        if (refused) throw new MediaFetchError(refused);
        const parsed = new URL(current);
        if (parsed.username || parsed.password)
          throw new MediaFetchError('the URL must not contain credentials');
        const response = await request(parsed, {
          method: 'GET',
          dispatcher: this.agent,
          signal,
          headers: { 'user-agent': 'Wharf media fetcher', accept: '*/*' },
        });
        response.body.on('error', () => undefined); // destroyed below on refusal
        if (REDIRECTS.has(response.statusCode)) {
          await response.body.dump().catch(() => undefined);
          const location = header(response.headers.location);
          if (!location) throw new MediaFetchError(`HTTP ${response.statusCode} without Location`);
          if (hop >= maxRedirects) throw new MediaFetchError(`more than ${maxRedirects} redirects`);
          current = new URL(location, parsed).toString();
          continue;
        }
        if (response.statusCode < 200 || response.statusCode > 299) {
          await response.body.dump().catch(() => undefined);
          throw new MediaFetchError(`the server answered HTTP ${response.statusCode}`);
        }
        const announced = Number(header(response.headers['content-length']) ?? NaN);
        if (Number.isFinite(announced) && announced > this.options.maxBytes) {
          response.body.destroy();
          throw new MediaFetchError(tooLarge(this.options.maxBytes));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > this.options.maxBytes) {
            response.body.destroy();
            throw new MediaFetchError(tooLarge(this.options.maxBytes));
          }
          chunks.push(chunk);
        }
        if (size === 0) throw new MediaFetchError('the server sent an empty body');
        return {
          bytes: Buffer.concat(chunks, size),
          contentType:
            header(response.headers['content-type'])?.split(';')[0].trim().toLowerCase() || null,
          fileName:
            dispositionName(header(response.headers['content-disposition'])) ?? lastSegment(parsed),
        };
      }
    } catch (error) {
      throw toFetchError(error, this.options.timeoutMs);
    }
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.agent.close();
  }
}

/** The reason text of a body over the cap. */
export function tooLarge(maxBytes: number): string {
  return `the file is larger than MEDIA_MAX_BYTES (${maxBytes} bytes)`;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function dispositionName(value: string | undefined): string | null {
  if (!value) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(value);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      return null;
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(value);
  return plain ? plain[1].trim() : null;
}

function lastSegment(url: URL): string | null {
  const segment = url.pathname.split('/').filter(Boolean).pop();
  if (!segment) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function toFetchError(error: unknown, timeoutMs: number): MediaFetchError {
  if (error instanceof MediaFetchError) return error;
  if (typeof error !== 'object' || error === null) return new MediaFetchError('download failed');
  // DOMException (AbortSignal.timeout) is not always an `instanceof Error` (other realms).
  const named = error as { name?: string; code?: string; cause?: unknown };
  const cause = named.cause;
  if (error instanceof PrivateTargetError || cause instanceof PrivateTargetError)
    return new MediaFetchError('the URL points to a private or loopback address');
  if (
    named.name === 'TimeoutError' ||
    named.name === 'AbortError' ||
    named.name === 'HeadersTimeoutError' ||
    named.name === 'BodyTimeoutError' ||
    named.code === 'UND_ERR_CONNECT_TIMEOUT'
  )
    return new MediaFetchError(
      `timed out after ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`,
    );
  const code = named.code ?? (cause as { code?: string } | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new MediaFetchError('the host name could not be resolved');
  if (code === 'ECONNREFUSED') return new MediaFetchError('the connection was refused');
  if (code === 'ECONNRESET') return new MediaFetchError('the connection was reset');
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT'))
    return new MediaFetchError('the TLS certificate was not accepted');
  return new MediaFetchError(code ? `download failed (${code})` : 'download failed');
}
