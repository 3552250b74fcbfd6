import { MikroORM } from '@mikro-orm/core';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import { AppModule } from './app.module';
import {
  answerClientError,
  answerFrameworkError,
  MAX_PARAM_LENGTH,
  registerUrlHygieneHook,
} from './common/http/edge-errors';
import { registerJsonBodyParser } from './common/http/json-body.parser';
import { requestId } from './common/http/request-id';
import { HttpMetrics } from './common/metrics/http.metrics';
import { setupOpenApi } from './common/openapi/openapi';
import { AllConfig, loadAllConfig } from './config';
import { WHARF_VERSION } from './version';

/**
 * Builds the Wharf application without listening: validates the configuration (throws
 * `ConfigError`), applies pending migrations (D19), and wires Fastify (request id, JSON parsing,
 * the edge refusals of `edge-errors.ts` in the D2 envelope, CORS per D21, metrics) and OpenAPI
 * (D18). `main.ts` and the e2e tests share it.
 */
export async function createApp(): Promise<NestFastifyApplication> {
  const config = loadAllConfig();
  const adapter = new FastifyAdapter({
    genReqId: requestId,
    bodyLimit: config.app.bodyLimitBytes,
    trustProxy: config.app.trustProxy,
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: MAX_PARAM_LENGTH,
    },
    // Errors raised before Nest sees the request (router, Node's HTTP parser) in the D2 envelope.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    adapter,
    {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(HttpMetrics);
  fastify.addHook('onRequest', async (request, reply) => {
    (request.raw as typeof request.raw & { id?: string }).id = request.id;
    void reply.header('X-Request-Id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  registerUrlHygieneHook(fastify);
  registerJsonBodyParser(fastify);
  // Graceful stop: a request still being answered when the server begins to close (a synchronous
  // send released by the stop, for one) would leave its keep-alive connection open afterwards, and
  // the close would wait for Fastify's 72 s keep-alive timeout — past main.ts's 25 s guard.
  // Answers sent from then on carry `Connection: close`, so Node closes their sockets.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });

  const origins = app.get(ConfigService<AllConfig, true>).get('app.corsOrigins', { infer: true });
  app.enableCors({
    origin: origins.includes('*') ? '*' : origins.length ? origins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'token',
      'apikey',
      'Idempotency-Key',
      'Prefer',
    ],
    exposedHeaders: [
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'Retry-After',
      'X-Request-Id',
    ],
    maxAge: 600,
    credentials: false,
  });

  if (config.database.migrateOnStart) await app.get(MikroORM).migrator.up();
  if (config.app.docsEnabled) setupOpenApi(app, WHARF_VERSION);
  return app;
}
