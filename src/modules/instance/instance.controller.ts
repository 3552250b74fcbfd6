import { Body, Delete, Get, Post, Query } from '@nestjs/common';
import { Auth, CurrentPrincipal, InstanceParam } from '@wharf/common/auth/auth.decorator';
// Aliased: this file's controller class is itself called InstanceController.
import { InstanceController as InstanceScopedController } from '@wharf/common/auth/instance-controller.decorator';
import type { Principal } from '@wharf/common/auth/principal';
import {
  InstanceConflictError,
  InstanceNotFoundError,
  InvalidBodyError,
  OperationFailedError,
  QuotaExceededError,
  ValidationFailedError,
} from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import { RateLimit } from '@wharf/common/rate-limit/rate-limit.decorator';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';
import { DEFAULT_SETTINGS } from '@wharf/modules/settings/settings.service';

import { CreateInstanceDto } from './dto/create-instance.dto';
import { EXAMPLE_INSTANCE, EXAMPLE_PROXY_DISABLED } from './dto/instance.examples';
import {
  CreateInstanceResponseDto,
  DeleteInstanceResponseDto,
  ListInstancesResponseDto,
  RotateInstanceTokenResponseDto,
} from './dto/instance-response.dto';
import { ListInstancesQueryDto } from './dto/list-instances-query.dto';
import type { Instance } from './entities/instance.entity';
import { InstanceService } from './instance.service';


@InstanceScopedController('api/instance', { tag: 'Instance' })
export class InstanceController {
  constructor(private readonly instances: InstanceService) {}

  @Post('new')
  @Auth('account')
  @RateLimit('instanceCreate')
  @ApiSuccess({
    summary: 'Create an instance',
    description:
      'Only `name` is required. Proxy, settings and S3 fields are validated strictly; a refused webhook, WebSocket or Chatwoot block does not abort creation and is reported in its summary.',
    status: 201,
    type: CreateInstanceResponseDto,
    example: {
      success: true,
      message: 'Instance created successfully',
      instance: {
        id: EXAMPLE_INSTANCE.id,
        name: 'sales',
        token: EXAMPLE_INSTANCE.token,
        status: 'disconnected',
        createdAt: EXAMPLE_INSTANCE.createdAt,
      },
      proxy: EXAMPLE_PROXY_DISABLED,
      webhook: EXAMPLE_INSTANCE.webhook,
      websocket: EXAMPLE_INSTANCE.websocket,
      chatwoot: { enabled: false },
      settings: DEFAULT_SETTINGS,
      s3: EXAMPLE_INSTANCE.s3,
    },
  })
  @ApiErrors(
    InvalidBodyError,
    { ...ValidationFailedError, literal: SPEC_LITERALS.nameRequired, name: 'NameRequired' },
    ValidationFailedError,
    QuotaExceededError,
    InstanceConflictError,
    { ...OperationFailedError, literal: 'Failed to create instance', name: 'CreateFailed' },
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateInstanceDto,
  ): Promise<CreateInstanceResponseDto> {
    if (principal.kind !== 'account') throw new Error('unreachable: @Auth(account)');
    return this.instances.create(principal.account, body);
  }

  @Get('list')
  @ApiSuccess({
    summary: 'List instances and their state',
    description:
      'TokenAccount: every instance, one by `instanceName` (404 when unknown), or a comma list (unknown names skipped). TokenInstance: only its own instance, filters ignored. Paged (D23): `limit` 1–500 (default 100) with a 1-based `page` or the `cursor` of `meta.nextCursor`; `meta.total` counts every match, `meta.hasMore` says whether more follow; `message` counts `meta.total`.',
    type: ListInstancesResponseDto,
    example: {
      success: true,
      message: '1 Instance found',
      instances: [EXAMPLE_INSTANCE],
      meta: { total: 1, limit: 100, page: 1, hasMore: false, nextCursor: null },
    },
  })
  @ApiErrors(InstanceNotFoundError, ValidationFailedError)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListInstancesQueryDto,
  ): Promise<ListInstancesResponseDto> {
    const { items, meta } = await this.instances.list(principal, query);
    return {
      success: true,
      message: `${meta.total} ${meta.total === 1 ? 'Instance' : 'Instances'} found`,
      instances: items,
      meta,
    };
  }

  @Delete('delete/:instance')
  @Auth('account')
  @ApiSuccess({
    summary: 'Delete an instance and all its data',
    description:
      'TokenAccount only (a TokenInstance gets 401 `Invalid token`). Objects already uploaded to S3 are kept.',
    type: DeleteInstanceResponseDto,
    example: { success: true, message: 'Instance deleted', instance: { status: 'deleted' } },
  })
  @ApiErrors({
    ...OperationFailedError,
    literal: 'Failed to delete instance: <reason>',
    name: 'DeleteFailed',
  })
  async delete(@InstanceParam() instance: Instance): Promise<DeleteInstanceResponseDto> {
    await this.instances.delete(instance);
    return { success: true, message: 'Instance deleted', instance: { status: 'deleted' } };
  }

  @Post('rotateToken/:instance')
  @Auth('account')
  @ApiSuccess({
    summary: 'Issue a new TokenInstance (extension, D3)',
    description: 'The old TokenInstance stops working at once.',
    type: RotateInstanceTokenResponseDto,
    example: {
      success: true,
      message: 'Instance token rotated',
      instance: {
        id: EXAMPLE_INSTANCE.id,
        name: 'sales',
        token: 'n3wT0k3nq7M0p3bX9Zt0c2WmN0y1x8s4k5j6h7g8f9e',
      },
    },
  })
  async rotateToken(@InstanceParam() instance: Instance): Promise<RotateInstanceTokenResponseDto> {
    return {
      success: true,
      message: 'Instance token rotated',
      instance: await this.instances.rotateToken(instance),
    };
  }
}
