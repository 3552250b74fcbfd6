import { ConfigError, withEnvironment } from './index';
import { loadMediaConfig } from './media.config';

describe('media configuration (D12)', () => {
  it('defaults to 64 MiB, 60 s and ffmpeg on the PATH', () => {
    expect(withEnvironment({}, loadMediaConfig)).toEqual({
      maxBytes: 64 * 1024 * 1024,
      fetchTimeoutMs: 60_000,
      ffmpegPath: 'ffmpeg',
    });
  });

  it('reads MEDIA_MAX_BYTES and refuses values that are not whole numbers in range', () => {
    expect(withEnvironment({ MEDIA_MAX_BYTES: '2000000' }, loadMediaConfig).maxBytes).toBe(
      2_000_000,
    );
    for (const bad of ['64MB', '-1', '10', '1.5'])
      expect(() => withEnvironment({ MEDIA_MAX_BYTES: bad }, loadMediaConfig)).toThrow(ConfigError);
  });
});
