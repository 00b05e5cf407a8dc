import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Helpers for tests that drive the server with a real kubectl. kubectl sends bearer tokens only
 * over TLS, so such tests serve HTTPS with a throwaway self-signed certificate made by openssl.
 */

/** The commands those tests need that are not on the PATH; empty when they can run. */
export function missingKubectlTools(): string[] {
  const checks: Array<[string, string[]]> = [
    ['kubectl', ['version', '--client']],
    ['openssl', ['version']],
  ];
  return checks
    .filter(
      ([cmd, args]) => spawnSync(cmd, args, { stdio: 'ignore' }).status !== 0,
    )
    .map(([cmd]) => cmd);
}

/** A certificate for 127.0.0.1, valid for a day, written into `dir` and returned. */
export function selfSignedCertificate(dir: string): {
  cert: Buffer;
  key: Buffer;
} {
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const openssl = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  if (openssl.status !== 0) {
    throw new Error(
      `openssl could not make a test certificate: ${openssl.stderr}`,
    );
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs kubectl asynchronously, never with spawnSync: a test server in the same process must go on
 * answering while kubectl waits for it.
 */
export function runKubectl(
  args: string[],
  timeoutMs = 30_000,
): Promise<KubectlRun> {
  return new Promise(resolve => {
    execFile('kubectl', args, { timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({
        code: error ? Number(error.code ?? 1) || 1 : 0,
        stdout,
        stderr,
      }),
    );
  });
}
