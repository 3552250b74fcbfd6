import { Body, Get, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { ProxyResponseDto, SetProxyDto } from './dto/proxy.dto';
import { EXAMPLE_PROXY } from './dto/proxy.examples';
import { ProxyService } from './proxy.service';

@InstanceController('api/instance', { tag: 'Instance' })
export class ProxyController {
  constructor(private readonly proxies: ProxyService) {}

  @Get('getProxy/:instance')
  @ApiSuccess({
    summary: 'Read the proxy',
    description:
      'Only the instance’s own proxy. Without one, `enabled` is false and the other fields are null. `password` is never returned.',
    type: ProxyResponseDto,
    example: {
      success: true,
      message: 'Proxy configuration retrieved successfully',
      proxy: EXAMPLE_PROXY,
    },
  })
  @ApiErrors(OperationFailedError)
  async get(@InstanceParam() instance: Instance): Promise<ProxyResponseDto> {
    return {
      success: true,
      message: 'Proxy configuration retrieved successfully',
      proxy: await this.proxies.get(instance),
    };
  }

  @Post('proxy/:instance')
  @ApiSuccess({
    summary: 'Set or remove the proxy',
    description:
      '`enabled: false` removes the proxy. The change takes effect on the next `reconnect` or `connect`. An omitted `password` keeps the stored one. The host falls under D12: a private, loopback or special-use address (any encoding) or a local name is refused unless listed in `PROXY_ALLOWED_HOSTS`, and the host is checked again after DNS resolution when connecting.',
    type: ProxyResponseDto,
    example: { success: true, message: 'Proxy configuration updated', proxy: EXAMPLE_PROXY },
  })
  @ApiErrors(ValidationFailedError, OperationFailedError)
  async set(
    @InstanceParam() instance: Instance,
    @Body() body: SetProxyDto,
  ): Promise<ProxyResponseDto> {
    const proxy = await this.proxies.set(instance, body);
    return {
      success: true,
      message: proxy.enabled ? 'Proxy configuration updated' : 'Proxy configuration removed',
      proxy,
    };
  }
}
