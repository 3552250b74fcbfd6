import { Body, Get, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { InvalidBodyError, OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { EXAMPLE_WEBSOCKET } from './dto/websocket.examples';
import { SetWebsocketDto, WebsocketConfigResponseDto } from './dto/websocket-config.dto';
import { WebsocketConfigService } from './websocket-config.service';


/** WebSocket configuration routes of docs/API.md §3.9 (mind the spelling `getWebsocket`). */
@InstanceController('api/events', { tag: 'Events' })
export class WebsocketConfigController {
  constructor(private readonly websockets: WebsocketConfigService) {}

  @Post('websocket/:instance')
  @ApiSuccess({
    summary: 'Enable or disable the WebSocket and set its filter',
    description:
      'One config per instance; it does not open a connection. `enabled: false` clears `events` and `mediaBase64`: open sockets stay open, new upgrades are refused.',
    type: WebsocketConfigResponseDto,
    example: { success: true, message: 'WebSocket configuration updated', websocket: EXAMPLE_WEBSOCKET },
  })
  @ApiErrors(InvalidBodyError, ValidationFailedError, {
    ...OperationFailedError,
    literal: 'Failed to get instance',
    name: 'GetInstanceFailed',
  })
  async set(
    @InstanceParam() instance: Instance,
    @Body() body: SetWebsocketDto,
  ): Promise<WebsocketConfigResponseDto> {
    return {
      success: true,
      message: 'WebSocket configuration updated',
      websocket: await this.websockets.set(instance, body),
    };
  }

  @Get('getWebsocket/:instance')
  @ApiSuccess({
    summary: 'Read the WebSocket config',
    description:
      'A disabled config, or one never set (D8), answers `{"enabled": false, "events": [], "mediaBase64": false}`.',
    type: WebsocketConfigResponseDto,
    example: { success: true, message: 'WebSocket configuration retrieved', websocket: EXAMPLE_WEBSOCKET },
  })
  @ApiErrors({
    ...OperationFailedError,
    literal: 'Failed to get websocket configuration',
    name: 'GetWebsocketFailed',
  })
  async get(@InstanceParam() instance: Instance): Promise<WebsocketConfigResponseDto> {
    return {
      success: true,
      message: 'WebSocket configuration retrieved',
      websocket: await this.websockets.read(instance),
    };
  }
}
