import { ApiProperty } from '@nestjs/swagger';
import { ValidateInt } from '@wharf/common/validation/composite-validators';
import { Optional } from '@wharf/common/validation/validators';
import { Type } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

/** `GET /api/instance/connect/:instance` query (docs/API.md §3.1, D9). */
export class ConnectQueryDto {
  /** Phone number to link: answers a pairing code instead of a QR code (D13 punctuation allowed). */
  @Optional()
  @IsString()
  @Matches(/^\+?[\d\s\-()]{8,24}$/, { message: 'number must be a phone number with country code' })
  @ApiProperty({ example: '5511999999999' })
  number?: string;

  /** Days of history to sync; WhatsApp may not honour it. */
  @Optional()
  @Type(() => Number)
  @ValidateInt({ min: 0, max: 3650 })
  @ApiProperty({ example: 7 })
  history?: number;
}

export class ConnectResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'QR code generated' })
  message: string;
  @ApiProperty({ example: '2@abc…,xyz==,base64string' })
  qrCode?: string;
  @ApiProperty({ example: 'data:image/png;base64,iVBORw0K…' })
  qrCodeBase64?: string;
  @ApiProperty({ example: 'ABCD1234' })
  pairingCode?: string;
  @ApiProperty({ example: 'qr', enum: ['qr', 'pairing_code', 'connected'] })
  status: string;
}

export class ReconnectResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Reconnect initiated' })
  message: string;
  @ApiProperty({ example: 'connecting' })
  status: 'connecting';
}

export class LoggedOutStatusDto {
  @ApiProperty({ example: 'loggedout' })
  status: 'loggedout';
}

export class LogoutResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Instance logged out' })
  message: string;
  instance: LoggedOutStatusDto;
}
