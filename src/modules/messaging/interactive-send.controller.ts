import { randomUUID } from 'node:crypto';

import { Body, Headers, Post, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  normalizeRecipient,
  type OutgoingButton,
  type OutgoingContent,
  type OutgoingHeaderMedia,
} from '@wharf/whatsapp';
import type { FastifyReply } from 'fastify';

import { Auth, InstanceParam, OwnsInstance } from '../../common/auth/auth.decorator';
import { ValidationFailedError } from '../../common/errors';
import { checkOutboundUrl, type TargetPolicy } from '../../common/http/url-guard';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { ApiSuccess } from '../../common/openapi/api-success.decorator';
import { type AllConfig, outboundPolicy } from '../../config';
import type { Instance } from '../instance/entities/instance.entity';
import { InstanceNotConnectedError } from '../session/session-errors';
import {
  type ButtonDto,
  SendButtonsDto,
  SendCarouselDto,
  SendFormDto,
  SendListDto,
  SendPixDto,
} from './dto/send-structured.dto';
import { SendMessageResponseDto } from './dto/send-text.dto';
import { MediaFetchFailedError, MediaPrepareService } from './media-prepare.service';
import { exampleOf, recipients, SEND_ERRORS, SendDispatcher, SendRoutes } from './send-dispatcher';

/** Most rows a list menu may have across its sections (API.md §3.2). */
const MAX_LIST_ROWS = 100;

const invalid = (field: string, detail: string) =>
  new ValidationFailedError(`Invalid request body: ${detail}`, [{ field, message: detail }]);

function toButtons(buttons: ButtonDto[]): OutgoingButton[] {
  return buttons.map((button) => ({
    type: button.type ?? 'REPLY',
    id: button.id,
    displayText: button.displayText?.trim() || button.id,
  }));
}

type Send = {
  prefer: string | undefined;
  idempotencyKey: string | undefined;
  reply: FastifyReply;
};

/**
 * The interactive send routes of API.md §3.2 — carousel, button (and its D22 alias `buttons`),
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
    private readonly sender: SendDispatcher,
    private readonly media: MediaPrepareService,
    config: ConfigService<AllConfig, true>,
  ) {
    this.policy = outboundPolicy(config.get('security', { infer: true }));
  }

  @Post('carousel/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
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
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    const urls = body.cards.map((card, index) => {
      const { imageUrl, videoUrl } = card.header;
      if (imageUrl && videoUrl) {
        throw invalid(
          `cards[${index}].header`,
          `cards[${index}].header takes imageUrl or videoUrl, not both`,
        );
      }
      const url = imageUrl ?? videoUrl;
      if (!url) return undefined;
      const field = `cards[${index}].header.${imageUrl ? 'imageUrl' : 'videoUrl'}`;
      const refused = checkOutboundUrl(url, { ...this.policy, field });
      if (refused) throw invalid(field, refused);
      return { type: imageUrl ? ('image' as const) : ('video' as const), url, field };
    });
    const media = urls.some(Boolean)
      ? await this.headerMedia(instance, body.number, urls)
      : urls.map(() => undefined);
    const content: OutgoingContent = {
      kind: 'interactive',
      flow: {
        type: 'carousel',
        text: body.message ?? '',
        footer: body.footer,
        cards: body.cards.map((card, index) => ({
          title: card.header.title,
          subtitle: card.header.subtitle,
          ...(media[index] ? { media: media[index] } : {}),
          body: card.body.text,
          footer: card.footer,
          buttons: toButtons(card.buttons),
        })),
      },
    };
    return this.send(instance, body, content, 'Carousel sent successfully', {
      prefer,
      idempotencyKey,
      reply,
    });
  }

  @Post('button/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send up to 3 buttons',
    description:
      'Buttons of type `REPLY` (default), `URL`, `CALL` or `COPY`. Mixing `REPLY` with the others hides the `REPLY` ones on WhatsApp Web and Desktop. `mediaUrl` with `mediaType` (`IMAGE`, `VIDEO`, `DOCUMENT`) puts media in the header instead of `headerText` (fetched under D12 in the request: a failed download answers 400 `Failed to fetch media: <reason>`).',
    type: SendMessageResponseDto,
    example: exampleOf('buttons', 'How can we help?', 'Buttons sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS, MediaFetchFailedError)
  button(
    @InstanceParam() instance: Instance,
    @Body() body: SendButtonsDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    return this.sendButtons(instance, body, { prefer, idempotencyKey, reply });
  }

  @Post('buttons/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Alias of POST /api/message/button/:instance (D22)',
    description: 'Deprecated alternative path; same body, answers and errors.',
    type: SendMessageResponseDto,
    example: exampleOf('buttons', 'How can we help?', 'Buttons sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS, MediaFetchFailedError)
  buttonsAlias(
    @InstanceParam() instance: Instance,
    @Body() body: SendButtonsDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    return this.sendButtons(instance, body, { prefer, idempotencyKey, reply });
  }

  @Post('list/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send a list menu',
    description:
      'At most 10 sections, 10 rows per section and 100 rows in total. The chosen row `id` comes back as a reply message. `messageType` is `list`, `content` the `contentText`.',
    type: SendMessageResponseDto,
    example: exampleOf('list', 'Pick a department', 'List sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS)
  async list(
    @InstanceParam() instance: Instance,
    @Body() body: SendListDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    const rows = body.sections.reduce((sum, section) => sum + section.rows.length, 0);
    if (rows > MAX_LIST_ROWS) {
      throw invalid('sections', `sections must contain at most ${MAX_LIST_ROWS} rows in total`);
    }
    const content: OutgoingContent = {
      kind: 'list',
      text: body.contentText,
      buttonText: body.buttonText,
      title: body.headerText,
      footer: body.footerText,
      sections: body.sections.map((section) => ({
        title: section.title ?? '',
        rows: section.rows.map((row) => ({
          id: row.id,
          title: row.title,
          ...(row.description ? { description: row.description } : {}),
        })),
      })),
    };
    return this.send(instance, body, content, 'List sent successfully', {
      prefer,
      idempotencyKey,
      reply,
    });
  }

  @Post('form/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send a WhatsApp Native Flow form',
    description:
      'A WhatsApp Flow behind one button (renders on Android and iOS only). `buttonParamsJSON` (a JSON object) replaces the generated flow parameters. `messageType` is `interactive`, `content` the `message`.',
    type: SendMessageResponseDto,
    example: exampleOf('interactive', 'Please fill in your details', 'Form sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS)
  async form(
    @InstanceParam() instance: Instance,
    @Body() body: SendFormDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    const buttonLabel = body.buttonLabel?.trim() || 'Open form';
    let buttonParamsJson: string;
    if (body.buttonParamsJSON !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.buttonParamsJSON);
      } catch {
        parsed = undefined;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw invalid('buttonParamsJSON', 'buttonParamsJSON must be a JSON object');
      }
      buttonParamsJson = JSON.stringify(parsed);
    } else {
      const formType = body.formType ?? 'contact_details';
      buttonParamsJson = JSON.stringify({
        flow_message_version: body.flowMessageVersion ?? '3',
        flow_token: body.flowToken ?? randomUUID(),
        ...(body.flowId ? { flow_id: body.flowId } : {}),
        flow_cta: buttonLabel,
        flow_action: 'navigate',
        flow_action_payload: {
          screen: formType.toUpperCase(),
          data: {
            form_type: formType,
            full_name_visible: body.fullNameVisible ?? true,
            phone_number_visible: body.phoneNumberVisible ?? true,
            email_visible: body.emailVisible ?? false,
            cpf_or_cnpj_visible: body.cpfOrCnpjVisible ?? false,
            delivery_address_visible: body.deliveryAddressVisible ?? false,
            ...(body.offerName ? { offer_name: body.offerName } : {}),
            ...(body.offerDescription ? { offer_description: body.offerDescription } : {}),
          },
        },
        message_version: body.messageVersion ?? 1,
      });
    }
    const content: OutgoingContent = {
      kind: 'interactive',
      flow: { type: 'form', text: body.message, buttonLabel, buttonParamsJson },
    };
    return this.send(instance, body, content, 'Form sent successfully', {
      prefer,
      idempotencyKey,
      reply,
    });
  }

  @Post('pix/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send a PIX "copy key" card',
    description:
      'A visual card only: no charge, no payment callback. CPF and CNPJ keys must be digits only. `messageType` is `interactive`, `content` is `"PIX key <pixKeyType>: <pixKey>"`.',
    type: SendMessageResponseDto,
    example: exampleOf('interactive', 'PIX key CPF: 12345678901', 'PIX key sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS)
  async pix(
    @InstanceParam() instance: Instance,
    @Body() body: SendPixDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    if (body.number.includes('@newsletter')) {
      throw invalid('number', 'pix accepts contacts, @lid and groups only');
    }
    const digitsOnly: Partial<Record<SendPixDto['pixKeyType'], number[]>> = {
      CPF: [11],
      CNPJ: [14],
    };
    const lengths = digitsOnly[body.pixKeyType];
    if (lengths && !(/^\d+$/.test(body.pixKey) && lengths.includes(body.pixKey.length))) {
      throw invalid('pixKey', `pixKey must be ${lengths[0]} digits for a ${body.pixKeyType} key`);
    }
    const content: OutgoingContent = {
      kind: 'interactive',
      flow: {
        type: 'pix',
        text: body.message ?? `PIX: ${body.merchantName}`,
        merchantName: body.merchantName,
        pixKey: body.pixKey,
        pixKeyType: body.pixKeyType,
        items: (body.items ?? []).map((item) => ({
          name: item.name,
          ...(item.description ? { description: item.description } : {}),
          quantity: item.quantity,
          unitPrice: item.unitPrice,
        })),
      },
    };
    return this.send(instance, body, content, 'PIX key sent successfully', {
      prefer,
      idempotencyKey,
      reply,
    });
  }

  private async sendButtons(
    instance: Instance,
    body: SendButtonsDto,
    headers: Send,
  ): Promise<SendMessageResponseDto> {
    let media: OutgoingHeaderMedia | undefined;
    if (body.mediaUrl) {
      if (!body.mediaType) throw invalid('mediaType', 'mediaType is required with mediaUrl');
      const refused = checkOutboundUrl(body.mediaUrl, {
        ...this.policy,
        field: 'mediaUrl',
      });
      if (refused) throw invalid('mediaUrl', refused);
      const type = body.mediaType.toLowerCase() as OutgoingHeaderMedia['type'];
      [media] = await this.headerMedia(instance, body.number, [
        { type, url: body.mediaUrl, field: 'mediaUrl' },
      ]);
    }
    const content: OutgoingContent = {
      kind: 'buttons',
      text: body.contentText,
      title: media ? undefined : body.headerText,
      footer: body.footerText,
      buttons: toButtons(body.buttons),
      ...(media ? { media } : {}),
    };
    return this.send(instance, body, content, 'Buttons sent successfully', headers);
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
    urls: Array<{ type: OutgoingHeaderMedia['type']; url: string; field: string } | undefined>,
  ): Promise<Array<OutgoingHeaderMedia | undefined>> {
    recipients(() => normalizeRecipient(number));
    if (instance.state !== 'connected') throw new InstanceNotConnectedError();
    return Promise.all(
      urls.map((entry) =>
        entry
          ? this.media.prepareHeaderMedia(entry.type, entry.url, entry.field)
          : Promise.resolve(undefined),
      ),
    );
  }

  private send(
    instance: Instance,
    body: SendButtonsDto | SendCarouselDto | SendListDto | SendFormDto | SendPixDto,
    content: OutgoingContent,
    sent: string,
    headers: Send,
  ): Promise<SendMessageResponseDto> {
    return this.sender.dispatch(instance, body, content, { ...headers, sent });
  }
}
