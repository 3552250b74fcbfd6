import { Module } from '@nestjs/common';

import { ChatController } from './chat.controller';
import { MessageStoreService } from './message-store.service';

@Module({ controllers: [ChatController], providers: [MessageStoreService] })
export class ChatModule {}
