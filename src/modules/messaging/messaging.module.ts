import { Module } from '@nestjs/common';
import { MediaModule } from '@wharf/modules/media/media.module';
import { SessionModule } from '@wharf/modules/session/session.module';
import { SettingsModule } from '@wharf/modules/settings/settings.module';

import { ContactSendController } from './contact-send.controller';
import { EventSendController } from './event-send.controller';
import { GuardedHttpClient } from './guarded-http.client';
import { HeaderMediaService } from './header-media.service';
import { InteractiveSendController } from './interactive-send.controller';
import { LinkPreviewService } from './link-preview.service';
import { MediaPrepareService } from './media-prepare.service';
import { MediaSendController } from './media-send.controller';
import { MessageController } from './message.controller';
import { MessageIngestionService } from './message-ingestion.service';
import { MessageStatusLock } from './message-status.lock';
import { OutboundProcessor } from './outbound.processor';
import { OutboundQueue } from './outbound.queue';
import { RecipientResolver } from './recipient-resolver.service';
import { SendService } from './send.service';
import { SendOutcomeWaiter } from './send-outcome.waiter';

/**
 * The message store, inbound ingestion, the send routes and the send path (issue 4, D14):
 * {@link SendService} accepts a send (any caller: HTTP routes, later MCP and Chatwoot) and
 * {@link OutboundProcessor} delivers it on the session owner. Exported: `SendService`.
 */
@Module({
  imports: [SessionModule, SettingsModule, MediaModule],
  controllers: [
    MessageController,
    ContactSendController,
    InteractiveSendController,
    MediaSendController,
    EventSendController,
  ],
  providers: [
    MessageIngestionService,
    MessageStatusLock,
    OutboundQueue,
    SendService,
    SendOutcomeWaiter,
    OutboundProcessor,
    RecipientResolver,
    LinkPreviewService,
    GuardedHttpClient,
    HeaderMediaService,
    MediaPrepareService,
  ],
  exports: [SendService],
})
export class MessagingModule {}
