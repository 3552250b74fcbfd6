import { Delete, Get, Post, Query } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import {
  DomainError,
  engineError,
  OperationFailedError,
  ValidationFailedError,
} from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { ProxyRefusedError } from '@wharf/modules/proxy/proxy-errors';

import {
  ConnectQueryDto,
  ConnectResponseDto,
  LogoutResponseDto,
  ReconnectResponseDto,
} from './dto/session.dto';
import { SessionProvider } from './session.provider';
import {
  ConnectTimeoutError,
  NoSavedSessionError,
  SessionOwnedElsewhereError,
} from './session-errors';

/** Session lifecycle routes of docs/API.md §3.1 (connect, reconnect, logout) and D9. */
@InstanceController('api/instance', { tag: 'Instance' })
export class SessionController {
  constructor(private readonly sessions: SessionProvider) {}

  @Get('connect/:instance')
  @ApiSuccess({
    summary: 'Start a connection; get a QR code or a pairing code',
    description:
      'Starts a fresh client and waits (at most 60 s) for the first QR code, or for an 8-character pairing code when `number` is given. An instance already connected answers `Instance already connected`. A proxy whose host is or resolves to a private address not in `PROXY_ALLOWED_HOSTS` answers 400 `PROXY_REFUSED` (D12).',
    type: ConnectResponseDto,
    example: {
      success: true,
      message: 'QR code generated',
      qrCode: '2@abc…,xyz==,base64string',
      qrCodeBase64: 'data:image/png;base64,iVBORw0KGgo…',
      status: 'qr',
    },
  })
  @ApiErrors(
    ConnectTimeoutError,
    ValidationFailedError,
    SessionOwnedElsewhereError,
    ProxyRefusedError,
    engineError('INVALID_JID'),
  )
  async connect(
    @InstanceParam() instance: Instance,
    @Query() query: ConnectQueryDto,
  ): Promise<ConnectResponseDto> {
    const result = await this.sessions.connect(instance, query.number);
    switch (result.kind) {
      case 'connected':
        return { success: true, message: 'Instance already connected', status: 'connected' };
      case 'pairing_code':
        return {
          success: true,
          message: 'Pairing code generated',
          pairingCode: result.pairingCode,
          status: 'pairing_code',
        };
      case 'qr':
        return {
          success: true,
          message: 'QR code generated',
          qrCode: result.qrCode,
          qrCodeBase64: result.qrCodeBase64,
          status: 'qr',
        };
    }
  }

  @Post('reconnect/:instance')
  @ApiSuccess({
    summary: 'Reconnect with the saved session',
    description:
      'Fails when the instance was never connected or was logged out. A body is accepted and ignored.',
    type: ReconnectResponseDto,
    example: { success: true, message: 'Reconnect initiated', status: 'connecting' },
  })
  @ApiErrors(NoSavedSessionError, SessionOwnedElsewhereError, ProxyRefusedError, {
    ...OperationFailedError,
    literal: 'Failed to reconnect: <reason>',
    name: 'ReconnectFailed',
  })
  async reconnect(@InstanceParam() instance: Instance): Promise<ReconnectResponseDto> {
    try {
      await this.sessions.reconnect(instance);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new OperationFailedError(`Failed to reconnect: ${(error as Error).message}`, error);
    }
    return { success: true, message: 'Reconnect initiated', status: 'connecting' };
  }

  @Delete('logout/:instance')
  @ApiSuccess({
    summary: 'Unlink the device, keep the instance',
    description:
      'Like "Log out" in WhatsApp Web: the session is wiped, so `connect` is needed again.',
    type: LogoutResponseDto,
    example: { success: true, message: 'Instance logged out', instance: { status: 'loggedout' } },
  })
  @ApiErrors(SessionOwnedElsewhereError, {
    ...OperationFailedError,
    literal: 'Failed to logout instance',
    name: 'LogoutFailed',
  })
  async logout(@InstanceParam() instance: Instance): Promise<LogoutResponseDto> {
    try {
      await this.sessions.logout(instance);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new OperationFailedError('Failed to logout instance', error);
    }
    return { success: true, message: 'Instance logged out', instance: { status: 'loggedout' } };
  }
}
