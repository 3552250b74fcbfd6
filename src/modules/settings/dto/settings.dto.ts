import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

import { Optional } from '../../../common/validation/validators';

/** Partial update of the settings (API.md §3.1 settings); at least one field. */
export class UpdateSettingsDto {
  /** Reject incoming calls automatically. */
  @Optional()
  @IsBoolean()
  autoRejectCalls?: boolean;

  /** Message sent to the caller on rejection. */
  @Optional()
  @IsString()
  @MaxLength(4096)
  @ApiProperty({ required: false, example: "Sorry, we can't take calls here." })
  callRejectMessage?: string;

  @Optional()
  @IsBoolean()
  ignoreGroupMessages?: boolean;

  @Optional()
  @IsBoolean()
  keepOnlineStatus?: boolean;

  @Optional()
  @IsBoolean()
  autoReadMessages?: boolean;

  @Optional()
  @IsBoolean()
  disableHistorySync?: boolean;

  @Optional()
  @IsBoolean()
  ignoreStatus?: boolean;

  /** Wharf extension (D14): outbound messages per minute, 0 = unlimited. */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(6000)
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
