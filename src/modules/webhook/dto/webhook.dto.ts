import { ApiProperty } from '@nestjs/swagger';

import { EVENT_NAMES } from '../../events/event-names';

/** Summary of an instance's `default` webhook in instance responses (no secrets). */
export class WebhookSummaryDto {
  @ApiProperty({ example: true })
  enabled: boolean;
  @ApiProperty({ example: 'default', required: false })
  label?: string;
  @ApiProperty({
    example: 'https://app.example.com/wh',
    required: false,
    nullable: true,
    type: String,
  })
  url?: string | null;
  @ApiProperty({ example: false, required: false })
  byEvents?: boolean;
  @ApiProperty({
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    required: false,
    example: ['message.exchange'],
  })
  events?: string[];
  @ApiProperty({ example: false, required: false })
  mediaBase64?: boolean;
  /** Set when the inline block of instance creation was refused (the instance is still created). */
  @ApiProperty({ required: false, example: 'url must use http or https' })
  error?: string;
}
