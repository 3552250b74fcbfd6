import { randomUUID } from 'node:crypto';

import { Body, Post } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import type { TargetPolicy } from '@wharf/common/http/url-guard';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import { type AllConfig, outboundPolicy } from '@wharf/config';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';
import type { OutgoingContent, OutgoingHeaderMedia } from '@wharf/whatsapp';

import {
  buttonsContent,
  buttonsHeaderMediaOf,
  carouselContent,
  carouselHeaderMediaOf,
  formContent,
  type HeaderMediaFetch,
  listContent,
  pixContent,
} from './content/interactive.mapper';
import { recipientJidOf } from './content/recipient.mapper';
import {
  SendButtonsDto,
  SendCarouselDto,
  SendFormDto,
  SendListDto,
  SendPixDto,
} from './dto/send-structured.dto';
import { SendMessageResponseDto } from './dto/send-text.dto';
import { MediaPrepareService } from './media-prepare.service';
import { MediaFetchFailedError } from './messaging.errors';
import { SendService } from './send.service';
import {
  exampleOf,
  recipientOf,
  respond,
  SEND_ERRORS,
  SendHeaders,
  type SendHttp,
  sendOptionsOf,
  SendRoutes,
} from './send-http';

/**
 * The interactive send routes of docs/API.md §3.2 — carousel, button (and its D22 alias `buttons`),
 * list, form and pix — on the D14 send path. Baileys 7 has no builder for these: the adapter
 * relays hand-built native-flow protos (see `libs/whatsapp/src/baileys/interactive.ts`).
 * `messageType`/`content` of the answers: carousel `interactive` / `"<message> - Carousel with N
 * card(s)"`; button `buttons` / `contentText`; list `list` / `contentText`; form `interactive` /
 * `message`; pix `interactive` / `"PIX key <pixKeyType>: <pixKey>"`. Header media (carousel
 * `imageUrl`/`videoUrl`, button `mediaUrl` + `mediaType`) must be an http(s) URL allowed by D12;
 * it is downloaded in the request like a media send's `mediaUrl` (a refused or failed download
 * answers 400 `Failed to fetch media: <reason>` and stores nothing) and uploaded to WhatsApp
 * when the message is sent.
 */
@SendRoutes()
export class InteractiveSendController {
  /** D12 policy of header media URLs (ALLOW_PRIVATE_TARGETS, OUTBOUND_ALLOWED_HOSTS). */
  private readonly policy: TargetPolicy;

  constructor(
    private readonly sends: SendService,
    private readonly media: MediaPrepareService,
    config: ConfigService<AllConfig, true>,
  ) {
    this.policy = outboundPolicy(config.get('security', { infer: true }));
  }

  @Post('carousel/:instance')
  @ApiSuccess({
    summary: 'Send a card carousel',
    description:
      'Up to 10 cards, each with a title, body text and 1–3 buttons (`REPLY` default, `URL`, `CALL`, `COPY`). A click on a `REPLY` button arrives as a reply carrying the button `id`. A card header may carry `imageUrl` or `videoUrl` (fetched under D12 in the request: a failed download answers 400 `Failed to fetch media: <reason>`).',
    type: SendMessageResponseDto,
    example: exampleOf(
      'interactive',
      'Our plans - Carousel with 2 card(s)',
      'Carousel sent successfully',
    ),
  })
  @ApiErrors(...SEND_ERRORS, MediaFetchFailedError)
  async carousel(
    @InstanceParam() instance: Instance,
    @Body() body: SendCarouselDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const fetches = carouselHeaderMediaOf(body, this.policy);
    const media = fetches.some(Boolean)
      ? await this.headerMedia(instance, body.number, fetches)
      : fetches.map(() => undefined);
    return this.send(
      instance,
      body,
      http,
      carouselContent(body, media),
      'Carousel sent successfully',
    );
  }

  @Post(['button/:instance', 'buttons/:instance'])
  @ApiSuccess({
    summary: 'Send up to 3 buttons',
    description:
      'Buttons of type `REPLY` (default), `URL`, `CALL` or `COPY`. Mixing `REPLY` with the others hides the `REPLY` ones on WhatsApp Web and Desktop. `mediaUrl` with `mediaType` (`IMAGE`, `VIDEO`, `DOCUMENT`) puts media in the header instead of `headerText` (fetched under D12 in the request: a failed download answers 400 `Failed to fetch media: <reason>`).',
    type: SendMessageResponseDto,
    example: exampleOf('buttons', 'How can we help?', 'Buttons sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS, MediaFetchFailedError)
  async button(
    @InstanceParam() instance: Instance,
    @Body() body: SendButtonsDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const fetch = buttonsHeaderMediaOf(body, this.policy);
    const [media] = fetch ? await this.headerMedia(instance, body.number, [fetch]) : [undefined];
    return this.send(
      instance,
      body,
      http,
      buttonsContent(body, media),
      'Buttons sent successfully',
    );
  }

  @Post('list/:instance')
  @ApiSuccess({
    summary: 'Send a list menu',
    description:
      'At most 10 sections, 10 rows per section and 100 rows in total. The chosen row `id` comes back as a reply message. `messageType` is `list`, `content` the `contentText`.',
    type: SendMessageResponseDto,
    example: exampleOf('list', 'Pick a department', 'List sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS)
  list(
    @InstanceParam() instance: Instance,
    @Body() body: SendListDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    return this.send(instance, body, http, listContent(body), 'List sent successfully');
  }

  @Post('form/:instance')
  @ApiSuccess({
    summary: 'Send a WhatsApp Native Flow form',
    description:
      'A WhatsApp Flow behind one button (renders on Android and iOS only). `buttonParamsJSON` (a JSON object) replaces the generated flow parameters. `messageType` is `interactive`, `content` the `message`.',
    type: SendMessageResponseDto,
    example: exampleOf('interactive', 'Please fill in your details', 'Form sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS)
  form(
    @InstanceParam() instance: Instance,
    @Body() body: SendFormDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    return this.send(instance, body, http, formContent(body, randomUUID), 'Form sent successfully');
  }

  @Post('pix/:instance')
  @ApiSuccess({
    summary: 'Send a PIX "copy key" card',
    description:
      'A visual card only: no charge, no payment callback. CPF and CNPJ keys must be digits only. `messageType` is `interactive`, `content` is `"PIX key <pixKeyType>: <pixKey>"`.',
    type: SendMessageResponseDto,
    example: exampleOf('interactive', 'PIX key CPF: 12345678901', 'PIX key sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS)
  pix(
    @InstanceParam() instance: Instance,
    @Body() body: SendPixDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    return this.send(instance, body, http, pixContent(body), 'PIX key sent successfully');
  }

  /**
   * Downloads header media in the request ({@link MediaPrepareService.prepareHeaderMedia}), after
   * the checks that need no download (recipient syntax, 503 when not connected), all at once.
   * @throws InvalidNumberError, InstanceNotConnectedError, MediaFetchFailedError,
   *   ValidationFailedError
   */
  private async headerMedia(
    instance: Instance,
    number: string,
    fetches: Array<HeaderMediaFetch | undefined>,
  ): Promise<Array<OutgoingHeaderMedia | undefined>> {
    recipientJidOf(number);
    if (instance.state !== 'connected') throw new InstanceNotConnectedError();
    return Promise.all(
      fetches.map((entry) =>
        entry
          ? this.media.prepareHeaderMedia(entry.type, entry.url, entry.field)
          : Promise.resolve(undefined),
      ),
    );
  }

  private async send(
    instance: Instance,
    body: SendButtonsDto | SendCarouselDto | SendListDto | SendFormDto | SendPixDto,
    http: SendHttp,
    content: OutgoingContent,
    sent: string,
  ): Promise<SendMessageResponseDto> {
    const outcome = await this.sends.send(
      instance,
      recipientOf(body),
      content,
      sendOptionsOf(body, http),
    );
    return respond(http, outcome, sent);
  }
}
