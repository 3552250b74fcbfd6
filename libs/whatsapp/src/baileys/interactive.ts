import type { BinaryNode, proto } from 'baileys';

import type {
  InteractiveFlow,
  OutgoingButton,
  OutgoingContent,
  OutgoingHeaderMedia,
} from '../messages';

/** Uploads header media and answers the `{ imageMessage | videoMessage | documentMessage }`. */
export type MediaPreparer = (media: OutgoingHeaderMedia) => Promise<proto.IMessage>;

/** The outgoing kinds sent as hand-built protos through `relayMessage` (Baileys 7 has no builder). */
export type RelayedContent = Extract<OutgoingContent, { kind: 'buttons' | 'list' | 'interactive' }>;

/** Whether `content` goes through {@link toInteractiveMessage} and `relayMessage`. */
export function isRelayedContent(content: OutgoingContent): content is RelayedContent {
  return content.kind === 'buttons' || content.kind === 'list' || content.kind === 'interactive';
}

/**
 * The `<biz>` stanza child WhatsApp needs to render native-flow interactive messages: without
 * it the server accepts the message and no client shows the buttons (as measured by other
 * gateways, e.g. whatsmeow PR 1235; WhatsApp Web still shows some flows only on the phone).
 * `privacy_mode_ts` is the send time, seconds.
 */
export function nativeFlowBizNode(nowSeconds: number): BinaryNode {
  return {
    tag: 'biz',
    attrs: { actual_actors: '2', host_storage: '2', privacy_mode_ts: String(nowSeconds) },
    content: [
      {
        tag: 'interactive',
        attrs: { type: 'native_flow', v: '1' },
        content: [{ tag: 'native_flow', attrs: { v: '9', name: 'mixed' } }],
      },
      { tag: 'quality_control', attrs: { source_type: 'third_party' } },
    ],
  };
}

/** A native-flow button (`quick_reply`, `cta_url`, `cta_call`, `cta_copy`) for an API button. */
export function nativeFlowButton(
  button: OutgoingButton,
): proto.Message.InteractiveMessage.NativeFlowMessage.INativeFlowButton {
  switch (button.type) {
    case 'REPLY':
      return {
        name: 'quick_reply',
        buttonParamsJson: JSON.stringify({ display_text: button.displayText, id: button.id }),
      };
    case 'URL':
      return {
        name: 'cta_url',
        buttonParamsJson: JSON.stringify({
          display_text: button.displayText,
          url: button.id,
          merchant_url: button.id,
        }),
      };
    case 'CALL':
      return {
        name: 'cta_call',
        buttonParamsJson: JSON.stringify({
          display_text: button.displayText,
          phone_number: button.id,
        }),
      };
    case 'COPY':
      return {
        name: 'cta_copy',
        buttonParamsJson: JSON.stringify({
          display_text: button.displayText,
          id: button.id,
          copy_code: button.id,
        }),
      };
  }
}

async function header(
  title: string | undefined,
  subtitle: string | undefined,
  media: OutgoingHeaderMedia | undefined,
  prepare: MediaPreparer,
): Promise<proto.Message.InteractiveMessage.IHeader | undefined> {
  if (media) {
    const prepared = await prepare(media);
    return {
      title: title ?? '',
      subtitle: subtitle ?? '',
      hasMediaAttachment: true,
      ...(prepared.imageMessage ? { imageMessage: prepared.imageMessage } : {}),
      ...(prepared.videoMessage ? { videoMessage: prepared.videoMessage } : {}),
      ...(prepared.documentMessage ? { documentMessage: prepared.documentMessage } : {}),
    };
  }
  return title || subtitle
    ? { title: title ?? '', subtitle: subtitle ?? '', hasMediaAttachment: false }
    : undefined;
}

/** Amount in centavos for the `{ value, offset: 100 }` money shape of `payment_info`. */
const cents = (amount: number) => Math.round(amount * 100);

async function flowMessage(
  flow: InteractiveFlow,
  prepare: MediaPreparer,
): Promise<proto.Message.IInteractiveMessage> {
  switch (flow.type) {
    case 'carousel':
      return {
        body: { text: flow.text },
        ...(flow.footer ? { footer: { text: flow.footer } } : {}),
        carouselMessage: {
          messageVersion: 1,
          cards: await Promise.all(
            flow.cards.map(async (card) => ({
              header: (await header(card.title, card.subtitle, card.media, prepare)) ?? {
                title: '',
                hasMediaAttachment: false,
              },
              body: { text: card.body },
              ...(card.footer ? { footer: { text: card.footer } } : {}),
              nativeFlowMessage: {
                buttons: card.buttons.map(nativeFlowButton),
                messageVersion: 1,
              },
            })),
          ),
        },
      };
    case 'form':
      return {
        body: { text: flow.text },
        nativeFlowMessage: {
          buttons: [{ name: 'galaxy_message', buttonParamsJson: flow.buttonParamsJson }],
          messageVersion: 1,
        },
      };
    case 'pix': {
      const total = flow.items.reduce(
        (sum, item) => sum + cents(item.unitPrice) * item.quantity,
        0,
      );
      const params = {
        currency: 'BRL',
        total_amount: { value: total, offset: 100 },
        reference_id: `WHARF${Date.now().toString(36).toUpperCase()}`,
        type: 'physical-goods',
        order: {
          status: 'pending',
          subtotal: { value: total, offset: 100 },
          order_type: 'ORDER',
          items: flow.items.map((item, index) => ({
            retailer_id: `item-${index + 1}`,
            name: item.name,
            amount: { value: cents(item.unitPrice), offset: 100 },
            quantity: item.quantity,
          })),
        },
        payment_settings: [
          {
            type: 'pix_static_code',
            pix_static_code: {
              merchant_name: flow.merchantName,
              key: flow.pixKey,
              key_type: flow.pixKeyType,
            },
          },
        ],
        share_payment_status: false,
      };
      return {
        body: { text: flow.text },
        nativeFlowMessage: {
          buttons: [{ name: 'payment_info', buttonParamsJson: JSON.stringify(params) }],
          messageVersion: 1,
        },
      };
    }
  }
}

/**
 * The `proto.Message` of a buttons, list or native-flow message (docs/API.md §3.2): an
 * `interactiveMessage` with a `nativeFlowMessage` — `quick_reply`/`cta_*` buttons, a
 * `single_select` list, a `carouselMessage` of cards, a `galaxy_message` Flow or a
 * `payment_info` PIX card — plus `messageContextInfo` as WhatsApp clients send it. Send it with
 * {@link nativeFlowBizNode}. Header media (downloaded by the app) is uploaded with `prepare`.
 */
export async function toInteractiveMessage(
  content: RelayedContent,
  prepare: MediaPreparer,
): Promise<proto.IMessage> {
  let interactive: proto.Message.IInteractiveMessage;
  switch (content.kind) {
    case 'buttons':
      interactive = {
        header: await header(
          content.media ? undefined : content.title,
          undefined,
          content.media,
          prepare,
        ),
        body: { text: content.text },
        ...(content.footer ? { footer: { text: content.footer } } : {}),
        nativeFlowMessage: { buttons: content.buttons.map(nativeFlowButton), messageVersion: 1 },
      };
      break;
    case 'list':
      interactive = {
        header: await header(content.title, undefined, undefined, prepare),
        body: { text: content.text },
        ...(content.footer ? { footer: { text: content.footer } } : {}),
        nativeFlowMessage: {
          buttons: [
            {
              name: 'single_select',
              buttonParamsJson: JSON.stringify({
                title: content.buttonText,
                sections: content.sections.map((section) => ({
                  title: section.title,
                  rows: section.rows.map((row) => ({
                    header: '',
                    title: row.title,
                    description: row.description ?? '',
                    id: row.id,
                  })),
                })),
              }),
            },
          ],
          messageVersion: 1,
        },
      };
      break;
    case 'interactive':
      interactive = await flowMessage(content.flow, prepare);
      break;
  }
  return {
    messageContextInfo: { deviceListMetadata: {}, deviceListMetadataVersion: 2 },
    interactiveMessage: interactive,
  };
}
