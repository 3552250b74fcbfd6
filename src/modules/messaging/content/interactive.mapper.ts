import { checkOutboundUrl, type TargetPolicy } from '@wharf/common/http/url-guard';
import type { OutgoingButton, OutgoingContent, OutgoingHeaderMedia } from '@wharf/whatsapp';

import type {
  ButtonDto,
  SendButtonsDto,
  SendCarouselDto,
  SendFormDto,
  SendListDto,
  SendPixDto,
} from '../dto/send-structured.dto';
import { invalidField } from '../messaging.errors';

/**
 * Content of the interactive sends of docs/API.md §3.2 — carousel, buttons, list, form, pix. Header
 * media (carousel `imageUrl`/`videoUrl`, buttons `mediaUrl`) is downloaded in the request between
 * the two steps of those routes: `…HeaderMediaOf` checks the URLs (D12) and says what to fetch,
 * `…Content` builds the message from what was fetched.
 */

/** Most rows a list menu may have across its sections (docs/API.md §3.2). */
export const MAX_LIST_ROWS = 100;

/** A header media file to download in the request: its type, URL and the field naming it in errors. */
export interface HeaderMediaFetch {
  type: OutgoingHeaderMedia['type'];
  url: string;
  field: string;
}

/** Buttons as the engine takes them: type `REPLY` by default, the label defaulting to the `id`. */
export function toButtons(buttons: ButtonDto[]): OutgoingButton[] {
  return buttons.map((button) => ({
    type: button.type ?? 'REPLY',
    id: button.id,
    displayText: button.displayText?.trim() || button.id,
  }));
}

/**
 * The header media of each carousel card (`undefined` for a card without): `imageUrl` or
 * `videoUrl`, checked against the D12 policy.
 * @throws ValidationFailedError `cards[<i>].header takes imageUrl or videoUrl, not both`, or the
 *   D12 refusal of the URL (e.g. `cards[0].header.imageUrl must be an http(s) URL`)
 */
export function carouselHeaderMediaOf(
  body: Pick<SendCarouselDto, 'cards'>,
  policy: TargetPolicy,
): Array<HeaderMediaFetch | undefined> {
  return body.cards.map((card, index) => {
    const { imageUrl, videoUrl } = card.header;
    if (imageUrl && videoUrl) {
      throw invalidField(
        `cards[${index}].header`,
        `cards[${index}].header takes imageUrl or videoUrl, not both`,
      );
    }
    const url = imageUrl ?? videoUrl;
    if (!url) return undefined;
    const field = `cards[${index}].header.${imageUrl ? 'imageUrl' : 'videoUrl'}`;
    const refused = checkOutboundUrl(url, { ...policy, field });
    if (refused) throw invalidField(field, refused);
    return { type: imageUrl ? 'image' : 'video', url, field };
  });
}

/** Content of `POST /api/message/carousel`; `media[i]` is card i's downloaded header media. */
export function carouselContent(
  body: Pick<SendCarouselDto, 'message' | 'footer' | 'cards'>,
  media: Array<OutgoingHeaderMedia | undefined>,
): OutgoingContent {
  return {
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
}

/**
 * The header media of a buttons message: `mediaUrl` with its `mediaType`, checked against D12;
 * `undefined` without `mediaUrl`.
 * @throws ValidationFailedError `mediaType is required with mediaUrl`, or the D12 refusal of
 *   `mediaUrl`
 */
export function buttonsHeaderMediaOf(
  body: Pick<SendButtonsDto, 'mediaUrl' | 'mediaType'>,
  policy: TargetPolicy,
): HeaderMediaFetch | undefined {
  if (!body.mediaUrl) return undefined;
  if (!body.mediaType) throw invalidField('mediaType', 'mediaType is required with mediaUrl');
  const refused = checkOutboundUrl(body.mediaUrl, { ...policy, field: 'mediaUrl' });
  if (refused) throw invalidField('mediaUrl', refused);
  return {
    type: body.mediaType.toLowerCase() as OutgoingHeaderMedia['type'],
    url: body.mediaUrl,
    field: 'mediaUrl',
  };
}

/**
 * Content of `POST /api/message/button` (and its D22 alias `buttons`); header `media`, when
 * given, replaces `headerText`.
 */
export function buttonsContent(
  body: Pick<SendButtonsDto, 'contentText' | 'headerText' | 'footerText' | 'buttons'>,
  media: OutgoingHeaderMedia | undefined,
): OutgoingContent {
  return {
    kind: 'buttons',
    text: body.contentText,
    title: media ? undefined : body.headerText,
    footer: body.footerText,
    buttons: toButtons(body.buttons),
    ...(media ? { media } : {}),
  };
}

/**
 * Content of `POST /api/message/list` (docs/API.md §3.2); the DTO caps sections and rows per section.
 * @throws ValidationFailedError `sections must contain at most 100 rows in total`
 */
export function listContent(
  body: Pick<SendListDto, 'contentText' | 'buttonText' | 'headerText' | 'footerText' | 'sections'>,
): OutgoingContent {
  const rows = body.sections.reduce((sum, section) => sum + section.rows.length, 0);
  if (rows > MAX_LIST_ROWS)
    throw invalidField('sections', `sections must contain at most ${MAX_LIST_ROWS} rows in total`);
  return {
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
}

/**
 * Content of `POST /api/message/form` (docs/API.md §3.2): a WhatsApp Flow behind one button. Its
 * `galaxy_message` parameters are `buttonParamsJSON` when given (a JSON object, re-serialized),
 * else generated from the form fields; `newFlowToken` makes the `flow_token` when the body has
 * none.
 * @throws ValidationFailedError `buttonParamsJSON must be a JSON object`
 */
export function formContent(body: SendFormDto, newFlowToken: () => string): OutgoingContent {
  const buttonLabel = body.buttonLabel?.trim() || 'Open form';
  let buttonParamsJson: string;
  if (body.buttonParamsJSON !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.buttonParamsJSON);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw invalidField('buttonParamsJSON', 'buttonParamsJSON must be a JSON object');
    buttonParamsJson = JSON.stringify(parsed);
  } else {
    const formType = body.formType ?? 'contact_details';
    buttonParamsJson = JSON.stringify({
      flow_message_version: body.flowMessageVersion ?? '3',
      flow_token: body.flowToken ?? newFlowToken(),
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
  return {
    kind: 'interactive',
    flow: { type: 'form', text: body.message, buttonLabel, buttonParamsJson },
  };
}

/** Digit counts of the PIX key types that are digits only (CPF 11, CNPJ 14). */
const DIGITS_ONLY_PIX_KEYS: Partial<Record<SendPixDto['pixKeyType'], number>> = {
  CPF: 11,
  CNPJ: 14,
};

/**
 * Content of `POST /api/message/pix` (docs/API.md §3.2): a "copy key" card, to contacts, LIDs and
 * groups only; CPF and CNPJ keys must be 11 and 14 digits.
 * @throws ValidationFailedError `pix accepts contacts, @lid and groups only`, or
 *   `pixKey must be <n> digits for a <type> key`
 */
export function pixContent(
  body: Pick<SendPixDto, 'number' | 'message' | 'merchantName' | 'pixKey' | 'pixKeyType' | 'items'>,
): OutgoingContent {
  if (body.number.includes('@newsletter'))
    throw invalidField('number', 'pix accepts contacts, @lid and groups only');
  const digits = DIGITS_ONLY_PIX_KEYS[body.pixKeyType];
  if (digits && !(/^\d+$/.test(body.pixKey) && body.pixKey.length === digits)) {
    throw invalidField('pixKey', `pixKey must be ${digits} digits for a ${body.pixKeyType} key`);
  }
  return {
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
}
