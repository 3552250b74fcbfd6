import { ApiProperty } from '@nestjs/swagger';
import { ValidateBoolean } from '@wharf/common/validation/composite-validators';
import { ArrayDistinct, Optional } from '@wharf/common/validation/validators';
import { EVENT_NAMES } from '@wharf/modules/events/event-names';
import { ArrayMaxSize, IsArray, IsIn } from 'class-validator';

/** `POST /api/events/websocket/:instance` (docs/API.md §3.9). */
export class SetWebsocketDto {
  /** `false` clears `events` and `mediaBase64`; open sockets stay open, new upgrades are refused. */
  @ValidateBoolean({ optional: true })
  @ApiProperty({ default: true, example: true })
  enabled?: boolean;

  /** Subset of the six event names, each at most once; empty or omitted = all. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(EVENT_NAMES.length, {
    message: `events must contain at most ${EVENT_NAMES.length} event names`,
  })
  @ArrayDistinct()
  @IsIn(EVENT_NAMES, { each: true, message: `events must contain only ${EVENT_NAMES.join(', ')}` })
  @ApiProperty({
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    example: ['message.exchange'],
  })
  events?: string[];

  /** Adds `media.base64` to `message.exchange` frames. */
  @ValidateBoolean({ optional: true })
  @ApiProperty({ default: false, example: false })
  mediaBase64?: boolean;
}

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
  @ApiProperty({ example: 'websocketEvents has unknown event names: foo' })
  error?: string;
}

export class WebsocketConfigResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'WebSocket configuration retrieved' })
  message: string;
  websocket: WebsocketSummaryDto;
}
