/** Latency percentiles and throughput of one closed-loop load run. */
export interface LoadResult {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/**
 * Sends `send()` from `concurrency` loops for `durationMs` (after a warm-up of `warmupMs` whose
 * requests are not counted), each loop waiting for its answer before the next request.
 */
export async function runLoad(options: {
  send: () => Promise<Response>;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const warmupEnds = Date.now() + options.warmupMs;
  const ends = warmupEnds + options.durationMs;
  const loop = async () => {
    while (Date.now() < ends) {
      const started = performance.now();
      const res = await options.send();
      await res.arrayBuffer();
      const elapsed = performance.now() - started;
      if (Date.now() <= warmupEnds) {
        continue;
      }
      if (!res.ok) {
        errors += 1;
      }
      latencies.push(elapsed);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    rps: latencies.length / (options.durationMs / 1000),
  };
}
