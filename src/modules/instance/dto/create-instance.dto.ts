import { ApiProperty } from '@nestjs/swagger';
import {
  Allow,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { SPEC_LITERALS } from '../../../common/validation/spec-literals';
import {
  IsInstanceName,
  IsPortString,
  Optional,
  Trim,
} from '../../../common/validation/validators';
import { EVENT_NAMES } from '../../events/event-names';
import { PROXY_PROTOCOLS, type ProxyProtocol } from '../../proxy/entities/proxy-config.entity';

/**
 * `POST /api/instance/new` (API.md §3.1). Only `name` is required. The proxy, settings and S3
 * fields are validated strictly (a wrong value is a 400 and nothing is created); the webhook,
 * WebSocket and Chatwoot blocks never abort creation — a refused block is reported in the
 * response with `enabled: false` and an `error`.
 */
export class CreateInstanceDto {
  /** Unique within the account (D4); used as `:instance` in paths. */
  @IsDefined({ message: SPEC_LITERALS.nameRequired })
  @IsNotEmpty({ message: SPEC_LITERALS.nameRequired })
  @IsInstanceName()
  @ApiProperty({ example: 'sales' })
  name: string;

  /** Custom TokenInstance: 16–128 printable characters, unique across the deployment (D3). */
  @Optional()
  @IsString()
  @Matches(/^[\x21-\x7e]{16,128}$/, {
    message: 'token must be 16 to 128 printable characters without spaces',
  })
  @ApiProperty({ required: false, example: 'my-own-instance-token-0001' })
  token?: string;

  @Optional() @IsBoolean() proxyEnabled?: boolean;
  /** IP or host name; D12 as `host` of `POST /api/instance/proxy` (PROXY_ALLOWED_HOSTS). */
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(255)
  @ApiProperty({ required: false, example: '10.0.0.5' })
  proxyHost?: string;
  @Optional()
  @IsPortString()
  @ApiProperty({ required: false, example: '1080', type: String })
  proxyPort?: string;
  @Optional()
  @IsIn(PROXY_PROTOCOLS, { message: `proxyProtocol must be one of ${PROXY_PROTOCOLS.join(', ')}` })
  @ApiProperty({ required: false, enum: PROXY_PROTOCOLS, enumName: 'ProxyProtocol' })
  proxyProtocol?: ProxyProtocol;
  @Optional() @IsString() @MaxLength(255) proxyUsername?: string;
  /** Encrypted at rest, never returned (D11). */
  @Optional()
  @IsString()
  @MaxLength(1024)
  @ApiProperty({ required: false, writeOnly: true })
  proxyPassword?: string;

  /** Creates one webhook with label `default`. */
  @Allow() @ApiProperty({ required: false, type: Boolean }) webhookEnabled?: unknown;
  /** Delivery URL (D12). */
  @Allow()
  @ApiProperty({ required: false, type: String, example: 'https://app.example.com/wh' })
  webhookURL?: unknown;
  /** Sent as the `Authorization` header of deliveries; encrypted at rest (D11). */
  @Allow()
  @ApiProperty({ required: false, type: String, example: 'Bearer secret-key-123' })
  webhookAuthorization?: unknown;
  @Allow()
  @ApiProperty({ required: false, type: Boolean, default: false })
  webhookByEvents?: unknown;
  @Allow()
  @ApiProperty({
    required: false,
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    example: ['message.exchange'],
  })
  webhookEvents?: unknown;
  @Allow() @ApiProperty({ required: false, type: Boolean }) webhookMediaBase64?: unknown;

  @Allow() @ApiProperty({ required: false, type: Boolean }) websocketEnabled?: unknown;
  @Allow()
  @ApiProperty({ required: false, enum: EVENT_NAMES, enumName: 'EventName', isArray: true })
  websocketEvents?: unknown;
  @Allow() @ApiProperty({ required: false, type: Boolean }) websocketMediaBase64?: unknown;

  @Allow() @ApiProperty({ required: false, type: Boolean }) chatwootEnabled?: unknown;
  @Allow() @ApiProperty({ required: false, type: String }) chatwootBaseUrl?: unknown;
  @Allow() @ApiProperty({ required: false, type: Number }) chatwootAccountId?: unknown;
  @Allow()
  @ApiProperty({ required: false, type: String, writeOnly: true })
  chatwootApiToken?: unknown;
  @Allow() @ApiProperty({ required: false, type: String }) chatwootInboxName?: unknown;
  @Allow() @ApiProperty({ required: false, type: Boolean }) chatwootSignMessages?: unknown;
  @Allow() @ApiProperty({ required: false, type: Boolean }) chatwootIgnoreGroups?: unknown;
  @Allow() @ApiProperty({ required: false, type: Boolean }) chatwootStartAsPending?: unknown;
  @Allow() @ApiProperty({ required: false, type: Boolean }) chatwootReopenResolved?: unknown;

  @Optional() @IsBoolean() autoRejectCalls?: boolean;
  @Optional() @IsString() @MaxLength(4096) callRejectMessage?: string;
  @Optional() @IsBoolean() ignoreGroupMessages?: boolean;
  @Optional() @IsBoolean() keepOnlineStatus?: boolean;
  @Optional() @IsBoolean() autoReadMessages?: boolean;
  @Optional()
  @IsBoolean()
  @ApiProperty({ required: false, default: true })
  disableHistorySync?: boolean;
  @Optional() @IsBoolean() ignoreStatus?: boolean;
  /** Wharf extension (D14). */
  @Optional() @IsInt() @Min(0) @Max(6000) sendRatePerMinute?: number;

  @Optional() @IsBoolean() s3Enabled?: boolean;
  @Optional() @Trim() @IsString() @MaxLength(64) s3Region?: string;
  @Optional() @Trim() @IsString() @MaxLength(255) s3Bucket?: string;
  @Optional() @Trim() @IsString() @MaxLength(255) s3AccessKey?: string;
  /** Encrypted, never returned (D11). */
  @Optional()
  @IsString()
  @MaxLength(1024)
  @ApiProperty({ required: false, writeOnly: true })
  s3SecretKey?: string;
  @Optional() @Trim() @IsString() @MaxLength(2048) s3Endpoint?: string;
  @Optional() @Trim() @IsString() @MaxLength(255) s3PathPrefix?: string;
}
