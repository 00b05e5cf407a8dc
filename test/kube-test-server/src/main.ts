import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SCENARIOS_DIR } from './seed';
import { startKubeTestServer } from './server';

/** `yarn start [--port N] [--host H] [--control] [--scenarios DIR]... [--tls-cert F --tls-key F]` */
async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: env.KUBE_TEST_SERVER_PORT ?? '6443' },
      host: {
        type: 'string',
        default: env.KUBE_TEST_SERVER_HOST ?? '127.0.0.1',
      },
      control: {
        type: 'boolean',
        default: env.KUBE_TEST_SERVER_CONTROL === 'true',
      },
      scenarios: { type: 'string', multiple: true },
      token: {
        type: 'string',
        default: env.KUBE_TEST_SERVER_TOKEN ?? 'demo-token',
      },
      'read-only-token': { type: 'string', multiple: true },
      'tls-cert': { type: 'string', default: env.KUBE_TEST_SERVER_TLS_CERT },
      'tls-key': { type: 'string', default: env.KUBE_TEST_SERVER_TLS_KEY },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port "${values.port}"`);
  }
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  const scenarioDirs = values.scenarios ?? [
    env.KUBE_TEST_SERVER_SCENARIOS ?? SCENARIOS_DIR,
  ];
  const server = await startKubeTestServer({
    port,
    host: values.host,
    tokens: [values.token!],
    readOnlyTokens: values['read-only-token'],
    scenarioDirs,
    control: values.control,
    tls: values['tls-cert']
      ? {
          cert: readFileSync(values['tls-cert']),
          key: readFileSync(values['tls-key']!),
        }
      : undefined,
  });
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(
    `kube-test-server listening on ${server.url} (token "${
      server.token
    }", scenarios ${scenarioDirs.join(', ')}${
      values.control ? ', control API on /__control/' : ''
    })`,
  );
}

main().catch(error => {
  console.error(
    `kube-test-server: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
