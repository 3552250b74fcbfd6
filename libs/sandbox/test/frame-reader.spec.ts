import { frame, FrameReader } from '../src/noise';

describe('FrameReader', () => {
  it('strips the WA intro header and reassembles frames split across chunks', () => {
    const reader = new FrameReader();
    const bytes = Buffer.concat([
      Buffer.from('WA\x06\x03', 'latin1'),
      frame(Buffer.from('hello')),
      frame(Buffer.from('world!')),
    ]);
    expect(reader.push(bytes.subarray(0, 2))).toEqual([]);
    expect(reader.push(bytes.subarray(2, 10))).toEqual([]);
    expect(reader.push(bytes.subarray(10, 14)).map(String)).toEqual(['hello']);
    expect(reader.push(bytes.subarray(14)).map(String)).toEqual(['world!']);
  });

  it('skips routing info in an ED intro header', () => {
    const routing = Buffer.from([1, 2, 3, 4, 5]);
    const header = Buffer.concat([
      Buffer.from('ED\x00\x01', 'latin1'),
      Buffer.from([0, 0, routing.length]),
      routing,
      Buffer.from('WA\x06\x03', 'latin1'),
    ]);
    const reader = new FrameReader();
    expect(reader.push(Buffer.concat([header, frame(Buffer.from('x'))])).map(String)).toEqual([
      'x',
    ]);
  });

  it('rejects a stream that does not start with an intro header', () => {
    expect(() => new FrameReader().push(Buffer.from('GET / HTTP/1.1'))).toThrow('bad intro header');
  });
});
