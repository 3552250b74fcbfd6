import { Body, Get, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { GetS3ResponseDto, SetS3Dto, SetS3ResponseDto } from './dto/s3.dto';
import { EXAMPLE_S3 } from './dto/s3.examples';
import { S3ConfigService } from './s3-config.service';

@InstanceController('api/instance', { tag: 'Instance' })
export class S3ConfigController {
  constructor(private readonly s3: S3ConfigService) {}

  @Get('getS3/:instance')
  @ApiSuccess({
    summary: 'Read the S3 media storage config',
    description:
      '`secretKey` is always null. A disabled or never-configured S3 answers `enabled: false` with null fields. No `message`.',
    type: GetS3ResponseDto,
    example: { success: true, s3: { ...EXAMPLE_S3, secretKey: null } },
  })
  @ApiErrors(OperationFailedError)
  async get(@InstanceParam() instance: Instance): Promise<GetS3ResponseDto> {
    return { success: true, s3: { ...(await this.s3.get(instance)), secretKey: null } };
  }

  @Post('s3/:instance')
  @ApiSuccess({
    summary: 'Set or disable S3 media storage',
    description:
      '`enabled: false` deletes all stored credentials; enabling needs every field again.',
    type: SetS3ResponseDto,
    example: { success: true, message: 'S3 configuration updated', s3: EXAMPLE_S3 },
  })
  @ApiErrors(ValidationFailedError, OperationFailedError)
  async set(
    @InstanceParam() instance: Instance,
    @Body() body: SetS3Dto,
  ): Promise<SetS3ResponseDto> {
    return {
      success: true,
      message: 'S3 configuration updated',
      s3: await this.s3.set(instance, body),
    };
  }
}
