import { ApiProperty } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateInt,
  ValidateString,
} from '@wharf/common/validation/composite-validators';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';
import { IsInstanceName, IsPortString, Optional } from '@wharf/common/validation/validators';
import { EVENT_NAMES } from '@wharf/modules/events/event-names';
import { PROXY_PROTOCOLS, type ProxyProtocol } from '@wharf/modules/proxy/entities/proxy-config.entity';
import { Allow, IsDefined, IsIn, IsNotEmpty, IsString, Matches } from 'class-validator';

/**
 * `POST /api/instance/new` (docs/API.md §3.1). Only `name` is required. The proxy, settings and S3
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
  @ApiProperty({ example: 'my-own-instance-token-0001' })
  token?: string;

  @ValidateBoolean({ optional: true }) proxyEnabled?: boolean;
  /** IP or host name; D12 as `host` of `POST /api/instance/proxy` (PROXY_ALLOWED_HOSTS). */
  @ValidateString({ optional: true, trim: true, maxLength: 255 })
  @ApiProperty({ example: '10.0.0.5' })
  proxyHost?: string;
  @Optional()
  @IsPortString()
  @ApiProperty({ example: '1080', type: String })
  proxyPort?: string;
  @Optional()
  @IsIn(PROXY_PROTOCOLS, { message: `proxyProtocol must be one of ${PROXY_PROTOCOLS.join(', ')}` })
  @ApiProperty({ enum: PROXY_PROTOCOLS, enumName: 'ProxyProtocol' })
  proxyProtocol?: ProxyProtocol;
  @ValidateString({ optional: true, maxLength: 255 }) proxyUsername?: string;
  /** Encrypted at rest, never returned (D11). */
  @ValidateString({ optional: true, maxLength: 1024 })
  @ApiProperty({ writeOnly: true })
  proxyPassword?: string;

  /** Creates one webhook with label `default`. */
  @Allow() @ApiProperty({ type: Boolean }) webhookEnabled?: unknown;
  /** Delivery URL (D12). */
  @Allow()
  @ApiProperty({ type: String, example: 'https://app.example.com/wh' })
  webhookURL?: unknown;
  /** Sent as the `Authorization` header of deliveries; encrypted at rest (D11). */
  @Allow()
  @ApiProperty({ type: String, example: 'Bearer secret-key-123' })
  webhookAuthorization?: unknown;
  @Allow()
  @ApiProperty({ type: Boolean, default: false })
  webhookByEvents?: unknown;
  @Allow()
  @ApiProperty({
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    example: ['message.exchange'],
  })
  webhookEvents?: unknown;
  @Allow() @ApiProperty({ type: Boolean }) webhookMediaBase64?: unknown;

  @Allow() @ApiProperty({ type: Boolean }) websocketEnabled?: unknown;
  @Allow()
  @ApiProperty({ enum: EVENT_NAMES, enumName: 'EventName', isArray: true })
  websocketEvents?: unknown;
  @Allow() @ApiProperty({ type: Boolean }) websocketMediaBase64?: unknown;

  @Allow() @ApiProperty({ type: Boolean }) chatwootEnabled?: unknown;
  @Allow() @ApiProperty({ type: String }) chatwootBaseUrl?: unknown;
  @Allow() @ApiProperty({ type: Number }) chatwootAccountId?: unknown;
  @Allow()
  @ApiProperty({ type: String, writeOnly: true })
  chatwootApiToken?: unknown;
  @Allow() @ApiProperty({ type: String }) chatwootInboxName?: unknown;
  @Allow() @ApiProperty({ type: Boolean }) chatwootSignMessages?: unknown;
  @Allow() @ApiProperty({ type: Boolean }) chatwootIgnoreGroups?: unknown;
  @Allow() @ApiProperty({ type: Boolean }) chatwootStartAsPending?: unknown;
  @Allow() @ApiProperty({ type: Boolean }) chatwootReopenResolved?: unknown;

  @ValidateBoolean({ optional: true }) autoRejectCalls?: boolean;
  @ValidateString({ optional: true, maxLength: 4096 }) callRejectMessage?: string;
  @ValidateBoolean({ optional: true }) ignoreGroupMessages?: boolean;
  @ValidateBoolean({ optional: true }) keepOnlineStatus?: boolean;
  @ValidateBoolean({ optional: true }) autoReadMessages?: boolean;
  @ValidateBoolean({ optional: true })
  @ApiProperty({ default: true })
  disableHistorySync?: boolean;
  @ValidateBoolean({ optional: true }) ignoreStatus?: boolean;
  /** Wharf extension (D14). */
  @ValidateInt({ optional: true, min: 0, max: 6000 }) sendRatePerMinute?: number;

  @ValidateBoolean({ optional: true }) s3Enabled?: boolean;
  @ValidateString({ optional: true, trim: true, maxLength: 64 }) s3Region?: string;
  @ValidateString({ optional: true, trim: true, maxLength: 255 }) s3Bucket?: string;
  @ValidateString({ optional: true, trim: true, maxLength: 255 }) s3AccessKey?: string;
  /** Encrypted, never returned (D11). */
  @ValidateString({ optional: true, maxLength: 1024 })
  @ApiProperty({ writeOnly: true })
  s3SecretKey?: string;
  @ValidateString({ optional: true, trim: true, maxLength: 2048 }) s3Endpoint?: string;
  @ValidateString({ optional: true, trim: true, maxLength: 255 }) s3PathPrefix?: string;
}
