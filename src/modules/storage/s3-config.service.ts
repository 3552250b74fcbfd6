import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SecretBox } from '@wharf/common/crypto';
import { OperationFailedError, ValidationFailedError } from '@wharf/common/errors';
import { checkOutboundUrl } from '@wharf/common/http/url-guard';
import { type AllConfig, outboundPolicy } from '@wharf/config';
import { retryAfterInsertRace } from '@wharf/database/unique-race';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { S3SummaryDto, SetS3Dto } from './dto/s3.dto';
import { S3Config } from './entities/s3-config.entity';

const secretAt = (row: S3Config) => ({
  table: 's3_config',
  column: 'secret_key_cipher',
  rowId: row.id,
});

export const DISABLED_S3: S3SummaryDto = {
  enabled: false,
  region: null,
  bucket: null,
  accessKey: null,
  endpoint: null,
  pathPrefix: null,
};

export function toS3Summary(row: S3Config | null | undefined): S3SummaryDto {
  if (!row?.enabled) return { ...DISABLED_S3 };
  return {
    enabled: true,
    region: row.region,
    bucket: row.bucket,
    accessKey: row.accessKey,
    endpoint: row.endpoint ?? '',
    pathPrefix: row.pathPrefix ?? '',
  };
}

/** Per-instance S3 media storage config (docs/API.md §3.1 getS3/s3); the secret key is encrypted (D11). */
@Injectable()
export class S3ConfigService {
  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /**
   * Enabling needs region, bucket, accessKey and secretKey; the endpoint must be an http(s) URL
   * that is not private unless ALLOW_PRIVATE_TARGETS (D12).
   * @throws ValidationFailedError `Invalid request body: <detail>`
   */
  validate(input: SetS3Dto): void {
    if (input.enabled === false) return;
    const missing = (['region', 'bucket', 'accessKey', 'secretKey'] as const).filter(
      (key) => !input[key],
    );
    if (missing.length) {
      throw new ValidationFailedError(
        `Invalid request body: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required to enable S3`,
        missing.map((field) => ({ field, message: `${field} is required to enable S3` })),
      );
    }
    if (input.endpoint) {
      const problem = checkOutboundUrl(input.endpoint, {
        field: 'endpoint',
        ...outboundPolicy(this.config.get('security', { infer: true })),
      });
      if (problem)
        throw new ValidationFailedError(`Invalid request body: ${problem}`, [
          { field: 'endpoint', message: problem },
        ]);
    }
  }

  /** Stores `input` (create or overwrite); call {@link validate} first. */
  async apply(instance: Instance, input: SetS3Dto, isNew = false): Promise<S3Config> {
    const existing = isNew ? null : await this.em.findOne(S3Config, { instance });
    const row = existing ?? this.em.create(S3Config, { instance });
    if (input.enabled === false) {
      Object.assign(row, {
        enabled: false,
        region: null,
        bucket: null,
        accessKey: null,
        secretKeyCipher: null,
        endpoint: null,
        pathPrefix: null,
      });
      return row;
    }
    row.enabled = true;
    row.region = input.region ?? null;
    row.bucket = input.bucket ?? null;
    row.accessKey = input.accessKey ?? null;
    row.secretKeyCipher = this.box.sealNullable(input.secretKey, secretAt(row));
    row.endpoint = input.endpoint ? input.endpoint : null;
    row.pathPrefix = input.pathPrefix ? input.pathPrefix : null;
    return row;
  }

  /** @throws OperationFailedError `Failed to get S3 configuration` */
  async get(instance: Instance): Promise<S3SummaryDto> {
    try {
      return toS3Summary(await this.em.findOne(S3Config, { instance }));
    } catch (error) {
      throw new OperationFailedError('Failed to get S3 configuration', error);
    }
  }

  async set(instance: Instance, input: SetS3Dto): Promise<S3SummaryDto> {
    this.validate(input);
    try {
      return await retryAfterInsertRace(this.em, async () => {
        const row = await this.apply(instance, input);
        await this.em.flush();
        return toS3Summary(row);
      });
    } catch (error) {
      throw new OperationFailedError('Failed to update S3 configuration', error);
    }
  }

  async summaries(instances: Instance[]): Promise<Map<string, S3SummaryDto>> {
    const rows = await this.em.find(S3Config, { instance: { $in: instances.map((i) => i.id) } });
    return new Map(rows.map((row) => [row.instance.id, toS3Summary(row)]));
  }
}
