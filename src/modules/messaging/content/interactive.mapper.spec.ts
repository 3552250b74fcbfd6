import type { SendCarouselDto, SendFormDto, SendListDto } from '../dto/send-structured.dto';
import {
  buttonsContent,
  buttonsHeaderMediaOf,
  carouselContent,
  carouselHeaderMediaOf,
  formContent,
  listContent,
  pixContent,
  toButtons,
} from './interactive.mapper';

const PUBLIC_ONLY = { allowPrivate: false };
const refusal = (message: string, field: string) =>
  expect.objectContaining({
    status: 400,
    code: 'VALIDATION_FAILED',
    message: `Invalid request body: ${message}`,
    details: [{ field, message }],
  });

const card = (header: Partial<SendCarouselDto['cards'][number]['header']> = {}) => ({
  header: { title: 'Plan', ...header },
  body: { text: 'Body' },
  buttons: [{ id: 'b1' }],
});

describe('buttons (docs/API.md §3.2)', () => {
  it('defaults the type to REPLY and the label to the id', () => {
    expect(
      toButtons([{ id: 'a' }, { id: 'https://x.example', type: 'URL', displayText: ' Open ' }]),
    ).toEqual([
      { type: 'REPLY', id: 'a', displayText: 'a' },
      { type: 'URL', id: 'https://x.example', displayText: 'Open' },
    ]);
  });
});

describe('carousel (docs/API.md §3.2, D12)', () => {
  it('plans one download per card header that names a URL', () => {
    expect(
      carouselHeaderMediaOf(
        {
          cards: [
            card({ imageUrl: 'https://cdn.example.com/a.jpg' }),
            card(),
            card({ videoUrl: 'https://cdn.example.com/b.mp4' }),
          ],
        },
        PUBLIC_ONLY,
      ),
    ).toEqual([
      { type: 'image', url: 'https://cdn.example.com/a.jpg', field: 'cards[0].header.imageUrl' },
      undefined,
      { type: 'video', url: 'https://cdn.example.com/b.mp4', field: 'cards[2].header.videoUrl' },
    ]);
  });

  it('refuses a header with both imageUrl and videoUrl', () => {
    const both = card({ imageUrl: 'https://a.example/a.jpg', videoUrl: 'https://a.example/b.mp4' });
    expect(() => carouselHeaderMediaOf({ cards: [card(), both] }, PUBLIC_ONLY)).toThrow(
      refusal('cards[1].header takes imageUrl or videoUrl, not both', 'cards[1].header'),
    );
  });

  it('refuses a header URL D12 refuses, naming the field', () => {
    expect(() =>
      carouselHeaderMediaOf({ cards: [card({ imageUrl: 'http://127.0.0.1/a.jpg' })] }, PUBLIC_ONLY),
    ).toThrow(
      expect.objectContaining({
        details: [expect.objectContaining({ field: 'cards[0].header.imageUrl' })],
      }),
    );
    expect(() =>
      carouselHeaderMediaOf({ cards: [card({ imageUrl: 'ftp://a.example/a.jpg' })] }, PUBLIC_ONLY),
    ).toThrow(
      refusal('cards[0].header.imageUrl must use http or https', 'cards[0].header.imageUrl'),
    );
  });

  it('accepts a private header URL when the policy allows private targets', () => {
    expect(
      carouselHeaderMediaOf(
        { cards: [card({ imageUrl: 'http://127.0.0.1/a.jpg' })] },
        {
          allowPrivate: true,
        },
      ),
    ).toHaveLength(1);
  });

  it('builds the cards with the downloaded media', () => {
    const media = { type: 'image' as const, url: 'https://cdn.example.com/a.jpg', base64: 'AA==' };
    expect(
      carouselContent({ message: 'Plans', cards: [card({ subtitle: 'S' }), card()] }, [
        media,
        undefined,
      ]),
    ).toEqual({
      kind: 'interactive',
      flow: {
        type: 'carousel',
        text: 'Plans',
        footer: undefined,
        cards: [
          {
            title: 'Plan',
            subtitle: 'S',
            media,
            body: 'Body',
            footer: undefined,
            buttons: [{ type: 'REPLY', id: 'b1', displayText: 'b1' }],
          },
          {
            title: 'Plan',
            subtitle: undefined,
            body: 'Body',
            footer: undefined,
            buttons: [{ type: 'REPLY', id: 'b1', displayText: 'b1' }],
          },
        ],
      },
    });
  });
});

describe('buttons message (docs/API.md §3.2, D12)', () => {
  it('plans no download without mediaUrl', () => {
    expect(buttonsHeaderMediaOf({}, PUBLIC_ONLY)).toBeUndefined();
  });

  it('plans the header download with its lower-cased type', () => {
    expect(
      buttonsHeaderMediaOf(
        { mediaUrl: 'https://cdn.example.com/d.pdf', mediaType: 'DOCUMENT' },
        PUBLIC_ONLY,
      ),
    ).toEqual({ type: 'document', url: 'https://cdn.example.com/d.pdf', field: 'mediaUrl' });
  });

  it('refuses mediaUrl without mediaType', () => {
    expect(() =>
      buttonsHeaderMediaOf({ mediaUrl: 'https://cdn.example.com/a.jpg' }, PUBLIC_ONLY),
    ).toThrow(refusal('mediaType is required with mediaUrl', 'mediaType'));
  });

  it('refuses a mediaUrl D12 refuses', () => {
    expect(() =>
      buttonsHeaderMediaOf({ mediaUrl: 'http://localhost/a.jpg', mediaType: 'IMAGE' }, PUBLIC_ONLY),
    ).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'mediaUrl' })] }),
    );
  });

  it('puts header media in place of headerText', () => {
    const body = {
      contentText: 'Help?',
      headerText: 'Hi',
      footerText: 'F',
      buttons: [{ id: 'x' }],
    };
    expect(buttonsContent(body, undefined)).toEqual({
      kind: 'buttons',
      text: 'Help?',
      title: 'Hi',
      footer: 'F',
      buttons: [{ type: 'REPLY', id: 'x', displayText: 'x' }],
    });
    const media = { type: 'image' as const, url: 'https://cdn.example.com/a.jpg', base64: 'AA==' };
    expect(buttonsContent(body, media)).toMatchObject({ title: undefined, media });
  });
});

describe('list (docs/API.md §3.2)', () => {
  const rows = (count: number, from = 0) =>
    Array.from({ length: count }, (_, index) => ({ id: `r${from + index}`, title: 'Row' }));
  const list = (sections: SendListDto['sections']): SendListDto => ({
    number: '1',
    contentText: 'Pick',
    buttonText: 'Menu',
    sections,
  });

  it('accepts 100 rows in total, with untitled sections', () => {
    const content = listContent(
      list(Array.from({ length: 10 }, (_, index) => ({ rows: rows(10, index * 10) }))),
    );
    expect(content).toMatchObject({ kind: 'list', text: 'Pick', buttonText: 'Menu' });
    expect(content.kind === 'list' && content.sections[0].title).toBe('');
  });

  it('refuses more than 100 rows in total', () => {
    const sections = Array.from({ length: 10 }, (_, index) => ({
      title: 'S',
      rows: rows(10, index * 10),
    }));
    sections[9].rows.push({ id: 'extra', title: 'Row' });
    expect(() => listContent(list(sections))).toThrow(
      refusal('sections must contain at most 100 rows in total', 'sections'),
    );
  });

  it('keeps a row description only when given', () => {
    const content = listContent(
      list([
        {
          title: 'S',
          rows: [
            { id: 'a', title: 'A', description: 'd' },
            { id: 'b', title: 'B' },
          ],
        },
      ]),
    );
    expect(content.kind === 'list' && content.sections[0].rows).toEqual([
      { id: 'a', title: 'A', description: 'd' },
      { id: 'b', title: 'B' },
    ]);
  });
});

describe('form (docs/API.md §3.2)', () => {
  const form = (fields: Partial<SendFormDto>): SendFormDto => ({
    number: '1',
    message: 'Fill in',
    ...fields,
  });
  const paramsOf = (body: SendFormDto) => {
    const content = formContent(body, () => 'generated-token');
    if (content.kind !== 'interactive' || content.flow.type !== 'form')
      throw new Error('not a form');
    return { flow: content.flow, params: JSON.parse(content.flow.buttonParamsJson) };
  };

  it('generates the Flow parameters with defaults and a new token', () => {
    const { flow, params } = paramsOf(form({}));
    expect(flow).toMatchObject({ type: 'form', text: 'Fill in', buttonLabel: 'Open form' });
    expect(params).toEqual({
      flow_message_version: '3',
      flow_token: 'generated-token',
      flow_cta: 'Open form',
      flow_action: 'navigate',
      flow_action_payload: {
        screen: 'CONTACT_DETAILS',
        data: {
          form_type: 'contact_details',
          full_name_visible: true,
          phone_number_visible: true,
          email_visible: false,
          cpf_or_cnpj_visible: false,
          delivery_address_visible: false,
        },
      },
      message_version: 1,
    });
  });

  it('keeps the given token, flow id and offer', () => {
    const { params } = paramsOf(
      form({
        flowToken: 't',
        flowId: 'f',
        formType: 'registration_offer',
        offerName: 'O',
        buttonLabel: ' Go ',
      }),
    );
    expect(params).toMatchObject({
      flow_token: 't',
      flow_id: 'f',
      flow_cta: 'Go',
      flow_action_payload: { screen: 'REGISTRATION_OFFER', data: { offer_name: 'O' } },
    });
  });

  it('takes buttonParamsJSON as given when it is a JSON object', () => {
    expect(paramsOf(form({ buttonParamsJSON: ' {"a": 1} ' })).params).toEqual({ a: 1 });
  });

  it.each(['not json', '[1]', 'null', '"text"'])('refuses buttonParamsJSON %s', (value) => {
    expect(() => formContent(form({ buttonParamsJSON: value }), () => 't')).toThrow(
      refusal('buttonParamsJSON must be a JSON object', 'buttonParamsJSON'),
    );
  });
});

describe('pix (docs/API.md §3.2)', () => {
  const pix = {
    number: '5511988887777',
    merchantName: 'Shop',
    pixKey: '12345678901',
    pixKeyType: 'CPF' as const,
  };

  it('builds the card with its default text and items', () => {
    expect(pixContent({ ...pix, items: [{ name: 'Tea', quantity: 2, unitPrice: 5 }] })).toEqual({
      kind: 'interactive',
      flow: {
        type: 'pix',
        text: 'PIX: Shop',
        merchantName: 'Shop',
        pixKey: '12345678901',
        pixKeyType: 'CPF',
        items: [{ name: 'Tea', quantity: 2, unitPrice: 5 }],
      },
    });
  });

  it('refuses a channel recipient', () => {
    expect(() => pixContent({ ...pix, number: '120363@newsletter' })).toThrow(
      refusal('pix accepts contacts, @lid and groups only', 'number'),
    );
  });

  it('accepts a 14-digit CNPJ and any EMAIL key', () => {
    expect(() =>
      pixContent({ ...pix, pixKeyType: 'CNPJ', pixKey: '12345678000199' }),
    ).not.toThrow();
    expect(() => pixContent({ ...pix, pixKeyType: 'EMAIL', pixKey: 'a@b.example' })).not.toThrow();
  });

  it.each([
    ['CPF', '1234567890', 'pixKey must be 11 digits for a CPF key'],
    ['CPF', '123.456.789-01', 'pixKey must be 11 digits for a CPF key'],
    ['CNPJ', '12345678901', 'pixKey must be 14 digits for a CNPJ key'],
  ] as const)('refuses a %s key %s', (pixKeyType, pixKey, message) => {
    expect(() => pixContent({ ...pix, pixKeyType, pixKey })).toThrow(refusal(message, 'pixKey'));
  });
});
