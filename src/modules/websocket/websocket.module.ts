import { Module } from '@nestjs/common';
import { MediaModule } from '@wharf/modules/media/media.module';

import { EventStreamGateway } from './event-stream.gateway';
import { WebsocketConfigController } from './websocket-config.controller';
import { WebsocketConfigService } from './websocket-config.service';

@Module({
  imports: [MediaModule],
  controllers: [WebsocketConfigController],
  providers: [WebsocketConfigService, EventStreamGateway],
  exports: [WebsocketConfigService],
})
export class WebsocketModule {}
