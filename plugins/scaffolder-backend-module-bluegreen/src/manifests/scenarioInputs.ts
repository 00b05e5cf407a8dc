/*
 * The demo scenarios as action input: the action's examples and the tests start from these, and
 * scenarioInputs.test.ts checks them against the scenarios' YAML.
 */
import { BlueGreenInput } from './input';

/** The pii-demo scenario as action input: web + MySQL, colour hosts, round robin, affinity. */
export const piiDemoInput: BlueGreenInput = {
  name: 'pii-demo',
  namespace: 'pii-demo',
  domain: 'apps.hl.test',
  service: {
    name: 'httpd-server',
    port: 80,
    images: {
      blue: 'lisenet/httpd-pii-demo:0.2',
      green: 'lisenet/httpd-pii-demo:0.3',
    },
  },
  database: { name: 'mysql-server', image: 'mysql:8.0', port: 3306 },
};

/** The myapp scenario as action input: v1/v2 weighted 50/50 on one host, no colour hosts or affinity. */
export const myappInput: BlueGreenInput = {
  name: 'myapp',
  namespace: 'myapp',
  domain: 'example.com',
  colours: ['v1', 'v2'],
  service: {
    replicas: 2,
    images: { v1: 'janakiramm/myapp:v1', v2: 'janakiramm/myapp:v2' },
  },
  routing: {
    colourHosts: false,
    sharedHost: 'weighted',
    weights: [50, 50],
    meshAffinity: false,
  },
};
