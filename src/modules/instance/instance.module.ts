import { Module } from '@nestjs/common';
import { ProxyModule } from '@wharf/modules/proxy/proxy.module';
import { SessionModule } from '@wharf/modules/session/session.module';
import { SettingsModule } from '@wharf/modules/settings/settings.module';
import { StorageModule } from '@wharf/modules/storage/storage.module';
import { WebhookModule } from '@wharf/modules/webhook/webhook.module';
import { WebsocketModule } from '@wharf/modules/websocket/websocket.module';

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
