/** Watching `/health` while a test or benchmark loads Wharf (issue 11: the loop must keep answering). */

/** Samples `GET /health` every 50 ms until stopped; `stop()` gives every latency, ms. */
export function sampleHealth(url: string): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(`${url}/health`);
        await res.arrayBuffer();
        latencies.push(res.ok ? performance.now() - started : Infinity);
      } catch {
        latencies.push(Infinity);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}
