import { ApiProperty } from '@nestjs/swagger';
import { ValidateBoolean, ValidateString } from '@wharf/common/validation/composite-validators';
import { IsPortString, Optional } from '@wharf/common/validation/validators';
import { IsIn } from 'class-validator';

import { PROXY_PROTOCOLS, type ProxyProtocol } from '../entities/proxy-config.entity';

/**
 * `POST /api/instance/proxy/:instance`. `enabled: false` removes the proxy (every field is
 * cleared); `enabled: true` (the default) needs `host`, `port` and `protocol`. An omitted
 * `password` keeps the stored one; `""` or `null` clears it. Takes effect on the next
 * connect/reconnect (docs/API.md §3.1).
 */
export class SetProxyDto {
  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: true, default: true })
  enabled?: boolean;

  /**
   * IP or host name. D12: a private, loopback or special-use address (any encoding) or a local
   * name is refused unless in PROXY_ALLOWED_HOSTS (or ALLOW_PRIVATE_TARGETS).
   */
  @ValidateString({ optional: true, trim: true, maxLength: 255 })
  @ApiProperty({ example: '10.0.0.5' })
  host?: string;

  /** A string, e.g. `"1080"`. */
  @Optional()
  @IsPortString()
  @ApiProperty({ example: '1080', type: String })
  port?: string;

  @Optional()
  @IsIn(PROXY_PROTOCOLS, { message: `protocol must be one of ${PROXY_PROTOCOLS.join(', ')}` })
  @ApiProperty({
    enum: PROXY_PROTOCOLS,
    enumName: 'ProxyProtocol',
    example: 'socks5',
  })
  protocol?: ProxyProtocol;

  @ValidateString({ optional: true, maxLength: 255 })
  @ApiProperty({ example: 'user' })
  username?: string;

  /** Encrypted at rest, never returned (D11). Omitted keeps the stored one; `""` or `null` clears it. */
  @ValidateString({ nullable: true, maxLength: 1024 })
  @ApiProperty({ example: 'secret', nullable: true, writeOnly: true })
  password?: string | null;
}

export class ProxySummaryDto {
  @ApiProperty({ example: true })
  enabled: boolean;
  @ApiProperty({ example: '10.0.0.5', nullable: true, type: String })
  host: string | null;
  @ApiProperty({ example: '1080', nullable: true, type: String })
  port: string | null;
  @ApiProperty({
    enum: PROXY_PROTOCOLS,
    enumName: 'ProxyProtocol',
    nullable: true,
    example: 'socks5',
  })
  protocol: ProxyProtocol | null;
  @ApiProperty({ example: 'user', nullable: true, type: String })
  username: string | null;
}

export class ProxyResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Proxy configuration retrieved successfully' })
  message: string;
  proxy: ProxySummaryDto;
}
