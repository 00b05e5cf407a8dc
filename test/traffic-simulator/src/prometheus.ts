/*
 * A real Prometheus (Debian's package, installed by scripts/install-test-tools.sh; callers fail
 * without it, they never skip) on loopback, scraping the given targets.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPrometheus {
  url: string;
  /**
   * Resolves once every target was scraped successfully through the last `seconds`, so a rate
   * over that window has all its samples. Prometheus answering ready is not enough: on a busy
   * machine its first scrapes come seconds later, and a rate over a window they do not fill is
   * low (the charts test saw 29 req/s where 50 were served).
   */
  untilScraped(seconds: number): Promise<void>;
  /** Stops the server (SIGTERM) and waits until it exited: its port refuses connections. */
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** `host:port` of each /metrics endpoint to scrape. */
  targets: string[];
  /** Default 1 s, so a rate over a few seconds has samples. */
  scrapeIntervalSeconds?: number;
  /** Default 0: a free port. */
  port?: number;
  /** Default $PROMETHEUS_BIN or /usr/bin/prometheus. */
  binary?: string;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise(resolve => probe.close(resolve));
  return port;
}

/** Resolves once Prometheus answers ready; its data lives in a temporary folder removed on stop. */
export async function startPrometheus(
  options: PrometheusOptions,
): Promise<TestPrometheus> {
  const port = options.port || (await freePort());
  const interval = options.scrapeIntervalSeconds ?? 1;
  const binary =
    options.binary ?? process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: ${interval}s, evaluation_interval: ${interval}s }\nscrape_configs:\n  - job_name: mesh\n    static_configs: [{ targets: ${JSON.stringify(
      options.targets,
    )} }]\n`,
  );
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  let failed: Error | undefined;
  child.once('error', error => {
    failed = new Error(
      `${binary} did not start (${error.message}): run scripts/install-test-tools.sh, or set PROMETHEUS_BIN`,
    );
  });
  const exited = new Promise(resolve => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (failed) throw failed;
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
  let stopped: Promise<void> | undefined;
  return {
    url,
    async untilScraped(seconds) {
      // One successful scrape (up = 1) per interval through the window, on every target.
      const query = `sum_over_time(up[${seconds}s]) >= ${Math.floor(
        seconds / interval,
      )}`;
      const waitUntil = Date.now() + 30_000;
      for (;;) {
        const answer = await fetch(
          `${url}/api/v1/query?query=${encodeURIComponent(query)}`,
        )
          .then(res => res.json())
          .catch(() => undefined);
        if (answer?.data?.result?.length === options.targets.length) return;
        if (Date.now() > waitUntil) {
          throw new Error(
            `Prometheus on ${url} had not scraped ${options.targets.join(
              ', ',
            )} through ${seconds} s within 30 s (${query}: ${JSON.stringify(
              answer?.data?.result ?? answer,
            )})`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    },
    stop() {
      stopped ??= (async () => {
        child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
