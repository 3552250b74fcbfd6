/**
 * Publishes events through Wharf's own code path (EventsService.publish) from the BUILT app, in
 * a Nest application context against the same database and Redis as a running Wharf — the burst
 * source of the webhook e2e tests. Its own delivery worker is off (WEBHOOK_DELIVERY_CONCURRENCY=0
 * is set by the caller), so the Wharf under test delivers.
 *
 * Usage: node publish-events.js <spec.json> <out.json>
 *   spec: { "instances": [{ "id", "name" }], "count": 1000, "event": "call.update", "concurrency": 50 }
 *   out:  { "eventIds": [...] } once every event is published and its deliveries are written.
 */
const { readFileSync, writeFileSync } = require('node:fs');

const { createPublisherApp, load } = require('../support/publisher-app');

async function main() {
  const [specFile, outFile] = process.argv.slice(2);
  const spec = JSON.parse(readFileSync(specFile, 'utf8'));
  const { MikroORM } = require('@mikro-orm/core');
  const { EventsService } = load('modules', 'events', 'events.service.js');
  const { WebhookDelivery } = load('modules', 'webhook', 'entities', 'webhook-delivery.entity.js');
  const app = await createPublisherApp();
  const events = app.get(EventsService);
  const eventIds = [];
  let next = 0;
  const worker = async () => {
    while (next < spec.count) {
      const n = next++;
      const instance = spec.instances[n % spec.instances.length];
      const envelope = await events.publish(instance, spec.event ?? 'call.update', {
        callId: `burst-${n}`,
        action: 'offer',
        from: '5511900000001@s.whatsapp.net',
        isVideo: false,
        isGroup: false,
        timestamp: new Date().toISOString(),
      });
      eventIds.push(envelope.eventId);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency ?? 20 }, worker));
  // Deliveries are written asynchronously by the dispatcher: wait until they all exist.
  const em = app.get(MikroORM).em;
  const expected = spec.expectedDeliveries ?? 0;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const written = await em.fork().count(WebhookDelivery, { eventId: { $in: eventIds } });
    if (written >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  writeFileSync(outFile, JSON.stringify({ eventIds }));
  await app.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
