/*
 * A real Prometheus (Debian's package, installed by scripts/install-test-tools.sh; tests fail
 * without it, they never skip) on loopback, scraping the given targets every second.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPrometheus {
  url: string;
  /** Stops the server (SIGTERM) and waits until it exited: its port refuses connections. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise(resolve => probe.close(resolve));
  return port;
}

export async function startPrometheus(
  targets: string[],
): Promise<TestPrometheus> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: mesh\n    static_configs: [{ targets: ${JSON.stringify(
      targets,
    )} }]\n`,
  );
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise(resolve => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`)
      .then(res => res.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Prometheus on ${url} was not ready within 20 s`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  let stopped = false;
  return {
    url,
    async stop() {
      if (!stopped) {
        stopped = true;
        child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
