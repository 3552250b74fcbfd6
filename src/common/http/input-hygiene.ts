/**
 * What Wharf refuses at the edge because no route could handle it (issue 11, S1: bad input never
 * answers 500): text the databases cannot store, and JSON nested deeper than any request needs.
 * Framework-free, so the JSON body parser, the URL hook and the WebSocket upgrade share it.
 */

/** Deepest JSON nesting a request body may have (objects and arrays; the top level is 1). */
export const MAX_BODY_DEPTH = 32;

/**
 * Most items of one JSON array, and most properties of one JSON object, in a request body. The
 * largest list a route takes is 1,024 (`mention`); a longer one is refused before class-transformer
 * and class-validator walk it (100,000 carousel cards took 8 s to refuse, 100,000 unknown keys 11 s).
 */
export const MAX_BODY_MEMBERS = 1024;

/** Why {@link isStorableText} fails, as a validation message (after the field name). */
export const UNSTORABLE_TEXT = 'must not contain NUL characters or unpaired UTF-16 surrogates';

type WellFormed = string & { isWellFormed(): boolean };

/**
 * True when both databases can store `text` unchanged: no NUL (U+0000: PostgreSQL refuses it in
 * `text` and `jsonb`, libSQL in bound strings) and no unpaired UTF-16 surrogate (PostgreSQL's
 * `jsonb` refuses the escape; a `text` column would silently get U+FFFD instead).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && (text as WellFormed).isWellFormed();
}

/** A problem {@link inspectJson} found. `path` is dotted like validation details (`cards.0.title`). */
export type JsonProblem =
  | { kind: 'depth' }
  | { kind: 'size'; path: string }
  | { kind: 'text'; path: string }
  | { kind: 'key'; path: string };

interface Frame {
  value: object;
  depth: number;
  key: string | null;
  parent: Frame | null;
}

function pathOf(frame: Frame, last?: string): string {
  const parts: string[] = last === undefined ? [] : [last];
  for (let at: Frame | null = frame; at && at.key !== null; at = at.parent) parts.unshift(at.key);
  return parts.join('.');
}

/**
 * Walks a parsed JSON value once, without recursion (a deep value cannot overflow the stack), and
 * returns the first problem: nesting deeper than `maxDepth`, an array or object with more than
 * {@link MAX_BODY_MEMBERS} members (`path` names it), a string value that
 * {@link isStorableText} refuses (`path` names it), or such an object key (`path` names the
 * object holding it; the key itself is not repeated). `null` when the value is acceptable.
 * Linear in the size of the value.
 */
export function inspectJson(
  value: unknown,
  maxDepth = MAX_BODY_DEPTH,
  maxMembers = MAX_BODY_MEMBERS,
): JsonProblem | null {
  if (typeof value === 'string') return isStorableText(value) ? null : { kind: 'text', path: '' };
  if (typeof value !== 'object' || value === null) return null;
  const stack: Frame[] = [{ value, depth: 1, key: null, parent: null }];
  const visit = (frame: Frame, key: string, item: unknown): JsonProblem | null => {
    if (typeof item === 'string') {
      if (!isStorableText(item)) return { kind: 'text', path: pathOf(frame, key) };
    } else if (typeof item === 'object' && item !== null) {
      if (frame.depth >= maxDepth) return { kind: 'depth' };
      stack.push({ value: item, depth: frame.depth + 1, key, parent: frame });
    }
    return null;
  };
  while (stack.length) {
    const frame = stack.pop()!;
    if (Array.isArray(frame.value)) {
      const items = frame.value as unknown[];
      if (items.length > maxMembers) return { kind: 'size', path: pathOf(frame) };
      for (let index = 0; index < items.length; index++) {
        const problem = visit(frame, String(index), items[index]);
        if (problem) return problem;
      }
      continue;
    }
    let members = 0;
    for (const key in frame.value) {
      if (!Object.prototype.hasOwnProperty.call(frame.value, key)) continue;
      if (++members > maxMembers) return { kind: 'size', path: pathOf(frame) };
      if (!isStorableText(key)) return { kind: 'key', path: pathOf(frame) };
      const problem = visit(frame, key, (frame.value as Record<string, unknown>)[key]);
      if (problem) return problem;
    }
  }
  return null;
}

/**
 * The first path parameter or query key/value of a request that {@link isStorableText} refuses,
 * as the field name to report (`instance`, `label`; `query` when a key itself is refused), or
 * `null`. Query values may be strings or arrays of strings (a repeated key).
 */
export function unstorableUrlField(
  params: Record<string, unknown> | null | undefined,
  query: Record<string, unknown> | null | undefined,
): string | null {
  for (const [name, value] of Object.entries(params ?? {}))
    if (typeof value === 'string' && !isStorableText(value)) return name;
  for (const [key, value] of Object.entries(query ?? {})) {
    if (!isStorableText(key)) return 'query';
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && !isStorableText(v))) return key;
  }
  return null;
}
