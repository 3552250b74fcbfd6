import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { guardedConnector } from '@wharf/common/http/url-guard';
import { type AllConfig, outboundPolicy } from '@wharf/config';
import { Agent, request } from 'undici';

/** What one POST produced: an answer (any status) or an error without one. */
export type WebhookHttpResult =
  | { kind: 'response'; statusCode: number; retryAfter: string | null; durationMs: number }
  | { kind: 'error'; error: string; durationMs: number };

/**
 * The HTTP client of deliveries (D6, D12): a keep-alive undici pool, a hard timeout
 * (WEBHOOK_TIMEOUT_MS, 15 s), redirects never followed (undici's `request` does not follow
 * them), and the private-address check at connect time: the host is resolved, every address is
 * checked with `assertPublicHost`, and the socket goes to a checked address (no DNS rebinding),
 * unless ALLOW_PRIVATE_TARGETS is set or the host is in OUTBOUND_ALLOWED_HOSTS.
 */
@Injectable()
export class WebhookHttpClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<AllConfig, true>) {
    this.timeoutMs = config.get('webhook.timeoutMs', { infer: true });
    const connect = guardedConnector(
      outboundPolicy(config.get('security', { infer: true })),
      this.timeoutMs,
    );
    this.agent = new Agent({
      connect,
      keepAliveTimeout: 30_000,
      connections: 64,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** POSTs `body`; never throws. The response body is read and discarded. */
  async post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<WebhookHttpResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'response',
        statusCode: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : (retryAfter ?? null),
        durationMs: elapsed(),
      };
    } catch (error) {
      return { kind: 'error', error: describe(error, this.timeoutMs), durationMs: elapsed() };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'HeadersTimeoutError')
    return `Timed out after ${timeoutMs} ms`;
  const code = (error as Error & { code?: string }).code;
  const cause = (error as Error & { cause?: Error & { code?: string } }).cause;
  const detail = cause?.code ?? code;
  return detail ? `${error.message} (${detail})` : error.message;
}
