import type { FastifyInstance } from 'fastify';

import { InvalidBodyError } from '../errors';

/**
 * Replaces Fastify's JSON parser so that an empty body with `Content-Type: application/json`
 * (common from clients on GET/DELETE) counts as no body, while malformed JSON answers
 * 400 `Invalid request body` (API.md §3.1). Prototype-poisoning protection stays Fastify's own.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parse(request, text, (error, value) => {
      if (error) done(new InvalidBodyError(), undefined);
      else done(null, value);
    });
  });
}
