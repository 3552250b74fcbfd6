/** OpenAPI examples of the Webhook routes (D18), shared by the route documentation. */

export const EXAMPLE_WEBHOOK = {
  label: 'crm',
  enabled: true,
  url: 'https://app.example.com/wh',
  authorization: 'Bearer svc-token-xyz',
  byEvents: false,
  events: ['message.exchange', 'message.status'],
  mediaBase64: false,
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

export const EXAMPLE_DELIVERY = {
  id: '01966f3a-9c00-7d4e-9f10-3a5b7c9d1e2f',
  eventId: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f',
  event: 'message.exchange',
  label: 'crm',
  status: 'failed',
  attempts: 1,
  lastStatusCode: 503,
  lastError: 'HTTP 503',
  nextAttemptAt: '2026-04-28T10:30:05.000Z',
  deliveredAt: null,
  createdAt: '2026-04-28T10:30:00.000Z',
  history: [
    {
      at: '2026-04-28T10:30:00.000Z',
      statusCode: 503,
      durationMs: 42,
      error: 'HTTP 503',
      nextAttemptAt: '2026-04-28T10:30:05.000Z',
    },
  ],
};
