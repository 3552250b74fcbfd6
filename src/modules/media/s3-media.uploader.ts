import { createReadStream } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SecretBox } from '@wharf/common/crypto';
import { assertPublicHost, guardedLookup, type TargetPolicy } from '@wharf/common/http/url-guard';
import { type AllConfig, outboundPolicy } from '@wharf/config';
import { S3Config } from '@wharf/modules/storage/entities/s3-config.entity';

/** What is uploaded: a stored media file and how to name and label it. */
export interface S3MediaObject {
  instanceId: string;
  messageId: string;
  /** Absolute path of the decrypted file. */
  path: string;
  size: number;
  mimetype: string;
  /** File extension with the dot (`.jpg`), or `""`. */
  extension: string;
}

/**
 * Uploads received media to the instance's S3 bucket (docs/API.md §3.1 `s3`, D15) with
 * `@aws-sdk/client-s3`. Object key: `<pathPrefix><messageId><extension>`. A custom `endpoint`
 * (MinIO, Spaces, Backblaze…) is addressed path-style; without one it is AWS, virtual-host
 * style. D12 (unless ALLOW_PRIVATE_TARGETS or OUTBOUND_ALLOWED_HOSTS): an endpoint that is an
 * IP literal is checked before every upload, and the SDK's sockets resolve host names through
 * `guardedLookup`, so they only ever connect to checked addresses (no DNS rebinding between a
 * check and the SDK's own lookup).
 */
@Injectable()
export class S3MediaUploader {
  private readonly policy: TargetPolicy;

  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    config: ConfigService<AllConfig, true>,
  ) {
    this.policy = outboundPolicy(config.get('security', { infer: true }));
  }

  /** The instance's enabled S3 config, or null when S3 is off. */
  async configOf(instanceId: string): Promise<S3Config | null> {
    const row = await this.em.fork().findOne(S3Config, { instance: instanceId });
    return row?.enabled && row.bucket && row.region && row.accessKey && row.secretKeyCipher
      ? row
      : null;
  }

  /**
   * Uploads `object` with `row`'s credentials and returns the object's URL (`s3Url`).
   * @throws the SDK's error, or PrivateTargetError (D12)
   */
  async upload(row: S3Config, object: S3MediaObject): Promise<string> {
    const secretAccessKey = this.box.open(row.secretKeyCipher!, {
      table: 's3_config',
      column: 'secret_key_cipher',
      rowId: row.id,
    });
    const endpoint = row.endpoint ? row.endpoint.replace(/\/+$/, '') : null;
    if (endpoint) await assertPublicHost(new URL(endpoint).hostname, this.policy);
    const lookup = this.policy.allowPrivate ? undefined : guardedLookup(this.policy);
    const client = new S3Client({
      region: row.region!,
      credentials: { accessKeyId: row.accessKey!, secretAccessKey },
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      // Own agents per client: `client.destroy()` destroys them with the client.
      requestHandler: { httpAgent: new HttpAgent({ lookup }), httpsAgent: new HttpsAgent({ lookup }) },
      // Plain signed PUTs: S3-compatible stores (MinIO, Spaces, B2…) do not all accept the
      // aws-chunked uploads with trailing checksums the SDK sends by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const key = `${row.pathPrefix ?? ''}${object.messageId}${object.extension}`;
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: row.bucket!,
          Key: key,
          Body: createReadStream(object.path),
          ContentLength: object.size,
          ContentType: object.mimetype,
        }),
      );
    } finally {
      client.destroy();
    }
    const encodedKey = key.split('/').map(encodeURIComponent).join('/');
    return endpoint
      ? `${endpoint}/${encodeURIComponent(row.bucket!)}/${encodedKey}`
      : `https://${row.bucket!}.s3.${row.region!}.amazonaws.com/${encodedKey}`;
  }
}
