import { ApiProperty } from '@nestjs/swagger';
import { ValidateBoolean, ValidateString } from '@wharf/common/validation/composite-validators';
import { Optional } from '@wharf/common/validation/validators';
import { EVENT_NAMES } from '@wharf/modules/events/event-names';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsUUID,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

import { DELIVERY_STATUSES, type DeliveryStatus } from '../entities/webhook-delivery.entity';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook.constants';

/** Summary of an instance's `default` webhook in instance responses (no secrets). */
export class WebhookSummaryDto {
  @ApiProperty({ example: true })
  enabled: boolean;
  @ApiProperty({ example: 'default' })
  label?: string;
  @ApiProperty({
    example: 'https://app.example.com/wh',
    nullable: true,
    type: String,
  })
  url?: string | null;
  @ApiProperty({ example: false })
  byEvents?: boolean;
  @ApiProperty({
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    example: ['message.exchange'],
  })
  events?: string[];
  @ApiProperty({ example: false })
  mediaBase64?: boolean;
  /** Set when the inline block of instance creation was refused (the instance is still created). */
  @ApiProperty({ example: 'url must use http or https' })
  error?: string;
}

/**
 * `POST /api/events/webhook/:instance` (docs/API.md §3.9): creates or completely overwrites the webhook
 * `label`. `enabled: false` clears `url`, `authorization`, `events` and `mediaBase64` and keeps the
 * webhook and its signing secret.
 */
export class SetWebhookDto {
  /** Free-form name; the webhook's identity within the instance. */
  @ValidateString({ optional: true, trim: true, maxLength: 100 })
  @ApiProperty({ example: 'crm', default: 'default' })
  label?: string;

  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: true, default: true })
  enabled?: boolean;

  /**
   * http(s) delivery URL, used exactly as given, query string included (D6, D12). Required unless
   * `enabled` is false; `null` is the same as omitted.
   */
  @ValidateString({ nullable: true, maxLength: MAX_WEBHOOK_URL_LENGTH })
  @ApiProperty({ example: 'https://app.example.com/wh', nullable: true })
  url?: string | null;

  /**
   * Sent verbatim as the `Authorization` header; omitted or `null` = no such header. Encrypted at
   * rest (D11).
   */
  @ValidateString({ nullable: true, maxLength: 4096 })
  @ApiProperty({ example: 'Bearer svc-token-xyz', nullable: true })
  authorization?: string | null;

  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: false, default: false })
  byEvents?: boolean;

  /** Subset of the six event names, order kept; empty, omitted or `null` = all six. */
  @Optional({ nullable: true })
  @IsArray()
  @ArrayMaxSize(EVENT_NAMES.length, {
    message: `events must contain at most ${EVENT_NAMES.length} event names`,
  })
  @ApiProperty({
    nullable: true,
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    example: ['message.exchange', 'message.status'],
  })
  events?: string[] | null;

  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: false, default: false })
  mediaBase64?: boolean;
}

/** A stored webhook as the routes return it (`authorization` in clear, plus `secret`, D6). */
export class WebhookDto {
  @ApiProperty({ example: 'crm' })
  label: string;
  @ApiProperty({ example: true })
  enabled: boolean;
  @ApiProperty({ example: 'https://app.example.com/wh', nullable: true, type: String })
  url: string | null;
  @ApiProperty({ example: 'Bearer svc-token-xyz', nullable: true, type: String })
  authorization: string | null;
  @ApiProperty({ example: false })
  byEvents: boolean;
  @ApiProperty({
    enum: EVENT_NAMES,
    enumName: 'EventName',
    isArray: true,
    example: ['message.exchange', 'message.status'],
  })
  events: string[];
  @ApiProperty({ example: false })
  mediaBase64: boolean;
  /** Standard Webhooks signing secret (extension, D6). */
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret: string;
}

export class WebhookResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Webhook configured successfully' })
  message: string;
  webhook: WebhookDto;
}

export class WebhookListResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: '1 Webhook found' })
  message: string;
  @ApiProperty({ type: [WebhookDto] })
  webhooks: WebhookDto[];
}

/** `?label=`: present (even empty) = read one webhook; empty means `default`. */
export class GetWebhookQueryDto {
  @ValidateString({ optional: true, maxLength: 100 })
  @ApiProperty({ example: 'crm' })
  label?: string;
}

export class RotateSecretQueryDto {
  /** The webhook whose secret is rotated; empty or omitted = `default`. */
  @ValidateString({ optional: true, maxLength: 100 })
  @ApiProperty({ example: 'crm' })
  label?: string;
}

export class RotatedSecretDto {
  @ApiProperty({ example: 'crm' })
  label: string;
  @ApiProperty({ example: 'whsec_n3wS3cr3tn3wS3cr3tn3wS3cr3tn3wS3cr3tAAAA=' })
  secret: string;
  /** Until when the previous secret still signs deliveries (both signatures are sent). */
  @ApiProperty({ example: '2026-04-29T10:30:00.000Z', nullable: true, type: String })
  previousSecretExpiresAt: string | null;
}

export class RotateSecretResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Webhook secret rotated' })
  message: string;
  webhook: RotatedSecretDto;
}

/** Filters and cursor of `GET /api/events/deliveries/:instance` (D6). Newest first. */
export class ListDeliveriesQueryDto {
  @ValidateString({ optional: true, maxLength: 100 })
  @ApiProperty({ example: 'crm' })
  label?: string;

  @Optional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  status?: DeliveryStatus;

  @Optional()
  @IsIn(EVENT_NAMES, { message: `event must be one of ${EVENT_NAMES.join(', ')}` })
  @ApiProperty({ enum: EVENT_NAMES, enumName: 'EventName' })
  event?: string;

  /** Deliveries created at or after this time (ISO-8601). */
  @Optional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date' })
  @ApiProperty({ example: '2026-04-28T00:00:00Z' })
  from?: string;

  /** Deliveries created before this time (ISO-8601). */
  @Optional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date' })
  @ApiProperty({ example: '2026-04-29T00:00:00Z' })
  to?: string;

  /** Page size, 1–500 (default 50). */
  @Optional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(500)
  @ApiProperty({ example: 50, type: Number })
  limit?: number;

  /** `nextCursor` of the previous page. */
  @Optional()
  @IsUUID('all', { message: 'cursor must be a cursor returned by this endpoint' })
  cursor?: string;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  at: string;
  @ApiProperty({ example: 503, nullable: true, type: Number })
  statusCode: number | null;
  @ApiProperty({ example: 120 })
  durationMs: number;
  @ApiProperty({ example: 'HTTP 503', nullable: true, type: String })
  error: string | null;
  @ApiProperty({ example: '2026-04-28T10:30:05.000Z', nullable: true, type: String })
  nextAttemptAt: string | null;
}

export class DeliveryDto {
  @ApiProperty({ example: '01966f3a-9c00-7d4e-9f10-3a5b7c9d1e2f' })
  id: string;
  @ApiProperty({ example: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f' })
  eventId: string;
  @ApiProperty({ enum: EVENT_NAMES, enumName: 'EventName', example: 'message.exchange' })
  event: string;
  @ApiProperty({ example: 'crm' })
  label: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus', example: 'failed' })
  status: DeliveryStatus;
  @ApiProperty({ example: 1 })
  attempts: number;
  @ApiProperty({ example: 503, nullable: true, type: Number })
  lastStatusCode: number | null;
  @ApiProperty({ example: 'HTTP 503', nullable: true, type: String })
  lastError: string | null;
  @ApiProperty({ example: '2026-04-28T10:30:05.000Z', nullable: true, type: String })
  nextAttemptAt: string | null;
  @ApiProperty({ example: null, nullable: true, type: String })
  deliveredAt: string | null;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  createdAt: string;
  @ApiProperty({ type: [DeliveryAttemptDto] })
  history: DeliveryAttemptDto[];
}

export class DeliveryListResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: '1 Delivery found' })
  message: string;
  @ApiProperty({ type: [DeliveryDto] })
  deliveries: DeliveryDto[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor: string | null;
}

/** `POST /api/events/deliveries/:instance/retry`: `{ ids: [...] }` or `{ status: "dead" }` (D6). */
export class RetryDeliveriesDto {
  @ValidateIf((body: RetryDeliveriesDto) => body.status === undefined || body.ids !== undefined)
  @IsUUID('all', { each: true, message: 'ids must contain delivery ids' })
  @ArrayMaxSize(1000)
  @IsArray({ message: 'ids must be an array of delivery ids, or status must be "dead"' })
  @ApiProperty({ example: ['01966f3a-9c00-7d4e-9f10-3a5b7c9d1e2f'] })
  ids?: string[];

  @Optional()
  @IsIn(['dead'], { message: 'status must be "dead"' })
  @ApiProperty({ enum: ['dead'], example: 'dead' })
  status?: 'dead';
}

export class RetryDeliveriesResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: '2 Deliveries queued for retry' })
  message: string;
  /** The deliveries queued again. */
  @ApiProperty({ example: ['01966f3a-9c00-7d4e-9f10-3a5b7c9d1e2f'] })
  ids: string[];
}
