import { Api } from '../support/http';
import {
  allEvents,
  type LinkedInstance,
  type Sandbox,
  startLinkedInstance,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { type WharfHandle } from '../support/wharf';

describe('sending locations and polls (docs/API.md §3.2)', () => {
  let sandbox: Sandbox;
  let wharf: WharfHandle;
  let api: Api;
  let ta: string;
  let instanceId: string;
  let ownJid: string;
  const dan = { number: '5511911100001', jid: '5511911100001@s.whatsapp.net' };

  let linked: LinkedInstance;

  beforeAll(async () => {
    linked = await startLinkedInstance('types', '5511911100000', [
      { number: dan.number, name: 'Dan' },
    ]);
    ({ sandbox, wharf, api, ta, instanceId, ownJid } = linked);
  });
  afterAll(() => linked?.close());

  const onPhone = async (messageId: string) => {
    await waitUntil(`${messageId} on the phone`, () =>
      sandbox.messages(dan.number).messages.some((m) => m.id === messageId),
    );
    return sandbox.messages(dan.number).messages.find((m) => m.id === messageId)!;
  };

  it('sends a location card with the D7 content rendering', async () => {
    const res = await api.post('/api/message/location/types', {
      token: ta,
      body: {
        number: dan.number,
        latitude: -23.5613,
        longitude: -46.6565,
        name: 'Head office',
        address: 'Av. Paulista, 1000',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      message: 'Location sent successfully',
      status: 'sent',
      data: {
        messageType: 'location',
        content: '📍 Head office\nAv. Paulista, 1000\nLat: -23.5613, Long: -46.6565',
        chat: { jid: dan.jid },
      },
    });
    expect(await onPhone(res.body.messageId)).toMatchObject({
      type: 'location',
      from: ownJid,
      location: {
        degreesLatitude: -23.5613,
        degreesLongitude: -46.6565,
        name: 'Head office',
        address: 'Av. Paulista, 1000',
      },
    });
    const event = (await allEvents(wharf, instanceId)).find(
      (e) => e.event === 'message.exchange' && e.data.id === res.body.messageId,
    );
    expect(event?.data.message).toMatchObject({
      type: 'location',
      location: { latitude: -23.5613, longitude: -46.6565, name: 'Head office' },
    });
  });

  it('sends a poll, clamping maxAnswer to the option count', async () => {
    const res = await api.post('/api/message/poll/types', {
      token: ta,
      body: {
        number: dan.number,
        question: 'Which flavor?',
        options: ['Chocolate', 'Vanilla'],
        maxAnswer: 9,
      },
    });
    expect(res.body).toMatchObject({
      message: 'Poll sent successfully',
      data: { messageType: 'poll', content: 'Which flavor?\n1. Chocolate\n2. Vanilla' },
    });
    expect(await onPhone(res.body.messageId)).toMatchObject({
      type: 'poll',
      poll: { name: 'Which flavor?', options: ['Chocolate', 'Vanilla'], selectableCount: 2 },
    });
  });

  it.each([
    [
      'location',
      { number: dan.number, longitude: 1 },
      'Invalid request body: latitude is required',
    ],
    [
      'location',
      { number: dan.number, latitude: 0, longitude: 0 },
      'Invalid request body: latitude and longitude are required',
    ],
    [
      'location',
      { number: dan.number, latitude: 91, longitude: 0 },
      'Invalid request body: latitude must not be greater than 90',
    ],
    [
      'poll',
      { number: dan.number, question: 'Q', options: ['only one'] },
      'Invalid request body: options must contain between 2 and 12 options',
    ],
    [
      'poll',
      { number: dan.number, options: ['a', 'b'] },
      'Invalid request body: question is required',
    ],
    ['poll', { question: 'Q', options: ['a', 'b'] }, 'Number is required'],
  ])('refuses a %s with %j', async (type, body, message) => {
    const res = await api.post(`/api/message/${type}/types`, { token: ta, body });
    expect([res.status, res.body.error?.message]).toEqual([400, message]);
  });
});
