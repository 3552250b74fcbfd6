import { Module } from '@nestjs/common';
import { SessionModule } from '@wharf/modules/session/session.module';
import { SettingsModule } from '@wharf/modules/settings/settings.module';

import { KeepOnlineService } from './keep-online.service';

/** Own presence of the sessions (keepOnlineStatus). */
@Module({
  imports: [SessionModule, SettingsModule],
  providers: [KeepOnlineService],
})
export class PresenceModule {}
