import { ApiProperty } from '@nestjs/swagger';
import { ValidateBoolean, ValidateString } from '@wharf/common/validation/composite-validators';
import { Optional, Trim } from '@wharf/common/validation/validators';
import { IsString, Matches } from 'class-validator';

/**
 * `POST /api/instance/s3/:instance`. `enabled: false` deletes every stored credential; enabling
 * (the default) needs `region`, `bucket`, `accessKey` and `secretKey` each time.
 */
export class SetS3Dto {
  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: true, default: true })
  enabled?: boolean;

  @Optional()
  @Trim()
  @IsString()
  @Matches(/^[a-z0-9-]{2,64}$/, { message: 'region must look like us-east-1' })
  @ApiProperty({ example: 'us-east-1' })
  region?: string;

  /** Must already exist; Wharf does not create it. */
  @Optional()
  @Trim()
  @IsString()
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}$/, { message: 'bucket must be a valid bucket name' })
  @ApiProperty({ example: 'wharf-media' })
  bucket?: string;

  @ValidateString({ optional: true, trim: true, maxLength: 255 })
  @ApiProperty({ example: 'AKIAIOSFODNN7EXAMPLE' })
  accessKey?: string;

  /** Encrypted at rest, never returned (D11). */
  @ValidateString({ optional: true, maxLength: 1024 })
  @ApiProperty({
    example: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    writeOnly: true,
  })
  secretKey?: string;

  /** Empty for AWS; the URL of MinIO, DigitalOcean Spaces, Backblaze… (D12). */
  @ValidateString({ optional: true, trim: true, maxLength: 2048 })
  @ApiProperty({ example: 'https://minio.example.com' })
  endpoint?: string;

  @ValidateString({ optional: true, trim: true, maxLength: 255 })
  @ApiProperty({ example: 'media/' })
  pathPrefix?: string;
}

export class S3SummaryDto {
  @ApiProperty({ example: true })
  enabled: boolean;
  @ApiProperty({ example: 'us-east-1', nullable: true, type: String })
  region: string | null;
  @ApiProperty({ example: 'wharf-media', nullable: true, type: String })
  bucket: string | null;
  @ApiProperty({ example: 'AKIAIOSFODNN7EXAMPLE', nullable: true, type: String })
  accessKey: string | null;
  @ApiProperty({ example: 'https://minio.example.com', nullable: true, type: String })
  endpoint: string | null;
  @ApiProperty({ example: 'media/', nullable: true, type: String })
  pathPrefix: string | null;
}

/** `getS3` shape: the summary plus `secretKey`, always null. */
export class S3ReadDto extends S3SummaryDto {
  @ApiProperty({
    nullable: true,
    example: null,
    type: String,
    description: 'Always null (never returned, D11)',
  })
  secretKey: null;
}

export class GetS3ResponseDto {
  @ApiProperty({ example: true })
  success: true;
  s3: S3ReadDto;
}

export class SetS3ResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'S3 configuration updated' })
  message: string;
  s3: S3SummaryDto;
}
