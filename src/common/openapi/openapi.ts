import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { SECURITY_SCHEMES } from '../auth/auth.decorator';

/**
 * Swagger UI at `/docs` and the document at `/docs-json` (D18), with the three ways to send a
 * token (D3) and the operator's ADMIN_TOKEN.
 */
export function setupOpenApi(app: NestFastifyApplication, version: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Wharf')
      .setDescription(
        'Self-hosted WhatsApp HTTP API gateway, compatible with RyzeAPI. Errors use the envelope `{ success: false, error: { message, code, details? } }` (D2); every response carries `X-Request-Id` and the `X-RateLimit-*` headers (D5).',
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
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
}
