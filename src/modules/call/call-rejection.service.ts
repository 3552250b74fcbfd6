import { Injectable, Logger } from '@nestjs/common';
import { EventsService } from '@wharf/modules/events/events.service';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import type { SessionInstance } from '@wharf/modules/session/session-events';
import { SettingsService } from '@wharf/modules/settings/settings.service';
import type { CallEvent } from '@wharf/whatsapp';

/**
 * Call handling of the sessions this process owns: every call update is published as
 * `call.update` (D7), and with the `autoRejectCalls` setting an incoming call (`offer`, not an
 * offline one) is rejected, published as `rejected`, and answered with `callRejectMessage` when
 * set (docs/API.md §3.1 settings). Runs in the instance's event chain (`SessionProvider.on('call')`).
 */
@Injectable()
export class CallRejectionService {
  private readonly logger = new Logger(CallRejectionService.name);

  constructor(
    private readonly sessions: SessionProvider,
    private readonly events: EventsService,
    private readonly settings: SettingsService,
  ) {
    this.sessions.on('call', (instance, call) => this.handle(instance, call));
  }

  /** Publishes the call update and applies autoRejectCalls. @throws what publishing or the reject throws */
  async handle(instance: SessionInstance, call: CallEvent): Promise<void> {
    const publish = (action: string) =>
      this.events.publish(instance, 'call.update', {
        callId: call.id,
        action,
        from: call.callerPn ?? call.from,
        isVideo: call.isVideo,
        isGroup: call.isGroup,
        timestamp: call.timestamp.toISOString(),
      });
    await publish(call.status);
    if (call.status !== 'offer' || call.offline) return;
    const settings = await this.settings.get({ id: instance.id });
    if (!settings.autoRejectCalls) return;
    await this.sessions.run(instance.id, 'calls.reject', {
      callId: call.id,
      callerJid: call.from,
    });
    await publish('rejected');
    if (settings.callRejectMessage) {
      // The reject message must not hold up this instance's event handling.
      void this.sessions
        .run(instance.id, 'messages.sendText', {
          toJid: call.callerPn ?? call.from,
          text: settings.callRejectMessage,
        })
        .catch((error: unknown) => {
          this.logger.warn(
            `Call reject message of ${instance.name} not sent: ${(error as Error).message}`,
          );
        });
    }
  }
}
