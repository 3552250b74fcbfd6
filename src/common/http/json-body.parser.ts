import type { FastifyInstance } from 'fastify';

/**
 * Stands in for a body that is not valid JSON. Parsing does not fail the request, so that
 * authentication and rate limiting answer first; the validation pipe then refuses it with
 * 400 `Invalid request body` on every route that reads a body.
 */
export const MALFORMED_BODY = Object.freeze({ __wharfMalformedJson: true });

/**
 * Replaces Fastify's JSON parser so that an empty body with `Content-Type: application/json`
 * (common from clients on GET/DELETE) counts as no body, while malformed JSON becomes
 * {@link MALFORMED_BODY} (API.md §3.1 `Invalid request body`). Prototype-poisoning protection
 * stays Fastify's own.
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
      if (error) done(null, MALFORMED_BODY);
      else done(null, value);
    });
  });
}
