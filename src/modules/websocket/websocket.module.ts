import { Module } from '@nestjs/common';

import { WebsocketConfigService } from './websocket-config.service';

@Module({ providers: [WebsocketConfigService], exports: [WebsocketConfigService] })
export class WebsocketModule {}
