import fs from 'node:fs';

/** What a process holds once a full garbage collection has run, in MB. */
export interface MemoryAfterGc {
  rssMb: number;
  heapUsedMb: number;
}

/** The inspector address a process started with `--inspect=127.0.0.1:0` logged, once logged. */
export function inspectorUrl(logFile: string): string | undefined {
  const log = fs.readFileSync(logFile, 'utf8');
  return /Debugger listening on (ws:\/\/\S+)/.exec(log)?.[1];
}

/**
 * Runs a full garbage collection in the process behind `url` (the Chrome DevTools protocol of
 * `node --inspect`) and reads its memory usage. Memory read without a collection varies by tens of
 * megabytes with when the collector last ran, which hides what a cache of a few MB costs.
 */
export async function memoryAfterGc(url: string): Promise<MemoryAfterGc> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  const answers = new Map<number, (result: any) => void>();
  socket.addEventListener('message', event => {
    const message = JSON.parse(String(event.data));
    answers.get(message.id)?.(message.result);
  });
  let lastId = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<any>(resolve => {
      const id = ++lastId;
      answers.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const evaluated = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const usage = JSON.parse(evaluated.result.value) as NodeJS.MemoryUsage;
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    return { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed) };
  } finally {
    socket.close();
  }
}
