import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { checkOutboundUrl, guardedConnector, type TargetPolicy } from '@wharf/common/http/url-guard';
import { type AllConfig, outboundPolicy } from '@wharf/config';
import { Agent, request } from 'undici';

/** D12 limits of a fetch of a URL a send names: redirects followed and time per request (ms). */
export const FETCH_LIMITS = { maxRedirects: 3, timeoutMs: 60_000 } as const;

/** Why a guarded GET gave nothing: refused URL, HTTP status, wrong type, too big. */
export class GuardedFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardedFetchError';
  }
}

/** Options of {@link GuardedHttpClient.get}. */
export interface GuardedGetOptions {
  /** Most bytes read. */
  maxBytes: number;
  /** Accepted `Content-Type`s. */
  accept: RegExp;
  /** Past `maxBytes`: keep the first `maxBytes` (an HTML head) instead of failing. */
  truncate?: boolean;
  /** Time per request, ms (default {@link FETCH_LIMITS}.timeoutMs). */
  timeoutMs?: number;
}

/**
 * GETs URLs named in send requests under D12: http(s) only, no credentials, every resolved
 * address checked at connect time (the socket goes to a checked address: no DNS rebinding)
 * unless ALLOW_PRIVATE_TARGETS, at most 3 redirects (each hop re-checked), a byte cap and a
 * timeout. Used for link previews and interactive header media.
 */
@Injectable()
export class GuardedHttpClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  /** ALLOW_PRIVATE_TARGETS and OUTBOUND_ALLOWED_HOSTS (D12). */
  readonly policy: TargetPolicy;

  constructor(config: ConfigService<AllConfig, true>) {
    this.policy = outboundPolicy(config.get('security', { infer: true }));
    const connect = guardedConnector(this.policy, FETCH_LIMITS.timeoutMs);
    this.agent = new Agent({ connect, headersTimeout: FETCH_LIMITS.timeoutMs });
  }

  /** A D12 check of `url` as configured (null when acceptable, else the reason). */
  check(url: string, field: string): string | null {
    return checkOutboundUrl(url, { ...this.policy, field });
  }

  /**
   * The body of a 2xx answer of a matching type, with the final URL and its `Content-Type`.
   * @throws GuardedFetchError, or undici's errors (connect refused by the D12 check, timeout)
   */
  async get(
    url: string,
    options: GuardedGetOptions,
  ): Promise<{ url: string; contentType: string; body: Buffer }> {
    const timeoutMs = options.timeoutMs ?? FETCH_LIMITS.timeoutMs;
    let current = url;
    for (let hop = 0; hop <= FETCH_LIMITS.maxRedirects; hop++) {
      const refused = this.check(current, 'url');
      if (refused) throw new GuardedFetchError(refused);
      const response = await request(current, {
        method: 'GET',
        headers: { 'user-agent': 'Wharf/1.0', accept: '*/*' },
        dispatcher: this.agent,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.statusCode >= 300 && response.statusCode < 400) {
        await response.body.dump();
        const location = response.headers.location;
        if (typeof location !== 'string') throw new GuardedFetchError('redirect without Location');
        current = new URL(location, current).toString();
        continue;
      }
      const contentType = String(response.headers['content-type'] ?? '');
      if (response.statusCode >= 300) {
        await response.body.dump();
        throw new GuardedFetchError(`the URL answered HTTP ${response.statusCode}`);
      }
      if (!options.accept.test(contentType)) {
        await response.body.dump();
        throw new GuardedFetchError(`unexpected content type ${contentType || '(none)'}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > options.maxBytes) {
          response.body.destroy();
          if (!options.truncate) {
            throw new GuardedFetchError(`larger than ${options.maxBytes} bytes`);
          }
          chunks.push(buffer.subarray(0, buffer.length - (size - options.maxBytes)));
          break;
        }
        chunks.push(buffer);
      }
      return { url: current, contentType, body: Buffer.concat(chunks) };
    }
    throw new GuardedFetchError(`more than ${FETCH_LIMITS.maxRedirects} redirects`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}
