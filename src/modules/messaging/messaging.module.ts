import { Module } from '@nestjs/common';

import { SessionModule } from '../session/session.module';
import { SettingsModule } from '../settings/settings.module';
import { MessageIngestionService } from './message-ingestion.service';

/** The message store, inbound ingestion and (next) the send pipeline of issue 4. */
@Module({
  imports: [SessionModule, SettingsModule],
  providers: [MessageIngestionService],
})
export class MessagingModule {}
