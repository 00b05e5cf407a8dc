import { parseArgs } from 'node:util';
import { KubernetesAccess, startTrafficSimulator } from './simulator';

/**
 * `yarn start [--port N] [--kube-url URL --token T [--insecure-skip-tls-verify]]
 *  [--kubeconfig FILE [--context C]] [--requests-per-second N] [--tick-ms N]`
 */
async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: env.TRAFFIC_SIMULATOR_PORT ?? '9464' },
      'kube-url': {
        type: 'string',
        default: env.TRAFFIC_SIMULATOR_KUBE_URL ?? 'https://127.0.0.1:6443',
      },
      token: {
        type: 'string',
        default: env.TRAFFIC_SIMULATOR_KUBE_TOKEN ?? 'demo-token',
      },
      'insecure-skip-tls-verify': { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'requests-per-second': { type: 'string', default: '20' },
      'tick-ms': { type: 'string', default: '1000' },
    },
  });
  const number = (name: 'port' | 'requests-per-second' | 'tick-ms') => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`--${name} "${values[name]}" is not a number from 0`);
    }
    return value;
  };
  const kubernetes: KubernetesAccess = values.kubeconfig
    ? { kubeconfigPath: values.kubeconfig, context: values.context }
    : {
        url: values['kube-url']!,
        token: values.token!,
        skipTlsVerify: values['insecure-skip-tls-verify'],
      };
  const simulator = await startTrafficSimulator({
    kubernetes,
    port: number('port'),
    requestsPerSecond: number('requests-per-second'),
    tickMs: number('tick-ms'),
  });
  const readError = simulator.readError();
  if (readError) {
    console.warn(
      `traffic-simulator: ${readError}. It serves no traffic until the Kubernetes API answers; check --kube-url and --token (or --kubeconfig).`,
    );
  }
  const stop = () => {
    simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(
    `traffic-simulator on ${simulator.url} (metrics on /metrics, ${
      simulator.services().length
    } services found through ${
      values.kubeconfig ?? values['kube-url']
    }; control API: GET /traffic, PUT /behaviour/<namespace>/<colour>, DELETE /behaviour)`,
  );
}

main().catch(error => {
  console.error(
    `traffic-simulator: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
