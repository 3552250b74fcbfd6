import { inspectJson, isStorableText, unstorableUrlField } from './input-hygiene';

describe('isStorableText', () => {
  it('accepts ordinary text, emoji (paired surrogates) and other control characters', () => {
    for (const text of ['', 'hello', 'olá 👍', 'tab\tnew\nline', '\u0001'])
      expect([text, isStorableText(text)]).toEqual([text, true]);
  });
  it('refuses NUL and unpaired surrogates', () => {
    for (const text of ['a\u0000b', '\ud800', 'x\udc00', '\ud83d'])
      expect([text, isStorableText(text)]).toEqual([text, false]);
  });
});

describe('inspectJson', () => {
  it('accepts values within the depth limit', () => {
    expect(inspectJson({ a: [{ b: 'c' }], n: 1, z: null })).toBeNull();
    expect(inspectJson(JSON.parse(`${'['.repeat(32)}${']'.repeat(32)}`))).toBeNull();
  });
  it('refuses nesting deeper than the limit without recursing', () => {
    expect(inspectJson(JSON.parse(`${'['.repeat(33)}${']'.repeat(33)}`))).toEqual({
      kind: 'depth',
    });
    expect(inspectJson(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toEqual({
      kind: 'depth',
    });
    expect(inspectJson({ a: { b: {} } }, 2)).toEqual({ kind: 'depth' });
  });
  it('refuses arrays and objects with more members than the limit, naming them', () => {
    expect(inspectJson({ list: Array(1024).fill(1) })).toBeNull();
    expect(inspectJson({ a: { list: Array(1025).fill(1) } })).toEqual({
      kind: 'size',
      path: 'a.list',
    });
    const wide = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`k${i}`, i]));
    expect(inspectJson(wide)).toEqual({ kind: 'size', path: '' });
  });
  it('names the first unstorable string by its dotted path, and keys by their object', () => {
    expect(inspectJson({ cards: [{ header: { title: 'a\u0000' } }] })).toEqual({
      kind: 'text',
      path: 'cards.0.header.title',
    });
    expect(inspectJson({ outer: { 'k\ud800': 1 } })).toEqual({ kind: 'key', path: 'outer' });
    expect(inspectJson({ 'k\u0000': 1 })).toEqual({ kind: 'key', path: '' });
    expect(inspectJson('\u0000')).toEqual({ kind: 'text', path: '' });
  });
  it('walks 100,000 array items quickly', () => {
    const started = Date.now();
    const events = Array.from({ length: 100_000 }, () => 'message.exchange');
    expect(inspectJson({ events }, 32, Infinity)).toBeNull();
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('unstorableUrlField', () => {
  it('names the parameter or query key that holds unstorable text', () => {
    expect(unstorableUrlField({ instance: 'a1' }, { label: 'x' })).toBeNull();
    expect(unstorableUrlField({ instance: 'a\u0000' }, {})).toBe('instance');
    expect(unstorableUrlField({}, { label: ['ok', '\ud800'] })).toBe('label');
    expect(unstorableUrlField({}, { 'k\u0000': 'v' })).toBe('query');
    expect(unstorableUrlField(null, undefined)).toBeNull();
  });
});
