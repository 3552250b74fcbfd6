import { ApiProperty } from '@nestjs/swagger';
import { ProxySummaryDto } from '@wharf/modules/proxy/dto/proxy.dto';
import { SettingsDto } from '@wharf/modules/settings/dto/settings.dto';
import { S3SummaryDto } from '@wharf/modules/storage/dto/s3.dto';
import { WebhookSummaryDto } from '@wharf/modules/webhook/dto/webhook.dto';
import { WebsocketSummaryDto } from '@wharf/modules/websocket/dto/websocket-config.dto';

import { INSTANCE_STATES, type InstanceState } from '../entities/instance.entity';

export class CreatedInstanceDto {
  @ApiProperty({ example: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f' })
  id: string;
  @ApiProperty({ example: 'sales' })
  name: string;
  /** The TokenInstance (D3). */
  @ApiProperty({ example: 'q1Z3…base64url' })
  token: string;
  @ApiProperty({ enum: INSTANCE_STATES, enumName: 'InstanceState', example: 'disconnected' })
  status: InstanceState;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  createdAt: string;
}

/** Chatwoot block summary; `status: "error"` when the inline block was refused. */
export class ChatwootSummaryDto {
  @ApiProperty({ example: false })
  enabled?: boolean;
  @ApiProperty({ example: 'error' })
  status?: string;
  error?: string;
}

export class CreateInstanceResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Instance created successfully' })
  message: string;
  instance: CreatedInstanceDto;
  proxy: ProxySummaryDto;
  webhook: WebhookSummaryDto;
  websocket: WebsocketSummaryDto;
  chatwoot: ChatwootSummaryDto;
  settings: SettingsDto;
  s3: S3SummaryDto;
}

export class ConnectionDto {
  @ApiProperty({ enum: INSTANCE_STATES, enumName: 'InstanceState', example: 'connected' })
  state: InstanceState;
  @ApiProperty({ example: '5511999999999@s.whatsapp.net', nullable: true, type: String })
  numberJid: string | null;
  @ApiProperty({ example: 'available' })
  presenceStatus: string;
  @ApiProperty({ example: 'Connected' })
  displayStatus: string;
}

export class ProfileDto {
  @ApiProperty({ example: 'Sales' })
  name: string;
  @ApiProperty({ example: 'https://pps.whatsapp.net/...' })
  pictureUrl: string;
  @ApiProperty({ example: false })
  isBusiness: boolean;
  @ApiProperty({ example: '' })
  businessName: string;
}

/** One item of `GET /api/instance/list` (D23). */
export class InstanceListItemDto {
  @ApiProperty({ example: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f' })
  id: string;
  @ApiProperty({ example: 'sales' })
  name: string;
  /** The TokenInstance, to the owning account and the instance itself only (D3). */
  @ApiProperty({ example: 'q1Z3…base64url' })
  token: string;
  @ApiProperty({ enum: INSTANCE_STATES, enumName: 'InstanceState', example: 'disconnected' })
  status: InstanceState;
  @ApiProperty({ nullable: true, type: String, example: null })
  numberJid: string | null;
  connection: ConnectionDto;
  profile: ProfileDto;
  webhook: WebhookSummaryDto;
  websocket: WebsocketSummaryDto;
  chatwoot: ChatwootSummaryDto;
  proxy: ProxySummaryDto;
  settings: SettingsDto;
  s3: S3SummaryDto;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  createdAt: string;
}

/** `meta` of `GET /api/instance/list` (D23): the total and the paging of this answer. */
export class ListMetaDto {
  /** Every instance that matches the query, on all pages. */
  @ApiProperty({ example: 1 })
  total: number;
  /** Items per page this answer used. */
  @ApiProperty({ example: 100 })
  limit: number;
  /** 1-based page of this answer (`null` when it was asked by `cursor`). */
  @ApiProperty({ example: 1, nullable: true, type: Number })
  page: number | null;
  /** Whether more instances follow this page. */
  @ApiProperty({ example: false })
  hasMore: boolean;
  /** Pass as `cursor` for the next page; `null` on the last page. */
  @ApiProperty({ example: null, nullable: true, type: String })
  nextCursor: string | null;
}

export class ListInstancesResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: '1 Instance found' })
  message: string;
  instances: InstanceListItemDto[];
  meta: ListMetaDto;
}

export class DeletedStatusDto {
  @ApiProperty({ example: 'deleted' })
  status: 'deleted';
}

export class DeleteInstanceResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Instance deleted' })
  message: string;
  instance: DeletedStatusDto;
}

export class RotatedInstanceTokenDto {
  @ApiProperty({ example: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f' })
  id: string;
  @ApiProperty({ example: 'sales' })
  name: string;
  @ApiProperty({ example: 'n3wT0k3n…base64url' })
  token: string;
}

export class RotateInstanceTokenResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Instance token rotated' })
  message: string;
  instance: RotatedInstanceTokenDto;
}
