import type { OpenAPIObject } from '@nestjs/swagger';

import { documentRouteAliases } from './route-aliases';

function documentOf(paths: OpenAPIObject['paths']): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths };
}

describe('documentRouteAliases (D22)', () => {
  it('keeps the canonical path and marks the other paths of a route array as deprecated aliases', () => {
    const shared = { responses: { 200: { description: 'Success' } } };
    const document = documentOf({
      '/api/events/getWebhook/{instance}': {
        get: { ...shared, operationId: 'WebhookController_get[0]', summary: 'List webhooks' },
      },
      '/api/events/webhook/{instance}': {
        get: { ...shared, operationId: 'WebhookController_get[1]', summary: 'List webhooks' },
        post: { ...shared, operationId: 'WebhookController_set', summary: 'Set' },
      },
      '/api/message/button/{instance}': {
        post: { ...shared, operationId: 'SendController_button[0]', summary: 'Buttons' },
      },
      '/api/message/buttons/{instance}': {
        post: { ...shared, operationId: 'SendController_button[1]', summary: 'Buttons' },
      },
      '/api/message/btns/{instance}': {
        post: { ...shared, operationId: 'SendController_button[2]', summary: 'Buttons' },
      },
    });
    documentRouteAliases(document);
    expect(document.paths['/api/events/getWebhook/{instance}'].get).toEqual({
      ...shared,
      operationId: 'WebhookController_get',
      summary: 'List webhooks',
    });
    expect(document.paths['/api/events/webhook/{instance}'].get).toEqual({
      ...shared,
      operationId: 'WebhookController_getAlias',
      summary: 'Alias of GET /api/events/getWebhook/:instance (D22)',
      description: 'Deprecated alternative path; same query, answers and errors.',
      deprecated: true,
    });
    expect(document.paths['/api/events/webhook/{instance}'].post?.operationId).toBe(
      'WebhookController_set',
    );
    expect(document.paths['/api/message/buttons/{instance}'].post).toMatchObject({
      operationId: 'SendController_buttonAlias',
      summary: 'Alias of POST /api/message/button/:instance (D22)',
      description: 'Deprecated alternative path; same body, answers and errors.',
      deprecated: true,
    });
    expect(document.paths['/api/message/btns/{instance}'].post?.operationId).toBe(
      'SendController_buttonAlias2',
    );
  });
});
