/*
 * States the backend answered for the three demo scenarios (test/kube-test-server/scenarios),
 * saved once from the demo stack's GET /api/bluegreen/state and POST /api/bluegreen/explain.
 */
import {
  BlueGreenStateResponse,
  ClusterBlueGreenState,
  ExplainResponse,
} from '@bluegreen-istio/plugin-bluegreen-common';

/** pii-demo: blue and green over two tiers, colour hosts, round robin on the shared host, HTTP and TCP mesh affinity. */
export const piiDemoState: BlueGreenStateResponse = {
  entityRef: 'component:default/pii-demo',
  clusters: [
    {
      cluster: 'demo',
      fetchedAt: '2026-11-24T14:15:49.026Z',
      namespace: 'pii-demo',
      colours: [
        {
          name: 'blue',
          service: 'httpd-server',
          labels: {
            version: 'blue',
          },
          workloads: [
            {
              kind: 'Deployment',
              name: 'httpd-server-blue',
              namespace: 'pii-demo',
              service: 'httpd-server',
              images: ['lisenet/httpd-pii-demo:0.2'],
              desiredReplicas: 1,
              readyReplicas: 1,
              availableReplicas: 1,
            },
            {
              kind: 'Deployment',
              name: 'mysql-server-blue',
              namespace: 'pii-demo',
              service: 'mysql-server',
              images: ['mysql:8.0'],
              desiredReplicas: 1,
              readyReplicas: 1,
              availableReplicas: 1,
            },
          ],
          readyPods: 2,
          totalPods: 2,
          hosts: ['pii-demo-blue.apps.hl.test'],
          tiers: [
            {
              service: 'httpd-server',
              namespace: 'pii-demo',
              destinationRule: 'httpd-server',
              labels: {
                version: 'blue',
              },
              readyPods: 1,
              totalPods: 1,
            },
            {
              service: 'mysql-server',
              namespace: 'pii-demo',
              destinationRule: 'mysql-server',
              labels: {
                version: 'blue',
              },
              readyPods: 1,
              totalPods: 1,
            },
          ],
        },
        {
          name: 'green',
          service: 'httpd-server',
          labels: {
            version: 'green',
          },
          workloads: [
            {
              kind: 'Deployment',
              name: 'httpd-server-green',
              namespace: 'pii-demo',
              service: 'httpd-server',
              images: ['lisenet/httpd-pii-demo:0.3'],
              desiredReplicas: 1,
              readyReplicas: 1,
              availableReplicas: 1,
            },
            {
              kind: 'Deployment',
              name: 'mysql-server-green',
              namespace: 'pii-demo',
              service: 'mysql-server',
              images: ['mysql:8.0'],
              desiredReplicas: 1,
              readyReplicas: 1,
              availableReplicas: 1,
            },
          ],
          readyPods: 2,
          totalPods: 2,
          hosts: ['pii-demo-green.apps.hl.test'],
          tiers: [
            {
              service: 'httpd-server',
              namespace: 'pii-demo',
              destinationRule: 'httpd-server',
              labels: {
                version: 'green',
              },
              readyPods: 1,
              totalPods: 1,
            },
            {
              service: 'mysql-server',
              namespace: 'pii-demo',
              destinationRule: 'mysql-server',
              labels: {
                version: 'green',
              },
              readyPods: 1,
              totalPods: 1,
            },
          ],
        },
      ],
      splits: [
        {
          host: 'pii-demo.apps.hl.test',
          mode: 'round-robin',
          destinations: [
            {
              colour: 'blue',
              service: 'httpd-server',
              weight: null,
              percent: 50,
            },
            {
              colour: 'green',
              service: 'httpd-server',
              weight: null,
              percent: 50,
            },
          ],
          viaGateways: ['pii-demo-gateway'],
          virtualService: 'pii-demo/httpd-server',
          ruleIndex: 2,
        },
      ],
      activeColour: null,
      routes: [
        {
          virtualService: 'pii-demo/httpd-server',
          protocol: 'http',
          index: 0,
          matches: [
            {
              headers: {
                host: {
                  exact: 'pii-demo-blue.apps.hl.test',
                },
              },
              gateways: ['pii-demo-gateway'],
            },
            {
              sourceLabels: {
                version: 'blue',
              },
            },
          ],
          destinations: [
            {
              host: 'httpd-server',
              subset: 'blue',
              port: 80,
            },
          ],
          classification: 'colour-host',
          classifications: ['colour-host', 'mesh-affinity'],
          description:
            "host = 'pii-demo-blue.apps.hl.test' via pii-demo-gateway, or in-mesh callers labelled version=blue → httpd-server subset blue",
        },
        {
          virtualService: 'pii-demo/httpd-server',
          protocol: 'http',
          index: 1,
          matches: [
            {
              headers: {
                host: {
                  exact: 'pii-demo-green.apps.hl.test',
                },
              },
              gateways: ['pii-demo-gateway'],
            },
            {
              sourceLabels: {
                version: 'green',
              },
            },
          ],
          destinations: [
            {
              host: 'httpd-server',
              subset: 'green',
              port: 80,
            },
          ],
          classification: 'colour-host',
          classifications: ['colour-host', 'mesh-affinity'],
          description:
            "host = 'pii-demo-green.apps.hl.test' via pii-demo-gateway, or in-mesh callers labelled version=green → httpd-server subset green",
        },
        {
          virtualService: 'pii-demo/httpd-server',
          protocol: 'http',
          index: 2,
          matches: [
            {
              headers: {
                host: {
                  exact: 'pii-demo.apps.hl.test',
                },
              },
              gateways: ['pii-demo-gateway'],
            },
          ],
          destinations: [
            {
              host: 'httpd-server',
              port: 80,
            },
          ],
          classification: 'shared-split',
          classifications: ['shared-split'],
          description:
            "host = 'pii-demo.apps.hl.test' via pii-demo-gateway → httpd-server (round robin over its pods)",
        },
        {
          virtualService: 'pii-demo/mysql-server',
          protocol: 'tcp',
          index: 0,
          matches: [
            {
              sourceLabels: {
                version: 'blue',
              },
            },
          ],
          destinations: [
            {
              host: 'mysql-server',
              subset: 'blue',
              port: 3306,
            },
          ],
          classification: 'tcp-affinity',
          classifications: ['tcp-affinity'],
          description:
            'in-mesh callers labelled version=blue → mysql-server subset blue',
        },
        {
          virtualService: 'pii-demo/mysql-server',
          protocol: 'tcp',
          index: 1,
          matches: [
            {
              sourceLabels: {
                version: 'green',
              },
            },
          ],
          destinations: [
            {
              host: 'mysql-server',
              subset: 'green',
              port: 3306,
            },
          ],
          classification: 'tcp-affinity',
          classifications: ['tcp-affinity'],
          description:
            'in-mesh callers labelled version=green → mysql-server subset green',
        },
      ],
      findings: [],
      resourceVersions: {
        'VirtualService/pii-demo/httpd-server': '53',
        'VirtualService/pii-demo/mysql-server': '55',
        'DestinationRule/pii-demo/httpd-server': '54',
        'DestinationRule/pii-demo/mysql-server': '56',
        'Gateway/pii-demo/pii-demo-gateway': '52',
        'Service/pii-demo/httpd-server': '48',
        'Service/pii-demo/mysql-server': '50',
        'Deployment/pii-demo/httpd-server-blue': '29',
        'Deployment/pii-demo/httpd-server-green': '35',
        'Deployment/pii-demo/mysql-server-blue': '41',
        'Deployment/pii-demo/mysql-server-green': '47',
      },
    },
  ],
};

/** myapp: v1/v2 weighted 50/50, no active colour. */
export const myappState: BlueGreenStateResponse = {
  entityRef: 'component:default/myapp',
  clusters: [
    {
      cluster: 'demo',
      fetchedAt: '2026-11-24T14:15:49.042Z',
      namespace: 'myapp',
      colours: [
        {
          name: 'v1',
          service: 'myapp',
          labels: {
            version: 'v1',
          },
          workloads: [
            {
              kind: 'Deployment',
              name: 'myapp-v1',
              namespace: 'myapp',
              service: 'myapp',
              images: ['janakiramm/myapp:v1'],
              desiredReplicas: 2,
              readyReplicas: 2,
              availableReplicas: 2,
            },
          ],
          readyPods: 2,
          totalPods: 2,
          hosts: [],
          tiers: [
            {
              service: 'myapp',
              namespace: 'myapp',
              destinationRule: 'myapp',
              labels: {
                version: 'v1',
              },
              readyPods: 2,
              totalPods: 2,
            },
          ],
        },
        {
          name: 'v2',
          service: 'myapp',
          labels: {
            version: 'v2',
          },
          workloads: [
            {
              kind: 'Deployment',
              name: 'myapp-v2',
              namespace: 'myapp',
              service: 'myapp',
              images: ['janakiramm/myapp:v2'],
              desiredReplicas: 2,
              readyReplicas: 2,
              availableReplicas: 2,
            },
          ],
          readyPods: 2,
          totalPods: 2,
          hosts: [],
          tiers: [
            {
              service: 'myapp',
              namespace: 'myapp',
              destinationRule: 'myapp',
              labels: {
                version: 'v2',
              },
              readyPods: 2,
              totalPods: 2,
            },
          ],
        },
      ],
      splits: [
        {
          host: 'myapp.example.com',
          mode: 'weighted',
          destinations: [
            {
              colour: 'v1',
              service: 'myapp',
              weight: 50,
              percent: 50,
            },
            {
              colour: 'v2',
              service: 'myapp',
              weight: 50,
              percent: 50,
            },
          ],
          viaGateways: ['myapp-gateway'],
          virtualService: 'myapp/myapp',
          ruleIndex: 0,
        },
      ],
      activeColour: null,
      routes: [
        {
          virtualService: 'myapp/myapp',
          protocol: 'http',
          index: 0,
          matches: [],
          destinations: [
            {
              host: 'myapp',
              subset: 'v1',
              port: 80,
              weight: 50,
            },
            {
              host: 'myapp',
              subset: 'v2',
              port: 80,
              weight: 50,
            },
          ],
          classification: 'shared-split',
          classifications: ['shared-split'],
          description:
            'every request → myapp subset v1 weight 50, myapp subset v2 weight 50',
        },
      ],
      findings: [],
      resourceVersions: {
        'VirtualService/myapp/myapp': '23',
        'DestinationRule/myapp/myapp': '22',
        'Gateway/myapp/myapp-gateway': '21',
        'Service/myapp/myapp': '19',
        'Deployment/myapp/myapp-v1': '11',
        'Deployment/myapp/myapp-v2': '18',
      },
    },
  ],
};

/** progressive-app: blue/green weighted 70/30. */
export const progressiveState: BlueGreenStateResponse = {
  entityRef: 'component:default/progressive-app',
  clusters: [
    {
      cluster: 'demo',
      fetchedAt: '2026-11-24T14:15:49.056Z',
      namespace: 'progressive',
      colours: [
        {
          name: 'blue',
          service: 'progressive-app',
          labels: {
            version: 'blue',
          },
          workloads: [
            {
              kind: 'Deployment',
              name: 'blue-app',
              namespace: 'progressive',
              service: 'progressive-app',
              images: ['blue-app:1.0.0'],
              desiredReplicas: 2,
              readyReplicas: 2,
              availableReplicas: 2,
            },
          ],
          readyPods: 2,
          totalPods: 2,
          hosts: [],
          tiers: [
            {
              service: 'progressive-app',
              namespace: 'progressive',
              destinationRule: 'progressive-app',
              labels: {
                version: 'blue',
              },
              readyPods: 2,
              totalPods: 2,
            },
          ],
        },
        {
          name: 'green',
          service: 'progressive-app',
          labels: {
            version: 'green',
          },
          workloads: [
            {
              kind: 'Deployment',
              name: 'green-app',
              namespace: 'progressive',
              service: 'progressive-app',
              images: ['green-app:1.1.0'],
              desiredReplicas: 2,
              readyReplicas: 2,
              availableReplicas: 2,
            },
          ],
          readyPods: 2,
          totalPods: 2,
          hosts: [],
          tiers: [
            {
              service: 'progressive-app',
              namespace: 'progressive',
              destinationRule: 'progressive-app',
              labels: {
                version: 'green',
              },
              readyPods: 2,
              totalPods: 2,
            },
          ],
        },
      ],
      splits: [
        {
          host: 'progressive.example.com',
          mode: 'weighted',
          destinations: [
            {
              colour: 'blue',
              service: 'progressive-app',
              weight: 70,
              percent: 70,
            },
            {
              colour: 'green',
              service: 'progressive-app',
              weight: 30,
              percent: 30,
            },
          ],
          viaGateways: ['progressive-gateway'],
          virtualService: 'progressive/progressive-app',
          ruleIndex: 0,
        },
      ],
      activeColour: null,
      routes: [
        {
          virtualService: 'progressive/progressive-app',
          protocol: 'http',
          index: 0,
          matches: [],
          destinations: [
            {
              host: 'progressive-app',
              subset: 'blue',
              port: 80,
              weight: 70,
            },
            {
              host: 'progressive-app',
              subset: 'green',
              port: 80,
              weight: 30,
            },
          ],
          classification: 'shared-split',
          classifications: ['shared-split'],
          description:
            'every request → progressive-app subset blue weight 70, progressive-app subset green weight 30',
        },
      ],
      findings: [],
      resourceVersions: {
        'VirtualService/progressive/progressive-app': '75',
        'DestinationRule/progressive/progressive-app': '74',
        'Gateway/progressive/progressive-gateway': '73',
        'Service/progressive/progressive-app': '71',
        'Deployment/progressive/blue-app': '63',
        'Deployment/progressive/green-app': '70',
      },
    },
  ],
};

/** pii-demo: a request to the shared host through the gateway lands round robin on both colours. */
export const piiDemoRoundRobinExplanation: ExplainResponse = {
  entityRef: 'component:default/pii-demo',
  clusters: [
    {
      cluster: 'demo',
      virtualService: 'pii-demo/httpd-server',
      skipped: [
        {
          index: 0,
          reason:
            "block 1 header host 'pii-demo.apps.hl.test' does not match: = 'pii-demo-blue.apps.hl.test'; block 2 sourceLabels only apply to in-mesh callers, not to traffic from gateway pii-demo-gateway",
        },
        {
          index: 1,
          reason:
            "block 1 header host 'pii-demo.apps.hl.test' does not match: = 'pii-demo-green.apps.hl.test'; block 2 sourceLabels only apply to in-mesh callers, not to traffic from gateway pii-demo-gateway",
        },
      ],
      matchedRule: {
        index: 2,
        protocol: 'http',
        reason:
          "match block 1 holds: host = 'pii-demo.apps.hl.test' via pii-demo-gateway",
      },
      destinations: [
        {
          host: 'httpd-server',
          subset: null,
          colour: 'blue',
          percent: 50,
          pods: ['httpd-server-blue-56875b45d9-2rlhl'],
        },
        {
          host: 'httpd-server',
          subset: null,
          colour: 'green',
          percent: 50,
          pods: ['httpd-server-green-786d65559-688jt'],
        },
      ],
    },
  ],
};

/** A cluster the backend could not read: the error and nothing else. */
export function unreachableCluster(cluster: string): ClusterBlueGreenState {
  return {
    cluster,
    namespace: null,
    colours: [],
    splits: [],
    activeColour: null,
    routes: [],
    findings: [],
    resourceVersions: {},
    fetchedAt: '2026-11-24T14:15:49.000Z',
    error: {
      message: `cluster '${cluster}' is unreachable (ECONNREFUSED): check its url in kubernetes.clusterLocatorMethods and the network path to it`,
      reason: 'unreachable',
    },
  };
}
