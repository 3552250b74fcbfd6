import { Module } from '@nestjs/common';
import { MediaModule } from '@wharf/modules/media/media.module';
import { SessionModule } from '@wharf/modules/session/session.module';

import { ChatController } from './chat.controller';
import { ChatReadController } from './chat-read.controller';
import { ChatReadService } from './chat-read.service';
import { ChatStateController } from './chat-state.controller';
import { ChatStateService } from './chat-state.service';
import { ChatStateStore } from './chat-state.store';
import { InstanceMetricsController } from './instance-metrics.controller';
import { MessageMetricsService } from './message-metrics.service';
import { MessageStoreService } from './message-store.service';

@Module({
  imports: [SessionModule, MediaModule],
  controllers: [ChatController, ChatReadController, ChatStateController, InstanceMetricsController],
  providers: [
    MessageStoreService,
    ChatReadService,
    MessageMetricsService,
    ChatStateStore,
    ChatStateService,
  ],
})
export class ChatModule {}
