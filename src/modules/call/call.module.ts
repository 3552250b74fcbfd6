import { Module } from '@nestjs/common';
import { SessionModule } from '@wharf/modules/session/session.module';
import { SettingsModule } from '@wharf/modules/settings/settings.module';

import { CallRejectionService } from './call-rejection.service';

/** Call handling: `call.update` events and autoRejectCalls (the `/api/call/*` routes come later). */
@Module({
  imports: [SessionModule, SettingsModule],
  providers: [CallRejectionService],
})
export class CallModule {}
