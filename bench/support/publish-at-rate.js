/**
 * Publishes events AT A FIXED RATE through Wharf's own code path (EventsService.publish of the
 * BUILT app: event_log row, then the webhook dispatcher writes the delivery rows and queues their
 * jobs), from a separate process sharing Wharf's database, Redis and keys — the injection source
 * of the `deliver` and `soak` benchmarks (modelled on test/webhook/publish-events.js). Its own
 * delivery worker is off (the caller sets WEBHOOK_DELIVERY_CONCURRENCY=0): the Wharf under test
 * delivers.
 *
 * Usage: node publish-at-rate.js <spec.json> <out.json>
 *   spec: { "instances": [{ "id", "name" }], "rate": 500, "seconds": 20, "event": "call.update",
 *           "maxInFlight": 200 }
 *   out:  { "published", "seconds", "achievedRate", "maxInFlight", "skippedTicks" }
 */
const { readFileSync, writeFileSync } = require('node:fs');

const { createPublisherApp, load } = require('../../test/support/publisher-app');

async function main() {
  const [specFile, outFile] = process.argv.slice(2);
  const spec = JSON.parse(readFileSync(specFile, 'utf8'));
  const { EventsService } = load('modules', 'events', 'events.service.js');
  const app = await createPublisherApp();
  const events = app.get(EventsService);
  const rate = spec.rate;
  const limit = spec.maxInFlight ?? 200;
  let published = 0;
  let started = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let capped = 0;
  const begin = performance.now();
  const total = Math.round(rate * spec.seconds);
  await new Promise((resolve, reject) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - begin) / 1000) * rate));
      while (started < due) {
        if (inFlight >= limit) {
          capped++;
          break;
        }
        const n = started++;
        inFlight++;
        peakInFlight = Math.max(peakInFlight, inFlight);
        const instance = spec.instances[n % spec.instances.length];
        events
          .publish(instance, spec.event ?? 'call.update', {
            callId: `bench-${n}`,
            action: 'offer',
            from: '5511900000001@s.whatsapp.net',
            isVideo: false,
            isGroup: false,
            timestamp: new Date().toISOString(),
          })
          .then(() => {
            inFlight--;
            published++;
            if (published === total) resolve();
          }, reject);
      }
      if (started < total) setTimeout(tick, 5);
    };
    tick();
  });
  const seconds = (performance.now() - begin) / 1000;
  // the dispatcher writes the deliveries just after each publish: let the last ones finish
  await new Promise((resolve) => setTimeout(resolve, 1000));
  writeFileSync(
    outFile,
    JSON.stringify({
      published,
      seconds,
      achievedRate: published / seconds,
      peakInFlight,
      cappedTicks: capped,
    }),
  );
  await app.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
