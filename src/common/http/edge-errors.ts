import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import { HttpStatus } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { DomainError, ValidationFailedError } from '../errors/domain-error';
import { errorEnvelope } from '../errors/error-envelope';
import { UNSTORABLE_TEXT, unstorableUrlField } from './input-hygiene';

/** Longest path parameter the router accepts, characters (`maxParamLength`; names are ≤ 100). */
export const MAX_PARAM_LENGTH = 500;

/**
 * The D2 error of a request Fastify's router refuses before any hook or Nest handler runs:
 * 400 `INVALID_URL` (malformed percent-encoding, `%zz`), 414 `URI_TOO_LONG` (a path parameter
 * over {@link MAX_PARAM_LENGTH}). The message never repeats the URL.
 */
export function routerError(error: Pick<FastifyError, 'code'>): DomainError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new DomainError(400, 'INVALID_URL', 'Invalid URL: malformed percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new DomainError(
        414,
        'URI_TOO_LONG',
        `Request URI too long: a path parameter exceeds ${MAX_PARAM_LENGTH} characters`,
      );
    default:
      return new DomainError(500, 'INTERNAL_ERROR', 'Internal server error');
  }
}

/** Fastify `frameworkErrors`: answers {@link routerError} in the D2 envelope, with X-Request-Id. */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const domain = routerError(error);
  void reply
    .header('X-Request-Id', request.id)
    .status(domain.status)
    .send(errorEnvelope(domain.message, domain.code));
}

/**
 * The D2 error for an HTTP message Node's parser refuses (no request object exists yet):
 * 431 `HEADERS_TOO_LARGE` (request line and headers over Node's 16 KB, e.g. a long query string),
 * 408 `REQUEST_TIMEOUT`, otherwise 400 `MALFORMED_REQUEST`.
 */
export function clientError(code: string | undefined): DomainError {
  if (code === 'HPE_HEADER_OVERFLOW')
    return new DomainError(
      431 as HttpStatus,
      'HEADERS_TOO_LARGE',
      'Request header fields too large',
    );
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new DomainError(408, 'REQUEST_TIMEOUT', 'Request timeout');
  return new DomainError(400, 'MALFORMED_REQUEST', 'Malformed HTTP request');
}

/**
 * Fastify `clientErrorHandler`: writes {@link clientError} in the D2 envelope (with a fresh
 * X-Request-Id) straight to the socket and closes it, as Node and Fastify do by default — but in
 * Wharf's envelope instead of theirs.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const domain = clientError(error.code);
    const body = JSON.stringify(errorEnvelope(domain.message, domain.code));
    socket.write(
      `HTTP/1.1 ${domain.status} ${STATUS_CODES[domain.status] ?? 'Error'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${randomUUID()}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** 400 `VALIDATION_FAILED` for a URL part named `field` that {@link UNSTORABLE_TEXT} refuses. */
export function unstorableFieldError(field: string): ValidationFailedError {
  const message = `${field} ${UNSTORABLE_TEXT}`;
  return new ValidationFailedError(`Invalid request body: ${message}`, [{ field, message }]);
}

/**
 * `onRequest` hook: a path parameter, query key or query value with text the databases cannot
 * store (NUL, unpaired surrogates; see `input-hygiene.ts`) answers 400 `VALIDATION_FAILED`
 * before authentication, like a malformed URL. Unknown routes are left to the 404 of D24.
 */
export function registerUrlHygieneHook(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const field = unstorableUrlField(
      request.params as Record<string, unknown>,
      request.query as Record<string, unknown>,
    );
    if (!field) return;
    const error = unstorableFieldError(field);
    return reply.status(error.status).send(errorEnvelope(error.message, error.code, error.details));
  });
}
