import { Module } from '@nestjs/common';

import { SessionModule } from '../session/session.module';
import { SettingsModule } from '../settings/settings.module';
import { MessageController } from './message.controller';
import { MessageIngestionService } from './message-ingestion.service';
import { OutboundQueue } from './outbound.queue';
import { SendPipelineService } from './send-pipeline.service';

/** The message store, inbound ingestion and (next) the send pipeline of issue 4. */
@Module({
  imports: [SessionModule, SettingsModule],
  controllers: [MessageController],
  providers: [MessageIngestionService, OutboundQueue, SendPipelineService],
})
export class MessagingModule {}
