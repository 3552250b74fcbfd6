import type { FastifyReply } from 'fastify';

import type { Message } from './entities/message.entity';
import { SendFailedError } from './messaging.errors';
import { outcomeOf } from './send.service';
import { sendAnswer, sendHttpOf, sendOptionsOf } from './send-http';

/** A stored outgoing message row as the send service reads it (only the fields answers use). */
function row(fields: Partial<Message> = {}): Message {
  return {
    id: 'row-1',
    messageId: '3EB0AAAAAAAAAAAAAAAAAA',
    chatJid: '5511988887777@s.whatsapp.net',
    timestamp: new Date('2026-04-28T10:30:00.000Z'),
    type: 'text',
    content: 'Hello',
    status: 'sent',
    mentions: [],
    quotedId: null,
    error: null,
    payload: {},
    ...fields,
  } as Message;
}

const reply = {} as FastifyReply;

describe('send outcome of a stored row (D14)', () => {
  it.each([
    ['pending', 'queued'],
    ['sending', 'queued'],
    ['sent', 'sent'],
    ['delivered', 'sent'],
    ['read', 'sent'],
    ['played', 'sent'],
    ['failed', 'failed'],
  ] as const)('%s → %s', (status, outcome) => {
    expect(outcomeOf(row({ status }), false).status).toBe(outcome);
  });

  it('carries the ids, the chat and the reason of a failure', () => {
    expect(outcomeOf(row({ status: 'failed', error: 'boom' }), true)).toMatchObject({
      status: 'failed',
      rowId: 'row-1',
      messageId: '3EB0AAAAAAAAAAAAAAAAAA',
      chatJid: '5511988887777@s.whatsapp.net',
      error: 'boom',
      replayed: true,
    });
    expect(outcomeOf(row({ status: 'failed' }), false).error).toBe('unknown error');
    expect(outcomeOf(row(), false)).not.toHaveProperty('error');
  });
});

describe('HTTP answer of a send outcome (D14)', () => {
  it('answers 200 sent with the message id at the top and in data', () => {
    expect(sendAnswer(outcomeOf(row(), false), 'Text message sent successfully')).toEqual({
      status: 200,
      body: {
        success: true,
        message: 'Text message sent successfully',
        status: 'sent',
        messageId: '3EB0AAAAAAAAAAAAAAAAAA',
        data: {
          messageId: '3EB0AAAAAAAAAAAAAAAAAA',
          timestamp: '2026-04-28T10:30:00.000Z',
          direction: 'outgoing',
          chat: { jid: '5511988887777@s.whatsapp.net' },
          messageType: 'text',
          content: 'Hello',
        },
      },
    });
  });

  it('answers 202 Message queued while the send is pending', () => {
    const answer = sendAnswer(outcomeOf(row({ status: 'pending' }), false), 'ignored');
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ message: 'Message queued', status: 'queued' });
  });

  it('adds mentions, replyTo and the route extras to data', () => {
    const answer = sendAnswer(
      outcomeOf(row({ mentions: ['5511977776666@s.whatsapp.net'], quotedId: 'Q1' }), false),
      'Contact sent successfully',
      (stored) => ({ vcard: [{ fullName: 'Ana' }], content: stored.content.toUpperCase() }),
    );
    expect(answer.body.data).toMatchObject({
      mentions: ['5511977776666@s.whatsapp.net'],
      replyTo: 'Q1',
      vcard: [{ fullName: 'Ana' }],
      content: 'HELLO',
    });
  });

  it('throws 500 Failed to send message: <reason> for a failed send', () => {
    const failed = outcomeOf(row({ status: 'failed', error: 'Instance is not connected' }), false);
    expect(() => sendAnswer(failed, 'x')).toThrow(SendFailedError);
    expect(() => sendAnswer(failed, 'x')).toThrow(
      expect.objectContaining({
        status: 500,
        code: 'SEND_FAILED',
        message: 'Failed to send message: Instance is not connected',
      }),
    );
  });
});

describe('D14 request headers', () => {
  it('reads Prefer: respond-async in any case among other preferences', () => {
    expect(sendHttpOf({ prefer: 'return=minimal, Respond-Async' }, reply).async).toBe(true);
    expect(sendHttpOf({ prefer: 'respond-asynchronously' }, reply).async).toBe(false);
    expect(sendHttpOf({}, reply).async).toBe(false);
  });

  it('trims Idempotency-Key and drops an empty one', () => {
    expect(sendHttpOf({ 'idempotency-key': ' k1 ' }, reply).idempotencyKey).toBe('k1');
    expect(sendHttpOf({ 'idempotency-key': '   ' }, reply)).not.toHaveProperty('idempotencyKey');
  });

  it('joins repeated headers', () => {
    expect(sendHttpOf({ prefer: ['wait=5', 'respond-async'] }, reply).async).toBe(true);
  });

  it('turns body and headers into send options', () => {
    const http = sendHttpOf({ prefer: 'respond-async', 'idempotency-key': 'k' }, reply);
    expect(sendOptionsOf({ source: 'crm', delay: 3, replyTo: 'Q1' }, http)).toEqual({
      source: 'crm',
      delaySeconds: 3,
      replyTo: 'Q1',
      async: true,
      idempotencyKey: 'k',
    });
  });
});
