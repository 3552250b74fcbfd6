/**
 * `send`: end-to-end sends to a sandbox phone (accepted → received by the phone), N messages,
 * Wharf (one linked instance, `Prefer: respond-async`) against a bare Baileys socket sending the
 * same texts to the same phone through the same sandbox. Target (issue 6): ratio ≥ 0.8.
 */
import { join } from 'node:path';

import { Api } from '../../test/support/http';
import { startTestSandbox } from '../../test/support/sessions';
import { waitUntil } from '../../test/support/wait';
import { BaileysFloor } from '../support/child';
import { profileArgs, reportProfile } from '../support/cpuprofile';
import {
  newResult,
  printTable,
  printTargets,
  ratio,
  RESULTS_DIR,
  type ScenarioResult,
} from '../support/report';
import {
  linkInstances,
  phoneNumber,
  startBenchWharf,
  stopWharf,
  TEST_DIALECT,
} from '../support/wharf';
import type { BenchOptions } from './options';

export async function runSend(options: BenchOptions): Promise<ScenarioResult> {
  const n = options.n ?? (options.quick ? 20 : 500);
  const result = newResult('send', options.quick, TEST_DIALECT, { messages: n });
  const sandbox = await startTestSandbox();
  const target = phoneNumber(29, 0);
  sandbox.createPhone(target, 'Target');
  const received = (prefix: string) =>
    sandbox.messages(target).messages.filter((m) => m.text?.startsWith(prefix)).length;
  const profileDir = join(RESULTS_DIR, 'profiles-send');
  const wharf = await startBenchWharf(
    sandbox,
    {},
    { nodeArgs: profileArgs(profileDir, options.profile) },
  );
  let wharfStopped = false;
  let floor: BaileysFloor | undefined;
  try {
    const { instances } = await linkInstances(wharf, sandbox, 1, { series: 20 });
    const instance = instances[0];
    const api = new Api(wharf.url);

    // Wharf: every send accepted (202 queued) as fast as the API takes them, then delivered.
    const texts = Array.from({ length: n }, (_, i) => `wharf-${i}`);
    const started = performance.now();
    let next = 0;
    const post = async () => {
      while (next < n) {
        const text = texts[next++];
        const res = await api.post(`/api/message/text/${instance.name}`, {
          token: instance.token,
          headers: { prefer: 'respond-async' },
          body: { number: target, text },
        });
        if (res.status !== 202) throw new Error(`send answered ${res.status}: ${res.text}`);
      }
    };
    await Promise.all(Array.from({ length: 10 }, post));
    const acceptedMs = performance.now() - started;
    await waitUntil(
      'the phone to receive every Wharf send',
      () => received('wharf-') >= n,
      600_000,
      20,
    );
    const wharfMs = performance.now() - started;

    // Floor: a bare Baileys socket, linked to its own phone, sends the same texts.
    floor = await BaileysFloor.start(sandbox, (index) => phoneNumber(21, index));
    sandbox.createPhone(phoneNumber(21, 0), 'Floor');
    await floor.connect(1);
    const floorTexts = texts.map((_, i) => `floor-${i}`);
    const floorStarted = performance.now();
    const floorSendMs = await floor.send(0, `${target}@s.whatsapp.net`, floorTexts);
    await waitUntil(
      'the phone to receive every floor send',
      () => received('floor-') >= n,
      600_000,
      20,
    );
    const floorMs = performance.now() - floorStarted;

    const wharfRate = (n / wharfMs) * 1000;
    const floorRate = (n / floorMs) * 1000;
    result.figures = {
      wharf: { acceptedMs, receivedMs: wharfMs, messagesPerSecond: wharfRate },
      floor: { sendCallsMs: floorSendMs, receivedMs: floorMs, messagesPerSecond: floorRate },
    };
    result.ratios = { wharfOverFloor: ratio(wharfRate, floorRate) };
    result.targets = [
      {
        target: 'send ratio ≥ 0.8',
        value: result.ratios.wharfOverFloor,
        met: (result.ratios.wharfOverFloor ?? 0) >= 0.8,
      },
    ];
    result.notes.push(
      'Time runs from the first API call (Wharf) / first sendMessage (floor) until the target phone has received all N; both send one after another per sender (Wharf keeps one ordered lane per instance).',
    );
    printTable(`send: ${n} messages to one sandbox phone`, [
      {
        side: 'Wharf',
        'accept all (ms)': acceptedMs,
        'all received (ms)': wharfMs,
        'msgs/s': wharfRate,
      },
      {
        side: 'bare Baileys',
        'accept all (ms)': floorSendMs,
        'all received (ms)': floorMs,
        'msgs/s': floorRate,
      },
      { side: 'ratio', 'msgs/s': result.ratios.wharfOverFloor },
    ]);
    if (options.profile) {
      await floor.close();
      floor = undefined;
      await stopWharf(wharf, false);
      wharfStopped = true;
      reportProfile('send', profileDir, result.figures);
    }
    printTargets(result);
    return result;
  } finally {
    await floor?.close();
    if (!wharfStopped) await wharf.close();
    await sandbox.close();
  }
}
