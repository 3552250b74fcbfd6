import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

import { Optional } from '../../../common/validation/validators';

export class ListInstancesQueryDto {
  /** One name, or a comma-separated list (a list only with a TokenAccount). Ignored for a TokenInstance. */
  @Optional()
  @IsString()
  @MaxLength(10_000)
  @ApiProperty({ required: false, example: 'sales,support' })
  instanceName?: string;
}
