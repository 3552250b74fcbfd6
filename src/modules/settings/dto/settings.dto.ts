import { ApiProperty } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateInt,
  ValidateString,
} from '@wharf/common/validation/composite-validators';

/** Partial update of the settings (docs/API.md §3.1 settings); at least one field. */
export class UpdateSettingsDto {
  /** Reject incoming calls automatically. */
  @ValidateBoolean({ optional: true })
  autoRejectCalls?: boolean;

  /** Message sent to the caller on rejection. */
  @ValidateString({ optional: true, maxLength: 4096 })
  @ApiProperty({ example: "Sorry, we can't take calls here." })
  callRejectMessage?: string;

  @ValidateBoolean({ optional: true })
  ignoreGroupMessages?: boolean;

  @ValidateBoolean({ optional: true })
  keepOnlineStatus?: boolean;

  @ValidateBoolean({ optional: true })
  autoReadMessages?: boolean;

  @ValidateBoolean({ optional: true })
  disableHistorySync?: boolean;

  @ValidateBoolean({ optional: true })
  ignoreStatus?: boolean;

  /** Wharf extension (D14): outbound messages per minute, 0 = unlimited. */
  @ValidateInt({ optional: true, min: 0, max: 6000 })
  sendRatePerMinute?: number;
}

export class SettingsDto {
  @ApiProperty({ example: false })
  autoRejectCalls: boolean;
  @ApiProperty({ example: '' })
  callRejectMessage: string;
  @ApiProperty({ example: false })
  ignoreGroupMessages: boolean;
  @ApiProperty({ example: false })
  keepOnlineStatus: boolean;
  @ApiProperty({ example: false })
  autoReadMessages: boolean;
  @ApiProperty({ example: true })
  disableHistorySync: boolean;
  @ApiProperty({ example: false })
  ignoreStatus: boolean;
  /** Wharf extension (D14). */
  @ApiProperty({ example: 0 })
  sendRatePerMinute: number;
}

export class SettingsResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Settings retrieved successfully' })
  message: string;
  settings: SettingsDto;
}
