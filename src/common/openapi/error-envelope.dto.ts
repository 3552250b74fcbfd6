import { ApiProperty } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ example: 'name' })
  field: string;

  @ApiProperty({ example: 'name must be a string' })
  message: string;
}

export class ErrorBodyDto {
  /** The literal text of docs/API.md (D2). */
  @ApiProperty({ example: 'Instance not found' })
  message: string;

  /** Stable SCREAMING_SNAKE code (D2). */
  @ApiProperty({ example: 'INSTANCE_NOT_FOUND' })
  code: string;

  /** Present on validation failures: the first 20 failing fields. */
  details?: ErrorDetailDto[];

  /** How many more failing fields there were than `details` lists (only when it is cut). */
  @ApiProperty({ required: false, example: 4980 })
  detailsOmitted?: number;
}

/** The error envelope of D2. */
export class ErrorEnvelopeDto {
  @ApiProperty({ example: false })
  success: false;

  error: ErrorBodyDto;
}
