import { Module } from '@nestjs/common';
import { MediaModule } from '@wharf/modules/media/media.module';
import { MessagingModule } from '@wharf/modules/messaging/messaging.module';
import { SessionModule } from '@wharf/modules/session/session.module';

import { ChatController } from './chat.controller';
import { ChatActionController } from './chat-action.controller';
import { ChatActionService } from './chat-action.service';
import { ChatReadController } from './chat-read.controller';
import { ChatReadService } from './chat-read.service';
import { ChatStateController } from './chat-state.controller';
import { ChatStateService } from './chat-state.service';
import { ChatStateStore } from './chat-state.store';
import { InstanceMetricsController } from './instance-metrics.controller';
import { MessageMetricsService } from './message-metrics.service';
import { MessageStoreService } from './message-store.service';

@Module({
  imports: [SessionModule, MediaModule, MessagingModule],
  controllers: [
    ChatController,
    ChatReadController,
    InstanceMetricsController,
    ChatActionController,
    ChatStateController,
  ],
  providers: [
    MessageStoreService,
    ChatReadService,
    MessageMetricsService,
    ChatActionService,
    ChatStateStore,
    ChatStateService,
  ],
})
export class ChatModule {}
