/**
 * `soak --minutes M`: K instances linked to sandbox phones exchange messages at a steady rate
 * for M minutes — each tick one instance sends a text through the API (`Prefer: respond-async`)
 * to its peer phone and the peer phone sends one back — with a webhook per instance delivering
 * every event to a local receiver. Wharf's RSS (/proc), heap and event-loop lag p99 (`/metrics`,
 * prom-client default metrics, reset at each scrape) are sampled throughout. Reports the RSS
 * slope per hour after the first 10 minutes (with shorter runs: after the first third), RSS
 * growth per 1,000 messages over the same window, and the event-loop lag p99.
 * Target (issue 6): slope ≤ 5 % per hour, no growth proportional to message count.
 */
import { Api } from '../../test/support/http';
import { startTestSandbox } from '../../test/support/sessions';
import { startBenchReceiver } from '../support/receiver';
import {
  newResult,
  percentile,
  printTable,
  printTargets,
  round2,
  type ScenarioResult,
} from '../support/report';
import {
  linkInstances,
  phoneNumber,
  rssMB,
  scrapeMetrics,
  sleep,
  startBenchWharf,
  stopWharf,
  TEST_DIALECT,
} from '../support/wharf';
import type { BenchOptions } from './options';

interface SoakSample {
  seconds: number;
  rssMB: number;
  heapMB: number;
  eventLoopLagP99Ms: number | null;
  messages: number;
  deliveries: number;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

export async function runSoak(options: BenchOptions): Promise<ScenarioResult> {
  const seconds = options.minutes ? options.minutes * 60 : options.quick ? 4 : 12 * 60;
  const sessions = options.n ?? (options.quick ? 1 : 10);
  const rate = options.rate ?? (options.quick ? 4 : 10);
  const sampleEvery = options.quick ? 2 : 15;
  const skipSeconds = seconds >= 12 * 60 ? 600 : Math.round(seconds / 3);
  const result = newResult('soak', options.quick, TEST_DIALECT, {
    seconds,
    sessions,
    messagesPerSecond: rate,
    sampleEverySeconds: sampleEvery,
    slopeAfterSeconds: skipSeconds,
  });
  const sandbox = await startTestSandbox();
  const receiver = await startBenchReceiver();
  const wharf = await startBenchWharf(sandbox);
  try {
    const api = new Api(wharf.url);
    const { instances } = await linkInstances(wharf, sandbox, sessions, { series: 60 });
    const peers = instances.map((_, i) => phoneNumber(61, i));
    peers.forEach((number, i) => sandbox.createPhone(number, `Peer ${i}`));
    for (const instance of instances) {
      const res = await api.post(`/api/events/webhook/${instance.name}`, {
        token: instance.token,
        body: { label: 'soak', url: `${receiver.url}/hook` },
      });
      if (res.status !== 200) throw new Error(`webhook not set: ${res.status} ${res.text}`);
    }

    let messages = 0;
    let failures = 0;
    const failureReasons = new Map<string, number>();
    const samples: SoakSample[] = [];
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const sample = async () => {
      const metrics = await scrapeMetrics(wharf);
      const lag = metrics.get('wharf_nodejs_eventloop_lag_p99_seconds');
      samples.push({
        seconds: elapsed(),
        rssMB: rssMB(wharf.process.child.pid) ?? NaN,
        heapMB: (metrics.get('wharf_nodejs_heap_size_used_bytes') ?? NaN) / 1024 / 1024,
        eventLoopLagP99Ms: lag === undefined ? null : lag * 1000,
        messages,
        deliveries: receiver.arrivals.length,
      });
    };
    await sample();
    let nextSample = sampleEvery;
    let tick = 0;
    const interval = 1000 / rate;
    while (elapsed() < seconds) {
      const i = tick % instances.length;
      const instance = instances[i];
      const exchange =
        tick % 2 === 0
          ? api
              .post(`/api/message/text/${instance.name}`, {
                token: instance.token,
                headers: { prefer: 'respond-async' },
                body: { number: peers[i], text: `soak out ${tick}` },
              })
              .then((res) => {
                if (res.status !== 202)
                  throw new Error(`API send answered ${res.status} ${res.body?.error?.code ?? ''}`);
              })
          : sandbox.sendMessage(peers[i], { to: instance.number, text: `soak in ${tick}` });
      exchange.then(
        () => messages++,
        (error: unknown) => {
          failures++;
          const reason = (error instanceof Error ? error.message : String(error)).slice(0, 80);
          failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
        },
      );
      tick++;
      if (elapsed() >= nextSample) {
        nextSample += sampleEvery;
        await sample();
      }
      const wait = started + tick * interval - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await sample();

    const window = samples.filter((s) => s.seconds >= skipSeconds);
    const rssSlopePerSecond = slope(window.map((s) => [s.seconds, s.rssMB]));
    const meanRss = window.reduce((a, s) => a + s.rssMB, 0) / Math.max(1, window.length);
    const slopePercentPerHour =
      rssSlopePerSecond === null ? null : ((rssSlopePerSecond * 3600) / meanRss) * 100;
    const perThousandMessages = slope(window.map((s) => [s.messages / 1000, s.rssMB]));
    const lags = samples.map((s) => s.eventLoopLagP99Ms).filter((v): v is number => v !== null);
    const figures = {
      samples,
      messagesExchanged: messages,
      failures,
      failureReasons: Object.fromEntries(failureReasons),
      rssSlopeMBPerHour: rssSlopePerSecond === null ? null : rssSlopePerSecond * 3600,
      rssSlopePercentPerHour: slopePercentPerHour,
      rssMBPer1000Messages: perThousandMessages,
      heapSlopeMBPerHour: (slope(window.map((s) => [s.seconds, s.heapMB])) ?? NaN) * 3600,
      eventLoopLagP99Ms: {
        medianOfSamples: percentile(lags, 50),
        maxOfSamples: percentile(lags, 100),
      },
    };
    result.figures = figures;
    printTable(
      `soak: ${sessions} sessions, ${rate} msgs/s, ${Math.round(seconds / 60)} min (samples)`,
      samples
        .filter(
          (_, i) =>
            i % Math.max(1, Math.floor(samples.length / 12)) === 0 || i === samples.length - 1,
        )
        .map((s) => ({
          s: s.seconds,
          'RSS MB': s.rssMB,
          'heap MB': s.heapMB,
          'loop lag p99 ms': s.eventLoopLagP99Ms,
          messages: s.messages,
          deliveries: s.deliveries,
        })),
    );
    printTable('soak: summary', [
      {
        messages: messages,
        failures,
        [`RSS slope after ${skipSeconds} s (%/h)`]: slopePercentPerHour,
        'RSS MB/h': figures.rssSlopeMBPerHour,
        'RSS MB per 1k msgs': perThousandMessages,
        'loop lag p99 median ms': figures.eventLoopLagP99Ms.medianOfSamples,
        'loop lag p99 max ms': figures.eventLoopLagP99Ms.maxOfSamples,
      },
    ]);
    result.targets = [
      {
        target: 'RSS slope ≤ 5 % per hour (after the first 10 min)',
        value: slopePercentPerHour === null ? null : round2(slopePercentPerHour),
        met: seconds >= 12 * 60 && slopePercentPerHour !== null ? slopePercentPerHour <= 5 : null,
      },
    ];
    if (seconds < 12 * 60)
      result.notes.push(
        `Run shorter than 12 min: the slope is taken after the first third (${skipSeconds} s) and is not judged against the target.`,
      );
    result.notes.push(
      'RSS per 1,000 messages is the least-squares slope of RSS over the message count in the same window; with a steady rate it is the time slope in other units, so read it together with the heap slope.',
    );
    printTargets(result);
    return result;
  } finally {
    const stopped = await stopWharf(wharf, true, options.quick ? 5_000 : undefined);
    if (stopped.error) result.notes.push(`Stopping Wharf failed: ${stopped.error}`);
    await receiver.close();
    await sandbox.close();
  }
}
