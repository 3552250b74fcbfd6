import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '@wharf/common/auth/auth.decorator';
import { AuthService } from '@wharf/common/auth/auth.service';
import type { Principal } from '@wharf/common/auth/principal';
import {
  InstanceNotFoundError,
  InstanceNotOwnedError,
  InstanceTokenMismatchError,
} from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { InstanceNameRequiredError } from './chat.errors';
import { MessageMetricsResponseDto } from './dto/chat-read.dto';
import { MessageMetricsService } from './message-metrics.service';

/** `GET /api/instance/metrics/:instance` (docs/API.md §3.1, D18). */
@ApiTags('Instance')
@Controller('api/instance')
export class InstanceMetricsController {
  constructor(
    private readonly auth: AuthService,
    private readonly metrics: MessageMetricsService,
  ) {}

  @Get('metrics/:instance')
  @Auth('account', 'instance')
  @ApiSuccess({
    summary: 'Message metrics',
    description:
      '`:instance` is one name or a comma-separated list (`sales,support`; spaces around commas are accepted). Every listed instance must be accessible to the token (the ownership rules of D4 apply to each; the first refusal answers). With several instances numbers are summed, `firstMessageAt` is the earliest and `lastMessageAt` the latest, and `instance` repeats the list as given. Computed from the message store on each call.',
    type: MessageMetricsResponseDto,
    example: {
      success: true,
      message: 'Metrics retrieved successfully',
      metrics: {
        instance: 'sales',
        totalMessages: 1523,
        messagesReceived: 980,
        messagesSent: 543,
        messagesByType: { text: 1200, image: 150, audio: 90, video: 30, document: 40, sticker: 13 },
        groupMessages: 400,
        individualMessages: 1123,
        messagesWithMedia: 323,
        mediaByType: { image: 150, audio: 90, video: 30, document: 40, sticker: 13 },
        messagesByStatus: { pending: 0, sent: 20, delivered: 300, read: 1150, played: 40, failed: 13 },
        uniqueChats: 210,
        uniqueGroups: 12,
        uniqueContacts: 198,
        messagesLast7Days: 310,
        messagesLast30Days: 1020,
        firstMessageAt: '2026-01-05T09:12:00.000Z',
        lastMessageAt: '2026-04-28T14:30:00.000Z',
      },
    },
  })
  @ApiErrors(
    InstanceNameRequiredError,
    InstanceTokenMismatchError,
    InstanceNotOwnedError,
    InstanceNotFoundError,
  )
  async metricsOf(
    @CurrentPrincipal() principal: Principal,
    @Param('instance') list: string,
  ): Promise<MessageMetricsResponseDto> {
    const names = [...new Set(list.split(',').map((name) => name.trim()).filter(Boolean))];
    if (names.length === 0) throw new InstanceNameRequiredError();
    const instances: Instance[] = [];
    for (const name of names) instances.push(await this.auth.ownedInstance(principal, name));
    return {
      success: true,
      message: 'Metrics retrieved successfully',
      metrics: await this.metrics.compute(list, instances),
    };
  }
}
