export default async function globalTeardown() {
  const stack = (globalThis as any).__e2eStack;
  if (!stack) {
    return;
  }
  try {
    // The backend runs in its own process group: stop it and whatever it spawned.
    process.kill(-stack.backend.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await Promise.all([stack.kube.close(), stack.oidc.close()]);
}
