import { Body, Get, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { SettingsResponseDto, UpdateSettingsDto } from './dto/settings.dto';
import { DEFAULT_SETTINGS, SETTING_KEYS, SettingsService } from './settings.service';

@InstanceController('api/instance', { tag: 'Instance' })
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get('getSettings/:instance')
  @ApiSuccess({
    summary: 'Read behaviour settings',
    type: SettingsResponseDto,
    example: {
      success: true,
      message: 'Settings retrieved successfully',
      settings: DEFAULT_SETTINGS,
    },
  })
  @ApiErrors(OperationFailedError)
  async get(@InstanceParam() instance: Instance): Promise<SettingsResponseDto> {
    return {
      success: true,
      message: 'Settings retrieved successfully',
      settings: await this.settings.get(instance),
    };
  }

  @Post('settings/:instance')
  @ApiSuccess({
    summary: 'Partially update behaviour settings',
    description: 'Any subset of the settings, at least one. Fields not sent are left unchanged.',
    type: SettingsResponseDto,
    example: {
      success: true,
      message: 'Settings updated successfully',
      settings: {
        ...DEFAULT_SETTINGS,
        autoRejectCalls: true,
        callRejectMessage: "Sorry, we can't take calls here.",
      },
    },
  })
  @ApiErrors(ValidationFailedError, OperationFailedError)
  async update(
    @InstanceParam() instance: Instance,
    @Body() body: UpdateSettingsDto,
  ): Promise<SettingsResponseDto> {
    if (!SETTING_KEYS.some((key) => body[key] !== undefined)) {
      throw new ValidationFailedError(SPEC_LITERALS.atLeastOneSetting, [
        { field: 'body', message: SPEC_LITERALS.atLeastOneSetting },
      ]);
    }
    return {
      success: true,
      message: 'Settings updated successfully',
      settings: await this.settings.update(instance, body),
    };
  }
}
