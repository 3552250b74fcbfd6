import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { EVENT_SCHEMAS } from '@wharf/modules/events/dto/event-payloads.dto';

import { SECURITY_SCHEMES } from '../auth/auth.decorator';
import { documentRouteAliases } from './route-aliases';

/**
 * Swagger UI at `/docs` and the document at `/docs-json` (D18), with the three ways to send a
 * token (D3) and the operator's ADMIN_TOKEN. Route arrays are documented as D22 aliases
 * ({@link documentRouteAliases}).
 */
export function setupOpenApi(app: NestFastifyApplication, version: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Wharf')
      .setDescription(
        'Self-hosted WhatsApp HTTP API gateway, compatible with RyzeAPI. Errors use the envelope `{ success: false, error: { message, code, details? } }` (D2); every response carries `X-Request-Id` and the `X-RateLimit-*` headers (D5).\n\n' +
          '**Events** (webhooks and WebSocket) use the `EventEnvelope` schema; `data` is one of the `Event*Data` schemas. ' +
          'Webhook deliveries carry `Content-Type: application/json`, `User-Agent: Wharf/<version>`, `webhook-id` (the eventId, the same on every retry), ' +
          '`webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>` — the Standard Webhooks scheme; ' +
          'the key is the base64 part of the `whsec_` secret; during a secret rotation two signatures are sent (D6).',
      )
      .setVersion(version)
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'token',
          description: 'TokenAccount or TokenInstance',
        },
        SECURITY_SCHEMES.token,
      )
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'TokenAccount or TokenInstance' },
        SECURITY_SCHEMES.bearer,
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'apikey',
          description: 'TokenAccount or TokenInstance',
        },
        SECURITY_SCHEMES.apikey,
      )
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'The operator ADMIN_TOKEN (D4)' },
        SECURITY_SCHEMES.admin,
      )
      .build(),
    { extraModels: EVENT_SCHEMAS },
  );
  documentRouteAliases(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
}
