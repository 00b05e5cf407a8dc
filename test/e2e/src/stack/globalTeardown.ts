import type { KubeTestServer } from '@internal/kube-test-server';
import type { OidcProviderServer } from '@internal/oidc-provider';
import type {
  TestPrometheus,
  TrafficSimulator,
} from '@internal/traffic-simulator';
import type { ChildProcess } from 'node:child_process';

/** What the global setup started so far, for the teardown to stop. */
export interface RunningStack {
  kube?: KubeTestServer;
  oidc?: OidcProviderServer;
  traffic?: TrafficSimulator;
  prometheus?: TestPrometheus;
  backend?: ChildProcess;
}

export default async function globalTeardown() {
  const stack: RunningStack | undefined = (globalThis as any).__e2eStack;
  if (!stack) {
    return;
  }
  if (stack.backend?.pid) {
    try {
      // The backend runs in its own process group: stop it and whatever it spawned.
      process.kill(-stack.backend.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await stack.prometheus?.stop();
  await Promise.all([
    stack.traffic?.close(),
    stack.kube?.close(),
    stack.oidc?.close(),
  ]);
}
