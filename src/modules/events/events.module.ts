import { Global, Module } from '@nestjs/common';

import { EventFanoutService } from './event-fanout.service';
import { EventsService } from './events.service';

@Global()
@Module({
  providers: [EventsService, EventFanoutService],
  exports: [EventsService, EventFanoutService],
})
export class EventsModule {}
