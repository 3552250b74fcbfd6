import { Injectable, Logger } from '@nestjs/common';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import { isNotConnected } from '@wharf/modules/session/session-commands';
import { SettingsService } from '@wharf/modules/settings/settings.service';

/**
 * The `keepOnlineStatus` setting (docs/API.md §3.1): the account is marked `available` whenever its
 * session connects with the setting on, and at once when the setting changes (`available` or
 * `unavailable`) on whichever process owns the session. Best effort: a session that is not
 * connected is left alone, other failures are logged.
 */
@Injectable()
export class KeepOnlineService {
  private readonly logger = new Logger(KeepOnlineService.name);

  constructor(
    private readonly sessions: SessionProvider,
    private readonly settings: SettingsService,
  ) {
    this.sessions.on('connection', async (instance, event) => {
      if (event.state !== 'connected') return;
      const current = await this.settings.get({ id: instance.id });
      if (current.keepOnlineStatus)
        await this.sessions
          .run(instance.id, 'presence.setOwn', { presence: 'available' })
          .catch(() => undefined);
    });
    this.settings.onChange((instanceId, changed) => void this.apply(instanceId, changed));
  }

  /** Applies a changed keepOnlineStatus to the live session (no-op for other settings). */
  async apply(instanceId: string, changed: Record<string, unknown>): Promise<void> {
    if (changed.keepOnlineStatus === undefined) return;
    const presence = changed.keepOnlineStatus ? 'available' : 'unavailable';
    await this.sessions.run(instanceId, 'presence.setOwn', { presence }).catch((error: unknown) => {
      if (!isNotConnected(error))
        this.logger.warn(`Presence of ${instanceId} not applied: ${(error as Error).message}`);
    });
  }
}
