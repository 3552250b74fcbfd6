import { ApiProperty } from '@nestjs/swagger';

import { EVENT_NAMES } from '../../events/event-names';

export class WebsocketSummaryDto {
  @ApiProperty({ example: true })
  enabled: boolean;
  @ApiProperty({
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    example: ['message.exchange'],
  })
  events: string[];
  @ApiProperty({ example: false })
  mediaBase64: boolean;
  /** Set when the inline block of instance creation was refused (the instance is still created). */
  @ApiProperty({ required: false, example: 'websocketEvents has unknown event names: foo' })
  error?: string;
}
