import { Module } from '@nestjs/common';
import { SessionModule } from '@wharf/modules/session/session.module';

import { MediaController } from './media.controller';
import { MediaStoreService } from './media-store.service';
import { S3MediaUploader } from './s3-media.uploader';

/**
 * Received media (D15): the media store (download, decrypt, keep, S3 upload, base64 for
 * deliveries) and `GET /api/media/:instance/:messageId`.
 */
@Module({
  imports: [SessionModule],
  controllers: [MediaController],
  providers: [MediaStoreService, S3MediaUploader],
  exports: [MediaStoreService],
})
export class MediaModule {}
