import { extractToken } from './token-extractor';

describe('extractToken (D3)', () => {
  it('prefers the token header, then Bearer, then apikey', () => {
    expect(extractToken({ headers: { token: 'a', authorization: 'Bearer b', apikey: 'c' } })).toBe(
      'a',
    );
    expect(extractToken({ headers: { authorization: 'Bearer b', apikey: 'c' } })).toBe('b');
    expect(extractToken({ headers: { apikey: 'c' } })).toBe('c');
  });

  it('accepts any case of the Bearer scheme and ignores other schemes', () => {
    expect(extractToken({ headers: { authorization: 'bearer xyz' } })).toBe('xyz');
    expect(extractToken({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toBeUndefined();
  });

  it('reads ?token= only when allowed (WebSocket upgrade, D8)', () => {
    const source = { headers: {}, query: { token: 'q' } };
    expect(extractToken(source)).toBeUndefined();
    expect(extractToken(source, true)).toBe('q');
  });

  it('treats blank values as missing', () => {
    expect(extractToken({ headers: { token: '   ' } })).toBeUndefined();
  });
});
