import type {
  Finding,
  FindingCode,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { ClusterObjects } from './istio';
import { computeClusterState } from './state';
import { setWeights, vsNamed } from './__testUtils__/objects';
import { ScenarioName, loadScenario } from './__testUtils__/scenarios';
import {
  CHECKOUT_HOSTS,
  CHECKOUT_NAMESPACE,
  SharedRoutingOptions,
  sharedRouting,
} from './__testUtils__/sharedRouting';

function findings(objects: ClusterObjects, hosts: string[]): Finding[] {
  return computeClusterState({ hosts, objects }).findings;
}

/** The findings of a demo scenario after `change`. */
function scenarioWith(
  name: ScenarioName,
  change: (objects: ClusterObjects) => void,
): Finding[] {
  const { hosts, objects } = loadScenario(name);
  change(objects);
  return findings(objects, hosts);
}

/** myapp, whose single rule splits by weight, changed. */
const myappWith = (change: (objects: ClusterObjects) => void) =>
  scenarioWith('myapp', change);

const piiWith = (change: (objects: ClusterObjects) => void) =>
  scenarioWith('pii-demo', change);

/** checkout of payments, routed from mesh-routing. */
function checkoutWith(options: SharedRoutingOptions): Finding[] {
  return computeClusterState({
    hosts: CHECKOUT_HOSTS,
    namespace: CHECKOUT_NAMESPACE,
    objects: sharedRouting(options),
  }).findings;
}

const myappRule = (objects: ClusterObjects) =>
  vsNamed(objects, 'myapp').spec.http![0];

const cases: [FindingCode, Finding['severity'], () => Finding[], string][] = [
  [
    'subset-not-found',
    'error',
    () => myappWith(o => (myappRule(o).route![1].destination.subset = 'v3')),
    'VirtualService/myapp/myapp',
  ],
  [
    'destination-rule-missing',
    'error',
    () => myappWith(o => (o.destinationRules = [])),
    'VirtualService/myapp/myapp',
  ],
  [
    'subset-no-pods',
    'error',
    () =>
      myappWith(
        o =>
          (o.pods = o.pods.filter(p => p.metadata?.labels?.version !== 'v2')),
      ),
    'DestinationRule/myapp/myapp',
  ],
  [
    'subset-no-ready-pods',
    'error',
    () =>
      myappWith(o =>
        o.pods.forEach(p => (p.status!.conditions![0].status = 'False')),
      ),
    'DestinationRule/myapp/myapp',
  ],
  [
    'subset-overlap',
    'error',
    () =>
      myappWith(
        o => (o.destinationRules[0].spec.subsets![0].labels = { app: 'myapp' }),
      ),
    'DestinationRule/myapp/myapp',
  ],
  [
    'source-labels-without-mesh',
    'error',
    () =>
      piiWith(
        o => (vsNamed(o, 'httpd-server').spec.gateways = ['pii-demo-gateway']),
      ),
    'VirtualService/pii-demo/httpd-server',
  ],
  [
    'missing-mesh-affinity',
    'warning',
    () => piiWith(o => vsNamed(o, 'mysql-server').spec.tcp!.pop()),
    'VirtualService/pii-demo/mysql-server',
  ],
  [
    'tier-affinity-mismatch',
    'error',
    () =>
      piiWith(
        o =>
          (vsNamed(o, 'mysql-server').spec.tcp = [
            { route: [{ destination: { host: 'mysql-server' } }] },
          ]),
      ),
    'VirtualService/pii-demo/mysql-server',
  ],
  [
    'host-not-in-gateway',
    'error',
    () =>
      piiWith(
        o => (o.gateways[0].spec.servers![0].hosts = ['pii-demo.apps.hl.test']),
      ),
    'Gateway/pii-demo/pii-demo-gateway',
  ],
  [
    'port-name-unprefixed',
    'warning',
    () => myappWith(o => (o.services[0].spec!.ports![0].name = 'web')),
    'Service/myapp/myapp',
  ],
  [
    'port-named-mysql',
    'warning',
    () => piiWith(o => (o.services[1].spec!.ports![0].name = 'mysql')),
    'Service/pii-demo/mysql-server',
  ],
  [
    'negative-weight',
    'error',
    () =>
      myappWith(o =>
        myappRule(o).route!.forEach((r, i) => (r.weight = [-10, 110][i])),
      ),
    'VirtualService/myapp/myapp',
  ],
  [
    'all-zero-weights',
    'error',
    () => myappWith(o => myappRule(o).route!.forEach(r => (r.weight = 0))),
    'VirtualService/myapp/myapp',
  ],
  [
    'weights-not-100',
    'warning',
    () => myappWith(o => myappRule(o).route!.forEach(r => (r.weight = 60))),
    'VirtualService/myapp/myapp',
  ],
  [
    'unreachable-rule',
    'warning',
    () =>
      myappWith(o =>
        vsNamed(o, 'myapp').spec.http!.push({
          match: [{ uri: { prefix: '/beta' } }],
          route: [{ destination: { host: 'myapp', subset: 'v2' } }],
        }),
      ),
    'VirtualService/myapp/myapp',
  ],
  [
    'host-not-routed',
    'warning',
    () => checkoutWith({ vsExportTo: ['.'] }),
    'VirtualService/payments/checkout',
  ],
  [
    'destination-rule-not-exported',
    'error',
    () => checkoutWith({ drExportTo: ['.'] }),
    'DestinationRule/payments/checkout',
  ],
  [
    'invalid-regex',
    'error',
    () =>
      myappWith(o =>
        vsNamed(o, 'myapp').spec.http!.unshift({
          match: [{ headers: { 'x-user': { regex: '(?!bot).*' } } }],
          route: [{ destination: { host: 'myapp', subset: 'v2' } }],
        }),
      ),
    'VirtualService/myapp/myapp',
  ],
];

describe('findings', () => {
  it.each(cases)('%s (%s)', (code, severity, build, resource) => {
    const found = build().filter(f => f.code === code);
    expect(found.length).toBeGreaterThan(0);
    const [first] = found;
    expect(first.severity).toBe(severity);
    expect(
      `${first.resource.kind}/${first.resource.namespace}/${first.resource.name}`,
    ).toBe(resource);
    expect(first.message.length).toBeGreaterThan(20);
    expect(first.fix.length).toBeGreaterThan(20);
  });

  it('covers every finding code', () => {
    expect(new Set(cases.map(([code]) => code)).size).toBe(18);
  });

  it('explains concretely what to change', () => {
    const [notFound] = myappWith(
      o => (myappRule(o).route![1].destination.subset = 'v3'),
    );
    expect(notFound.message).toBe(
      "HTTP rule 1 of VirtualService myapp/myapp routes to subset 'v3' of myapp, which DestinationRule myapp/myapp does not define (it has: v1, v2); those requests fail with 503.",
    );
    expect(notFound.fix).toContain("Add subset 'v3'");

    const [notHundred] = myappWith(o =>
      myappRule(o).route!.forEach((r, i) => (r.weight = [90, 30][i])),
    );
    expect(notHundred.fix).toBe(
      'Set weights that add up to 100, keeping the proportions: myapp subset v1: 75, myapp subset v2: 25.',
    );
  });

  it('finds nothing wrong with routing kept in another namespace', () => {
    expect(checkoutWith({})).toEqual([]);
  });

  it("checks only the hosts a Gateway in istio-system is asked for, the entity's short host resolved in its own namespace", () => {
    const objects = sharedRouting();
    objects.gateways.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: ['*.store.test'],
          },
        ],
      },
    });
    const routing = vsNamed(objects, 'checkout');
    routing.spec.hosts = [
      'checkout.payments.svc.cluster.local',
      'checkout.shop.test',
    ];
    routing.spec.gateways = ['istio-system/public', 'mesh'];
    const found = computeClusterState({
      hosts: CHECKOUT_HOSTS,
      namespace: CHECKOUT_NAMESPACE,
      objects,
    }).findings;
    // `checkout` is the Service checkout.payments, how in-mesh callers reach it: not a host
    // users send to the ingress.
    expect(found.map(f => [f.code, f.message])).toEqual([
      [
        'host-not-in-gateway',
        expect.stringContaining(
          'routes host checkout.shop.test via istio-system/public',
        ),
      ],
    ]);
  });

  it('names the unrouted host, what happens to its traffic and the fix', () => {
    const [unrouted] = checkoutWith({ vsExportTo: ['.'] });
    expect(unrouted.message).toBe(
      'Host checkout (annotation bluegreen/istio-hosts) is routed by no VirtualService visible from namespace payments: calls to it are plain Kubernetes round robin over every pod of Service payments/checkout, whatever their colour, and no split applies.',
    );
    expect(unrouted.fix).toContain('hosts: [checkout]');
  });

  it('is an error when an unrouted host is no Service either', () => {
    const found = findings(loadScenario('pii-demo').objects, [
      'shop.example.org',
    ]).filter(f => f.code === 'host-not-routed');
    expect(found.map(f => [f.severity, f.message])).toEqual([
      [
        'error',
        'Host shop.example.org (annotation bluegreen/istio-hosts) is routed by no VirtualService visible from namespace default: no route serves it (gateways answer 404), and there is no Service of that name.',
      ],
    ]);
  });

  it('tells a DestinationRule hidden by exportTo from a missing one, naming the namespace to export to', () => {
    const [hidden] = checkoutWith({ drExportTo: ['.'] });
    expect(hidden.message).toBe(
      "VirtualService mesh-routing/checkout routes to subset(s) 'blue', 'green' of checkout.payments.svc.cluster.local, but DestinationRule payments/checkout defining them is exported only to ., not to namespace mesh-routing; those requests fail with 503.",
    );
    expect(hidden.fix).toBe(
      "Add 'mesh-routing' (or '*') to spec.exportTo of DestinationRule payments/checkout, or move VirtualService mesh-routing/checkout into namespace payments.",
    );
    expect(
      checkoutWith({ drExportTo: ['mesh-routing'] }).map(f => f.code),
    ).toEqual([]);
  });

  it('says where unpaired in-mesh traffic falls through to', () => {
    const [missing] = piiWith(o => vsNamed(o, 'mysql-server').spec.tcp!.pop());
    expect(missing.message).toContain("callers of colour 'green'");
    expect(missing.message).toContain('round robin');
    expect(missing.message).toContain('blue 50%, green 50%');
  });

  it('reports affinity that crosses colours', () => {
    const crossed = piiWith(
      o =>
        (vsNamed(o, 'mysql-server').spec.tcp![1].route![0].destination.subset =
          'blue'),
    );
    expect(crossed.map(f => f.code)).toEqual(['tier-affinity-mismatch']);
    expect(crossed[0].message).toContain(
      "callers of colour 'green' (version=green) to subset 'blue'",
    );
  });

  it('reports a colour with no pods as a warning while it receives no traffic', () => {
    const found = myappWith(objects => {
      setWeights(vsNamed(objects, 'myapp'), [100, 0]);
      objects.pods = objects.pods.filter(
        p => p.metadata?.labels?.version !== 'v2',
      );
    });
    expect(found.map(f => [f.code, f.severity])).toEqual([
      ['subset-no-pods', 'warning'],
    ]);
  });

  it('names a rule as the route list beside it does', () => {
    const { hosts, objects } = loadScenario('myapp');
    vsNamed(objects, 'myapp').spec.http!.push({
      match: [{ uri: { prefix: '/beta' } }],
      route: [{ destination: { host: 'myapp', subset: 'v2' } }],
    });
    const state = computeClusterState({ hosts, objects });
    const [unreachable] = state.findings;
    expect(state.routes.map(r => r.label)).toEqual([
      'HTTP rule 1',
      'HTTP rule 2',
    ]);
    expect(unreachable.message).toBe(
      'HTTP rule 2 of VirtualService myapp/myapp can never match: HTTP rule 1 before it takes every request it could match.',
    );
    expect(unreachable.fix).toBe(
      'Move HTTP rule 2 above HTTP rule 1 in VirtualService myapp/myapp, or delete it.',
    );
  });
});
