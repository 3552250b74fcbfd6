import { Module } from '@nestjs/common';

import { ProxyModule } from '../proxy/proxy.module';
import { SessionModule } from '../session/session.module';
import { SettingsModule } from '../settings/settings.module';
import { StorageModule } from '../storage/storage.module';
import { WebhookModule } from '../webhook/webhook.module';
import { WebsocketModule } from '../websocket/websocket.module';
import { InstanceController } from './instance.controller';
import { InstanceService } from './instance.service';
import { InstanceProfileService } from './instance-profile.service';

@Module({
  imports: [
    SettingsModule,
    ProxyModule,
    StorageModule,
    WebhookModule,
    WebsocketModule,
    SessionModule,
  ],
  controllers: [InstanceController],
  providers: [InstanceService, InstanceProfileService],
  exports: [InstanceService],
})
export class InstanceModule {}
