import { reconnectDelayMs } from './reconnect-policy';

describe('reconnectDelayMs (D10)', () => {
  it('doubles from 1 s and caps at 5 min', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((n) => reconnectDelayMs(n, 1000, 300_000, top))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(reconnectDelayMs(20, 1000, 300_000, top)).toBe(300_000);
  });

  it('jitters within the upper half of each step', () => {
    expect(reconnectDelayMs(3, 1000, 300_000, () => 0)).toBe(2000);
    for (let i = 0; i < 100; i++) {
      const delay = reconnectDelayMs(5, 1000, 300_000);
      expect(delay).toBeGreaterThanOrEqual(8000);
      expect(delay).toBeLessThanOrEqual(16000);
    }
  });
});
