import { HttpStatus } from '@nestjs/common';

import { fixedError } from '../../common/errors';

/** 404 of API.md `getWebsocket`: the config was never set. */
export class WebsocketNotConfiguredError extends fixedError(
  HttpStatus.NOT_FOUND,
  'WEBSOCKET_NOT_CONFIGURED',
  'WebSocket not configured for this instance',
) {}
