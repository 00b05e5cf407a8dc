import { percentile } from './cli';

/** Latency percentiles and throughput of one closed-loop load run. */
export interface LoadResult {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
}

type Send = () => Promise<Response>;

/** Sends `send()` from `concurrency` loops for `ms`, each loop waiting for its answer. */
async function closedLoop(send: Send, concurrency: number, ms: number) {
  const latencies: number[] = [];
  let errors = 0;
  const ends = Date.now() + ms;
  const loop = async () => {
    while (Date.now() < ends) {
      const started = performance.now();
      const res = await send();
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      if (!res.ok) {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { latencies, errors };
}

function summary(
  latencies: number[],
  errors: number,
  durationMs: number,
): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    rps: sorted.length / (durationMs / 1000),
  };
}

/**
 * Sends `send()` from `concurrency` loops for `durationMs` (after a warm-up of `warmupMs` whose
 * requests are not counted), each loop waiting for its answer before the next request.
 */
export async function runLoad(options: {
  send: Send;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
}): Promise<LoadResult> {
  await closedLoop(options.send, options.concurrency, options.warmupMs);
  const { latencies, errors } = await closedLoop(
    options.send,
    options.concurrency,
    options.durationMs,
  );
  return summary(latencies, errors, options.durationMs);
}

/**
 * Like {@link runLoad} for several endpoints that are to be compared: each gets `durationMs` in
 * turns of `sliceMs`, one endpoint after the other, so that load from elsewhere on the machine
 * weighs on all of them alike rather than on whichever ran when it came.
 */
export async function runInterleaved(options: {
  sends: Send[];
  concurrency: number;
  durationMs: number;
  sliceMs: number;
  warmupMs: number;
}): Promise<LoadResult[]> {
  for (const send of options.sends) {
    await closedLoop(send, options.concurrency, options.warmupMs);
  }
  const runs = options.sends.map(() => ({
    latencies: [] as number[],
    errors: 0,
  }));
  for (let done = 0; done < options.durationMs; done += options.sliceMs) {
    for (const [i, send] of options.sends.entries()) {
      const slice = await closedLoop(
        send,
        options.concurrency,
        options.sliceMs,
      );
      runs[i].latencies.push(...slice.latencies);
      runs[i].errors += slice.errors;
    }
  }
  const measuredMs =
    Math.ceil(options.durationMs / options.sliceMs) * options.sliceMs;
  return runs.map(r => summary(r.latencies, r.errors, measuredMs));
}
