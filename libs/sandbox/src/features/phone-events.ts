import { SandboxError } from '../errors';
import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import type { PhoneEvent } from '../phone-events';

/**
 * What a phone's primary observed, for tests that prove an effect on the account's own phone:
 * `GET /phones/:number/events?type=<Baileys event name>&since=<seq>` →
 * `{ events: [{ seq, at, type, data }], lastSeq }` (phone-events.ts lists the recorded events).
 */
export class PhoneEventsFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.route({
      method: 'GET',
      pattern: /^\/phones\/([^/]+)\/events$/,
      run: ([number], _body, query) => this.events(number, query),
    });
  }

  /**
   * The phone's recorded events, oldest first.
   * @throws SandboxError 404 unknown phone, 400 when `since` is not a non-negative integer.
   */
  events(number: string, query: URLSearchParams): { events: PhoneEvent[]; lastSeq: number } {
    const log = this.host.phoneClient(number).events;
    const sinceText = query.get('since') ?? '0';
    const since = Number(sinceText);
    if (!Number.isSafeInteger(since) || since < 0) {
      throw new SandboxError(400, `since must be a non-negative integer, got ${sinceText}`);
    }
    return { events: log.list(query.get('type') ?? undefined, since), lastSeq: log.lastSeq };
  }
}
