import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ListInstancesQueryDto {
  /** One name, or a comma-separated list (a list only with a TokenAccount). Ignored for a TokenInstance. */
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  @ApiProperty({ required: false, example: 'sales,support' })
  instanceName?: string;
}
