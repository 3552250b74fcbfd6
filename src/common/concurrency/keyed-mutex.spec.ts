import { KeyedMutex } from './keyed-mutex';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedMutex', () => {
  it('runs sections of one key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const section = (name: string, ms: number) =>
      mutex.run('a', async () => {
        log.push(`${name}>`);
        await tick(ms);
        log.push(`<${name}`);
        return name;
      });
    const results = await Promise.all([section('1', 20), section('2', 1), section('3', 5)]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['1>', '<1', '2>', '<2', '3>', '<3']);
    expect(mutex.size).toBe(0);
  });

  it('lets different keys run side by side and a failure not block the next section', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const slow = mutex.run('a', async () => {
      await tick(30);
      log.push('a');
    });
    const fast = mutex.run('b', async () => {
      log.push('b');
    });
    const failing = mutex.run('a', () => Promise.reject(new Error('boom')));
    const after = mutex.run('a', () => Promise.resolve('after'));
    await Promise.all([slow, fast]);
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('after');
    expect(log).toEqual(['b', 'a']);
  });
});
