import type { FastifyInstance } from 'fastify';

import { DomainError, InvalidBodyError, ValidationFailedError } from '../errors';
import { inspectJson, MAX_BODY_DEPTH, MAX_BODY_MEMBERS, UNSTORABLE_TEXT } from './input-hygiene';

/**
 * Stands in for a body Wharf refuses to hand to a route: not valid JSON, nested deeper than
 * {@link MAX_BODY_DEPTH}, a list or object over {@link MAX_BODY_MEMBERS}, or holding text the
 * databases cannot store. Parsing does not fail the request, so that authentication and rate
 * limiting answer first; the validation pipe then throws {@link RefusedBody.error} (400) on every
 * route that reads a body.
 */
export class RefusedBody {
  constructor(readonly error: DomainError) {
    Object.freeze(this);
  }
}

/** The body that is not valid JSON: 400 `Invalid request body` (docs/API.md §3.1). */
export const MALFORMED_BODY = new RefusedBody(new InvalidBodyError());

const TOO_DEEP = new RefusedBody(
  new DomainError(
    400,
    InvalidBodyError.code,
    `Invalid request body: JSON nested deeper than ${MAX_BODY_DEPTH} levels`,
  ),
);

function tooLarge(path: string): RefusedBody {
  const field = path || 'body';
  const message = `${field} must have at most ${MAX_BODY_MEMBERS} items or properties`;
  return new RefusedBody(
    new ValidationFailedError(`Invalid request body: ${message}`, [{ field, message }]),
  );
}

function unstorable(path: string, key: boolean): RefusedBody {
  const field = path || 'body';
  const message = key
    ? `${field} has a property name that ${UNSTORABLE_TEXT}`
    : `${field} ${UNSTORABLE_TEXT}`;
  return new RefusedBody(
    new ValidationFailedError(`Invalid request body: ${message}`, [{ field, message }]),
  );
}

/**
 * Replaces Fastify's JSON parser so that an empty body with `Content-Type: application/json`
 * (common from clients on GET/DELETE) counts as no body, while malformed JSON, JSON nested deeper
 * than {@link MAX_BODY_DEPTH} (validation of such a value would overflow the stack), arrays or
 * objects over {@link MAX_BODY_MEMBERS} members (validation would take seconds) and strings or
 * keys with NUL or unpaired surrogates (the databases refuse them) become a {@link RefusedBody}.
 * Prototype-poisoning protection stays Fastify's own.
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
      if (error) {
        done(null, MALFORMED_BODY);
        return;
      }
      const problem = inspectJson(value);
      if (!problem) done(null, value);
      else if (problem.kind === 'depth') done(null, TOO_DEEP);
      else if (problem.kind === 'size') done(null, tooLarge(problem.path));
      else done(null, unstorable(problem.path, problem.kind === 'key'));
    });
  });
}
