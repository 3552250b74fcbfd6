import { RangeNotSatisfiableError } from './media.errors';
import { extensionFor, fileNameOf, parseRange } from './media-files';

describe('parseRange (RFC 9110 §14, D15)', () => {
  it('answers the whole file without a usable bytes range', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('items=0-5', 100)).toBeNull();
    expect(parseRange('bytes=0-1, 5-6', 100)).toBeNull();
  });

  it('reads start-end, open-ended and suffix ranges, clamping the end', () => {
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });

  it.each(['bytes=100-', 'bytes=20-10', 'bytes=-0', 'bytes=-', 'bytes=a-b'])(
    'refuses %s with 416 and Content-Range bytes */size',
    (header) => {
      let error: unknown;
      try {
        parseRange(header, 100);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RangeNotSatisfiableError);
      expect((error as RangeNotSatisfiableError).headers).toEqual({
        'Content-Range': 'bytes */100',
      });
    },
  );
});

describe('media file names (D15)', () => {
  it('keeps WhatsApp’s name, else names the file after the message and its MIME type', () => {
    const media = { type: 'image', mimetype: 'image/jpeg', fileName: null, size: 1, sha256: null };
    expect(fileNameOf('3EB0AA', media)).toBe('3EB0AA.jpg');
    expect(fileNameOf('3EB0AA', { ...media, fileName: 'cat.jpeg' })).toBe('cat.jpeg');
    expect(extensionFor('audio/ogg; codecs=opus')).toBe('.ogg');
    expect(extensionFor('audio/mpeg')).toBe('.mp3');
    expect(extensionFor('application/x-unknown-thing')).toBe('');
    expect(extensionFor(null)).toBe('');
  });
});
