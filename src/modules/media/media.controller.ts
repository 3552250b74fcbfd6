import { createReadStream } from 'node:fs';

import { Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';
import type { FastifyReply } from 'fastify';

import { MediaNotFoundError, RangeNotSatisfiableError } from './media.errors';
import { contentDisposition, parseRange } from './media-files';
import { MediaStoreService } from './media-store.service';

/** `GET /api/media/:instance/:messageId` (D15): the decrypted media of a message. */
@InstanceController('api/media', { tag: 'Media' })
export class MediaController {
  constructor(private readonly media: MediaStoreService) {}

  @Get(':instance/:messageId')
  @ApiOperation({
    summary: 'Download the media of a message',
    description:
      'The decrypted file of a received (or sent) media message — the `media.downloadUrl` of `message.exchange` events (D15). Answers the bytes with `Content-Type`, `Content-Length` and `Content-Disposition` (the file name), and supports a single `Range` (206 with `Content-Range`; 416 when outside the file). Stored files are served directly; otherwise the file is downloaded from WhatsApp through the live session (503 when the instance is not connected).',
  })
  @ApiProduces('application/octet-stream')
  @ApiResponse({
    status: 200,
    description: 'The file',
    content: {
      'application/octet-stream': {
        schema: { type: 'string', format: 'binary' },
        example: '<binary bytes of the file>',
      },
      'application/json': {
        schema: { type: 'string', format: 'binary' },
        example: '<binary bytes of the file, with its own Content-Type, e.g. image/jpeg>',
      },
    },
  })
  @ApiResponse({ status: 206, description: 'The requested byte range (`Content-Range`)' })
  @ApiErrors(MediaNotFoundError, RangeNotSatisfiableError, InstanceNotConnectedError)
  async download(
    @InstanceParam() instance: Instance,
    @Param('messageId') messageId: string,
    @Headers('range') range: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const found = await this.media.open(instance.id, messageId);
    if ('stream' in found) {
      // Not stored (over the size cap): streamed from WhatsApp, whole file only.
      await reply
        .status(200)
        .header('Content-Type', found.mimetype)
        .header('Content-Disposition', contentDisposition(found.fileName))
        .send(found.stream);
      return;
    }
    const { file } = found;
    const part = parseRange(range, file.size);
    reply
      .header('Content-Type', file.mimetype)
      .header('Content-Disposition', contentDisposition(file.fileName))
      .header('Accept-Ranges', 'bytes');
    if (!part) {
      await reply
        .status(200)
        .header('Content-Length', String(file.size))
        .send(createReadStream(file.path));
      return;
    }
    await reply
      .status(206)
      .header('Content-Range', `bytes ${part.start}-${part.end}/${file.size}`)
      .header('Content-Length', String(part.end - part.start + 1))
      .send(createReadStream(file.path, { start: part.start, end: part.end }));
  }
}
