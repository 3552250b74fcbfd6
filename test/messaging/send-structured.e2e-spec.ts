import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Message } from '@wharf/modules/messaging/entities/message.entity';
import sharp from 'sharp';

import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  allEvents,
  linkByQr,
  type Sandbox,
  sandboxEnv,
  startTestSandbox,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, type WharfHandle } from '../support/wharf';

/**
 * Contact, reaction and interactive sends, the text options (linkPreview, mentionAll,
 * replyPrivate) and recipient resolution (D13) end to end: Wharf → sandbox → the phones.
 */
describe('structured sends and recipient resolution (docs/API.md §3.2, §1.8, D13)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  let page: Server;
  let pageUrl: string;
  const own = '5511933300000';
  const eve = { number: '5511933300001', jid: '5511933300001@s.whatsapp.net' };
  const fay = { number: '5511933300002', jid: '5511933300002@s.whatsapp.net' };
  // registered without the 9th digit / with it (D13)
  const oldNumber = { number: '551183330003', jid: '551183330003@s.whatsapp.net' };
  const newNumber = { number: '5511983330004', jid: '5511983330004@s.whatsapp.net' };

  beforeAll(async () => {
    const png = await sharp({
      create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 30, b: 30 } },
    })
      .png()
      .toBuffer();
    page = createServer((req, res) => {
      if (req.url === '/terms.pdf') {
        res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4\n%fake\n');
      } else if (req.url === '/cover.png') {
        res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      } else if (req.url === '/missing.png') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/article' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          `<html><head><title>Fallback</title>
           <meta property="og:title" content="Wharf &amp; friends">
           <meta property="og:description" content="A WhatsApp gateway">
           <meta property="og:image" content="/cover.png"></head><body>hi</body></html>`,
        );
      }
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;

    sandbox = await startTestSandbox();
    wharf = await startWharf({ env: sandboxEnv(sandbox, { ALLOW_PRIVATE_TARGETS: 'true' }) });
    api = new Api(wharf.url);
    ta = (await createAccount(wharf)).token;
    instanceId = (await createInstance(wharf, ta, 'shop')).id;
    sandbox.createPhone(own, 'Shop');
    for (const [phone, name] of [
      [eve, 'Eve'],
      [fay, 'Fay'],
      [oldNumber, 'Old'],
      [newNumber, 'New'],
    ] as const)
      sandbox.createPhone(phone.number, name);
    ownJid = (await linkByQr(api, sandbox, ta, 'shop', own)).numberJid as string;
  });
  afterAll(async () => {
    await wharf?.close();
    await sandbox?.close();
    await new Promise((resolve) => page?.close(resolve));
  });

  const post = (route: string, body: Record<string, unknown>) =>
    api.post(`/api/message/${route}/shop`, { token: ta, body });

  const onPhone = async (number: string, messageId: string) => {
    await waitUntil(`${messageId} on ${number}`, () =>
      sandbox.messages(number).messages.some((m) => m.id === messageId),
    );
    return sandbox.messages(number).messages.find((m) => m.id === messageId)!;
  };

  const exchangeOf = async (messageId: string) => {
    await waitUntil(`the exchange event of ${messageId}`, async () =>
      (await allEvents(wharf, instanceId)).some(
        (e) => e.event === 'message.exchange' && e.data.id === messageId,
      ),
    );
    return (await allEvents(wharf, instanceId)).find(
      (e) => e.event === 'message.exchange' && e.data.id === messageId,
    )!.data as any;
  };

  const stored = async (messageId: string) => {
    const orm = await wharf.orm();
    return orm.em.fork().findOne(Message, { messageId });
  };

  it('sends one contact (single object accepted) with an escaped vCard and waid', async () => {
    const res = await post('contact', {
      number: eve.number,
      vcard: { fullName: 'Souza, Ana; CEO', phone: '+55 (11) 98888-7777', organization: 'Acme' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      message: 'Contact sent successfully',
      data: {
        messageType: 'contact',
        content: 'Souza, Ana; CEO',
        chat: { jid: eve.jid },
        vcard: [{ fullName: 'Souza, Ana; CEO', phone: '+55 (11) 98888-7777' }],
      },
    });
    const view = await onPhone(eve.number, res.body.messageId);
    expect(view.type).toBe('contacts');
    expect(view.contacts).toHaveLength(1);
    expect(view.contacts![0].displayName).toBe('Souza, Ana; CEO');
    expect(view.contacts![0].vcard.split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:;Souza\\, Ana\\; CEO;;;',
      'FN:Souza\\, Ana\\; CEO',
      'ORG:Acme',
      'TEL;type=CELL;type=VOICE;waid=5511988887777:+5511988887777',
      'END:VCARD',
    ]);
  });

  it('sends several contacts as one contacts-array message', async () => {
    const vcard = [
      {
        fullName: 'Ana Souza',
        phone: '5511988887777',
        email: 'ana@acme.com',
        url: 'https://acme.com',
      },
      { fullName: 'Bruno Lima', phone: '5511977776666' },
    ];
    const res = await post('contact', { number: eve.number, vcard });
    expect(res.body).toMatchObject({
      message: '2 contacts sent successfully in one message',
      data: { messageType: 'contacts', content: 'Ana Souza, Bruno Lima', vcard },
    });
    const view = await onPhone(eve.number, res.body.messageId);
    expect(view.contacts?.map((c) => c.displayName)).toEqual(['Ana Souza', 'Bruno Lima']);
    expect(view.contacts![0].vcard).toContain('EMAIL;type=INTERNET:ana@acme.com');
    expect((await exchangeOf(res.body.messageId)).message).toMatchObject({
      type: 'contacts',
      contact: [{ displayName: 'Ana Souza' }, { displayName: 'Bruno Lima' }],
    });
  });

  it('reacts to a received message and removes the reaction; the phone sees both', async () => {
    const { messageId: target } = await sandbox.sendMessage(eve.number, {
      to: ownJid,
      text: 'like me',
    });
    const res = await post('reaction', { number: eve.number, messageId: target, reaction: '👍' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      message: 'Reaction sent successfully',
      data: { messageType: 'reaction', content: '👍', replyTo: { messageId: target } },
    });
    expect(res.body.data.messageId).not.toBe(target);
    expect(await onPhone(eve.number, res.body.messageId)).toMatchObject({
      type: 'reaction',
      reaction: { messageId: target, emoji: '👍' },
    });
    expect((await exchangeOf(res.body.messageId)).message.reaction).toEqual({
      messageId: target,
      emoji: '👍',
    });

    const removed = await post('reaction', {
      number: eve.number,
      messageId: target,
      reaction: 'remove',
    });
    expect(removed.body).toMatchObject({
      message: 'Reaction removed successfully',
      data: { content: '', replyTo: { messageId: target } },
    });
    expect(await onPhone(eve.number, removed.body.messageId)).toMatchObject({
      type: 'reaction',
      reaction: { messageId: target, emoji: '' },
    });
  });

  it('in groups: reaction needs participant (400, nothing sent); mentionAll, reaction and replyPrivate work', async () => {
    const group = sandbox.createGroup(eve.number, 'Crew', [own, fay.number]);
    const { messageId: question } = await sandbox.sendMessage(fay.number, {
      to: group.jid,
      text: 'who can help?',
    });
    await waitUntil('the question to be stored', async () => Boolean(await stored(question)));
    const eventsBefore = (await allEvents(wharf, instanceId)).length;

    const refused = await post('reaction', {
      number: group.jid,
      messageId: question,
      reaction: '❤️',
    });
    expect([refused.status, refused.body.error]).toEqual([
      400,
      {
        message: 'participant is required to react to a group message not sent by this instance',
        code: 'MISSING_PARTICIPANT',
      },
    ]);
    expect((await allEvents(wharf, instanceId)).length).toBe(eventsBefore);

    const reacted = await post('reaction', {
      number: group.jid,
      messageId: question,
      reaction: '❤️',
      participant: fay.number,
    });
    expect(reacted.status).toBe(200);
    expect(await onPhone(fay.number, reacted.body.messageId)).toMatchObject({
      chat: group.jid,
      type: 'reaction',
      reaction: { messageId: question, emoji: '❤️' },
    });

    const all = await post('text', {
      number: group.jid,
      message: 'meeting at 3',
      mentionAll: true,
    });
    expect(all.status).toBe(200);
    const everyone = [ownJid, eve.jid, fay.jid].sort();
    expect([...all.body.data.mentions].sort()).toEqual(everyone);
    const mentioned = await onPhone(eve.number, all.body.messageId);
    expect([...(mentioned.mentions ?? [])].sort()).toEqual(everyone);
    expect(mentioned.text).toBe('meeting at 3');

    const privately = await post('text', {
      number: group.jid,
      message: 'I can, let us talk here',
      replyTo: question,
      replyPrivate: true,
    });
    expect(privately.status).toBe(200);
    expect(privately.body.data).toMatchObject({ chat: { jid: fay.jid }, replyTo: question });
    const reply = await onPhone(fay.number, privately.body.messageId);
    expect(reply).toMatchObject({ quotedId: question, text: 'I can, let us talk here' });
    expect([reply.chat, reply.chatAlt]).toContain(ownJid);

    const noQuote = await post('text', { number: group.jid, message: 'x', replyPrivate: true });
    expect([noQuote.status, noQuote.body.error?.message]).toEqual([
      400,
      'Invalid request body: replyPrivate requires replyTo',
    ]);
  });

  it('sends buttons (and via the /buttons alias) with the native-flow structure', async () => {
    const body = {
      number: eve.number,
      contentText: 'How can we help?',
      headerText: 'Support',
      footerText: 'Acme',
      buttons: [
        { id: 'sales', displayText: 'Sales' },
        { id: 'https://acme.com', displayText: 'Site', type: 'URL' },
        { id: '5511999999999', displayText: 'Call us', type: 'CALL' },
      ],
    };
    for (const route of ['button', 'buttons']) {
      const res = await post(route, body);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        message: 'Buttons sent successfully',
        data: { messageType: 'buttons', content: 'How can we help?' },
      });
      const view = await onPhone(eve.number, res.body.messageId);
      expect(view).toMatchObject({
        type: 'interactive',
        interactive: {
          header: { title: 'Support' },
          body: 'How can we help?',
          footer: 'Acme',
          buttons: [
            { name: 'quick_reply', params: { id: 'sales', display_text: 'Sales' } },
            { name: 'cta_url', params: { url: 'https://acme.com', display_text: 'Site' } },
            { name: 'cta_call', params: { phone_number: '5511999999999' } },
          ],
        },
      });
    }
    const tooMany = await post('button', { ...body, buttons: [...body.buttons, { id: 'x' }] });
    expect([tooMany.status, tooMany.body.error?.message]).toEqual([
      400,
      'Invalid request body: buttons must contain between 1 and 3 buttons',
    ]);
    const badType = await post('button', { ...body, buttons: [{ id: 'x', type: 'PAY' }] });
    expect(badType.body.error?.message).toBe(
      'Invalid request body: buttons[].type must be one of REPLY, URL, CALL, COPY',
    );
  });

  it('sends a carousel, a list, a form and a PIX card', async () => {
    const carousel = await post('carousel', {
      number: eve.number,
      message: 'Our plans',
      cards: [
        {
          header: { title: 'Basic', subtitle: 'monthly' },
          body: { text: 'R$ 10' },
          buttons: [{ id: 'basic', displayText: 'Choose' }],
        },
        {
          header: { title: 'Pro' },
          body: { text: 'R$ 20' },
          footer: 'best',
          buttons: [{ id: 'PROMO10', displayText: 'Copy code', type: 'COPY' }],
        },
      ],
    });
    expect(carousel.body).toMatchObject({
      message: 'Carousel sent successfully',
      data: { messageType: 'interactive', content: 'Our plans - Carousel with 2 card(s)' },
    });
    expect(await onPhone(eve.number, carousel.body.messageId)).toMatchObject({
      type: 'interactive',
      interactive: {
        body: 'Our plans',
        cards: [
          {
            header: { title: 'Basic', subtitle: 'monthly' },
            body: 'R$ 10',
            buttons: [{ name: 'quick_reply', params: { id: 'basic' } }],
          },
          {
            body: 'R$ 20',
            footer: 'best',
            buttons: [{ name: 'cta_copy', params: { copy_code: 'PROMO10' } }],
          },
        ],
      },
    });
    expect((await exchangeOf(carousel.body.messageId)).message).toMatchObject({
      type: 'interactive',
      interactive: { type: 'carousel', cards: [{ title: 'Basic' }, { title: 'Pro' }] },
    });

    const sections = [
      { title: 'Support', rows: [{ id: 'billing', title: 'Billing', description: 'Invoices' }] },
      { title: 'Sales', rows: [{ id: 'new', title: 'New order' }] },
    ];
    const list = await post('list', {
      number: eve.number,
      contentText: 'Pick a department',
      buttonText: 'Open menu',
      sections,
    });
    expect(list.body).toMatchObject({
      message: 'List sent successfully',
      data: { messageType: 'list', content: 'Pick a department' },
    });
    const listView = await onPhone(eve.number, list.body.messageId);
    expect(listView.interactive?.buttons[0]).toMatchObject({
      name: 'single_select',
      params: {
        title: 'Open menu',
        sections: [
          {
            title: 'Support',
            rows: [{ id: 'billing', title: 'Billing', description: 'Invoices' }],
          },
          { title: 'Sales', rows: [{ id: 'new', title: 'New order' }] },
        ],
      },
    });
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    const tooManyRows = await post('list', {
      number: eve.number,
      contentText: 'x',
      buttonText: 'Open',
      sections: Array.from({ length: 10 }, (_, i) => ({ title: `S${i}`, rows })).concat([]),
    });
    expect(tooManyRows.status).toBe(200); // exactly 100 rows is allowed
    const elevenRows = await post('list', {
      number: eve.number,
      contentText: 'x',
      buttonText: 'Open',
      sections: [{ title: 'S', rows: [...rows, { id: 'r10', title: 'Row 10' }] }],
    });
    expect(elevenRows.body.error?.message).toBe(
      'Invalid request body: sections[].rows must contain at most 10 rows',
    );

    const form = await post('form', {
      number: eve.number,
      message: 'Tell us about you',
      buttonLabel: 'Fill in',
      flowId: '123456',
      emailVisible: true,
    });
    expect(form.body).toMatchObject({
      message: 'Form sent successfully',
      data: { messageType: 'interactive', content: 'Tell us about you' },
    });
    expect((await onPhone(eve.number, form.body.messageId)).interactive).toMatchObject({
      body: 'Tell us about you',
      buttons: [
        {
          name: 'galaxy_message',
          params: {
            flow_id: '123456',
            flow_cta: 'Fill in',
            flow_action_payload: { data: { email_visible: true } },
          },
        },
      ],
    });

    const pix = await post('pix', {
      number: eve.number,
      merchantName: 'Acme Ltda',
      pixKey: '12345678901',
      pixKeyType: 'CPF',
      items: [{ name: 'T-shirt', quantity: 2, unitPrice: 49.9 }],
    });
    expect(pix.body).toMatchObject({
      message: 'PIX key sent successfully',
      data: { messageType: 'interactive', content: 'PIX key CPF: 12345678901' },
    });
    const pixButton = (await onPhone(eve.number, pix.body.messageId)).interactive!.buttons[0];
    expect(pixButton).toMatchObject({
      name: 'payment_info',
      params: {
        currency: 'BRL',
        total_amount: { value: 9980, offset: 100 },
        payment_settings: [
          {
            type: 'pix_static_code',
            pix_static_code: { merchant_name: 'Acme Ltda', key: '12345678901', key_type: 'CPF' },
          },
        ],
      },
    });
    const badKey = await post('pix', {
      number: eve.number,
      merchantName: 'Acme',
      pixKey: '123.456.789-01',
      pixKeyType: 'CPF',
    });
    expect(badKey.body.error?.message).toBe(
      'Invalid request body: pixKey must be 11 digits for a CPF key',
    );
    const badType = await post('pix', {
      number: eve.number,
      merchantName: 'Acme',
      pixKey: 'x',
      pixKeyType: 'IBAN',
    });
    expect(badType.body.error?.message).toBe(
      'Invalid request body: pixKeyType must be one of CPF, CNPJ, EMAIL, PHONE, RANDOM',
    );
  });

  it('uploads header media: a carousel card image and a document header on buttons', async () => {
    const carousel = await post('carousel', {
      number: eve.number,
      message: 'With pictures',
      cards: [
        {
          header: { title: 'Red', imageUrl: `${pageUrl}/cover.png` },
          body: { text: 'A red square' },
          buttons: [{ id: 'red', displayText: 'Pick' }],
        },
        { header: { title: 'Plain' }, body: { text: 'No media' }, buttons: [{ id: 'plain' }] },
      ],
    });
    expect(carousel.status).toBe(200);
    const cards = (await onPhone(eve.number, carousel.body.messageId)).interactive!.cards!;
    expect(cards[0].header).toEqual({
      title: 'Red',
      media: { type: 'image', mimetype: 'image/png' },
    });
    expect(cards[1].header).toEqual({ title: 'Plain' });

    const buttons = await post('button', {
      number: eve.number,
      contentText: 'Please read',
      headerText: 'ignored with media',
      mediaUrl: `${pageUrl}/terms.pdf`,
      mediaType: 'DOCUMENT',
      buttons: [{ id: 'ok', displayText: 'OK' }],
    });
    expect(buttons.status).toBe(200);
    expect((await onPhone(eve.number, buttons.body.messageId)).interactive!.header).toEqual({
      media: { type: 'document', mimetype: 'application/pdf', fileName: 'terms.pdf' },
    });

    const noType = await post('button', {
      number: eve.number,
      contentText: 'x',
      mediaUrl: `${pageUrl}/terms.pdf`,
      buttons: [{ id: 'ok' }],
    });
    expect(noType.body.error?.message).toBe(
      'Invalid request body: mediaType is required with mediaUrl',
    );
    const both = await post('carousel', {
      number: eve.number,
      cards: [
        {
          header: { title: 'T', imageUrl: `${pageUrl}/a.png`, videoUrl: `${pageUrl}/b.mp4` },
          body: { text: 'B' },
          buttons: [{ id: 'x' }],
        },
      ],
    });
    expect(both.body.error?.message).toBe(
      'Invalid request body: cards[0].header takes imageUrl or videoUrl, not both',
    );
    // a URL that does not serve an image: 400 in the request, nothing stored
    const broken = await post('carousel', {
      number: eve.number,
      cards: [
        {
          header: { title: 'T', imageUrl: `${pageUrl}/terms.pdf` },
          body: { text: 'B' },
          buttons: [{ id: 'x' }],
        },
      ],
    });
    expect([broken.status, broken.body.error?.message]).toEqual([
      400,
      'Invalid request body: cards[0].header.imageUrl is not an image',
    ]);
    // once sent, the stored send keeps the URLs only (the bytes are blanked, D14)
    const row = await (
      await wharf.orm()
    ).em
      .fork()
      .findOneOrFail(Message, { messageId: carousel.body.messageId }, { populate: ['request'] });
    expect((row.request as any).content.flow.cards[0].media).toMatchObject({
      url: `${pageUrl}/cover.png`,
      base64: '',
    });
  });

  it('answers 400 Failed to fetch media for header media that cannot be downloaded, and stores nothing (issue 11)', async () => {
    const orm = await wharf.orm();
    const before = await orm.em.fork().count(Message, { instance: instanceId });
    const card = (imageUrl: string) => ({
      header: { title: 'T', imageUrl },
      body: { text: 'B' },
      buttons: [{ id: 'x' }],
    });
    const unresolvable = await post('carousel', {
      number: eve.number,
      cards: [card(`${pageUrl}/cover.png`), card('http://no-such-host.invalid/a.png')],
    });
    expect([unresolvable.status, unresolvable.body.error]).toEqual([
      400,
      {
        message: 'Failed to fetch media: the host name could not be resolved',
        code: 'MEDIA_FETCH_FAILED',
      },
    ]);
    const refused = await post('button', {
      number: eve.number,
      contentText: 'x',
      mediaUrl: 'http://127.0.0.1:1/terms.pdf',
      mediaType: 'DOCUMENT',
      buttons: [{ id: 'ok' }],
    });
    expect([refused.status, refused.body.error?.message]).toEqual([
      400,
      'Failed to fetch media: the connection was refused',
    ]);
    const notFound = await post('buttons', {
      number: eve.number,
      contentText: 'x',
      mediaUrl: `${pageUrl}/missing.png`,
      mediaType: 'IMAGE',
      buttons: [{ id: 'ok' }],
    });
    expect([notFound.status, notFound.body.error?.message]).toEqual([
      400,
      'Failed to fetch media: the server answered HTTP 404',
    ]);
    expect(await orm.em.fork().count(Message, { instance: instanceId })).toBe(before);
  });

  it('attaches a link preview built from the page’s og tags (redirect followed, thumbnail made)', async () => {
    const text = `read this ${pageUrl}/moved please`;
    const res = await post('text', { number: eve.number, message: text, linkPreview: true });
    expect(res.status).toBe(200);
    const view = await onPhone(eve.number, res.body.messageId);
    expect(view).toMatchObject({
      text,
      linkPreview: {
        matchedText: `${pageUrl}/moved`,
        title: 'Wharf & friends',
        description: 'A WhatsApp gateway',
        hasThumbnail: true,
      },
    });
    const plain = await post('text', { number: eve.number, message: `no preview ${pageUrl}` });
    expect((await onPhone(eve.number, plain.body.messageId)).linkPreview).toBeUndefined();
  });

  it('resolves the Brazilian 9th digit both ways and refuses numbers not on WhatsApp', async () => {
    const withNine = await post('text', { number: '5511983330003', message: 'to the old number' });
    expect(withNine.status).toBe(200);
    expect(withNine.body.data.chat.jid).toBe(oldNumber.jid);
    expect((await onPhone(oldNumber.number, withNine.body.messageId)).text).toBe(
      'to the old number',
    );

    const withoutNine = await post('text', {
      number: '551183330004',
      message: 'to the new number',
    });
    expect(withoutNine.body.data.chat.jid).toBe(newNumber.jid);
    expect((await onPhone(newNumber.number, withoutNine.body.messageId)).text).toBe(
      'to the new number',
    );

    for (const number of ['5511900000009', '4915112345678']) {
      const missing = await post('text', { number, message: 'anyone?' });
      expect([missing.status, missing.body.error]).toEqual([
        400,
        { message: 'Number is not on WhatsApp', code: 'NUMBER_NOT_ON_WHATSAPP' },
      ]);
    }
    // The answer is cached: a phone created afterwards stays unknown until the entry expires.
    sandbox.createPhone('5511900000009', 'Late');
    const cached = await post('contact', { number: '5511900000009', vcard: { fullName: 'X' } });
    expect(cached.status).toBe(400);
    const orm = await wharf.orm();
    expect(await orm.em.fork().count(Message, { chatJid: { $like: '%5511900000009%' } })).toBe(0);
  });
});
