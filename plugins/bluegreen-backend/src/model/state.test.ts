import { computeClusterState } from './state';
import { merge, scale, setWeights, vsNamed } from './__testUtils__/objects';
import { loadScenario } from './__testUtils__/scenarios';
import {
  CHECKOUT_HOSTS,
  CHECKOUT_NAMESPACE,
  sharedRouting,
} from './__testUtils__/sharedRouting';

const percents = (split: {
  destinations: { colour: string | null; percent: number }[];
}) => Object.fromEntries(split.destinations.map(d => [d.colour, d.percent]));

describe('computeClusterState', () => {
  describe('checkout: workloads in payments, routing in mesh-routing', () => {
    const state = computeClusterState({
      hosts: CHECKOUT_HOSTS,
      namespace: CHECKOUT_NAMESPACE,
      objects: sharedRouting(),
    });

    it('shows the split of the VirtualService in mesh-routing, naming its namespace', () => {
      expect(state.splits).toHaveLength(1);
      expect(state.splits[0]).toMatchObject({
        host: 'checkout',
        mode: 'weighted',
        virtualService: 'mesh-routing/checkout',
        viaGateways: ['mesh'],
      });
      expect(percents(state.splits[0])).toEqual({ blue: 80, green: 20 });
      expect(state.routes.map(r => [r.virtualService, r.index])).toEqual([
        ['mesh-routing/checkout', 0],
      ]);
    });

    it('places each object in its own namespace', () => {
      expect(state.namespace).toBe('payments');
      expect(
        state.colours.flatMap(c =>
          c.tiers.map(t => [t.namespace, t.destinationRule]),
        ),
      ).toEqual([
        ['payments', 'checkout'],
        ['payments', 'checkout'],
      ]);
      expect(Object.keys(state.resourceVersions)).toEqual(
        expect.arrayContaining([
          'VirtualService/mesh-routing/checkout',
          'DestinationRule/payments/checkout',
        ]),
      );
      expect(state.findings).toEqual([]);
    });
  });

  describe('pii-demo: colour hosts, round robin, mesh and TCP affinity', () => {
    const pii = loadScenario('pii-demo');
    const state = computeClusterState(pii);

    it('groups both tiers of each colour and pins the colour hosts', () => {
      expect(state.colours.map(c => c.name)).toEqual(['blue', 'green']);
      const [blue, green] = state.colours;
      expect(blue).toMatchObject({
        service: 'httpd-server',
        labels: { version: 'blue' },
        hosts: ['pii-demo-blue.apps.hl.test'],
        readyPods: 2,
        totalPods: 2,
      });
      expect(blue.tiers.map(t => t.service)).toEqual([
        'httpd-server',
        'mysql-server',
      ]);
      expect(blue.workloads.map(w => [w.service, w.name, w.images])).toEqual([
        ['httpd-server', 'httpd-server-blue', ['lisenet/httpd-pii-demo:0.2']],
        ['mysql-server', 'mysql-server-blue', ['mysql:8.0']],
      ]);
      expect(green.hosts).toEqual(['pii-demo-green.apps.hl.test']);
    });

    it('splits the shared host round robin over ready pods', () => {
      expect(state.splits).toHaveLength(1);
      const [split] = state.splits;
      expect(split).toMatchObject({
        host: 'pii-demo.apps.hl.test',
        mode: 'round-robin',
        viaGateways: ['pii-demo-gateway'],
        virtualService: 'pii-demo/httpd-server',
        ruleIndex: 2,
        ruleLabel: 'HTTP rule 3',
      });
      expect(
        split.destinations.every(
          d => d.weight === null && d.service === 'httpd-server',
        ),
      ).toBe(true);
      expect(percents(split)).toEqual({ blue: 50, green: 50 });
      expect(state.activeColour).toBeNull();
    });

    it('classifies every rule', () => {
      expect(
        state.routes.map(r => [
          r.virtualService,
          r.protocol,
          r.index,
          r.classifications,
        ]),
      ).toEqual([
        ['pii-demo/httpd-server', 'http', 0, ['colour-host', 'mesh-affinity']],
        ['pii-demo/httpd-server', 'http', 1, ['colour-host', 'mesh-affinity']],
        ['pii-demo/httpd-server', 'http', 2, ['shared-split']],
        ['pii-demo/mysql-server', 'tcp', 0, ['tcp-affinity']],
        ['pii-demo/mysql-server', 'tcp', 1, ['tcp-affinity']],
      ]);
      expect(state.routes[0].classification).toBe('colour-host');
    });

    it('words each rule, its conditions and where it sends, numbering rules from 1', () => {
      expect(state.routes.map(r => [r.label, r.conditions, r.sendsTo])).toEqual(
        [
          [
            'HTTP rule 1',
            [
              "host = 'pii-demo-blue.apps.hl.test' via pii-demo-gateway",
              'in-mesh callers labelled version=blue',
            ],
            'httpd-server subset blue',
          ],
          [
            'HTTP rule 2',
            [
              "host = 'pii-demo-green.apps.hl.test' via pii-demo-gateway",
              'in-mesh callers labelled version=green',
            ],
            'httpd-server subset green',
          ],
          [
            'HTTP rule 3',
            ["host = 'pii-demo.apps.hl.test' via pii-demo-gateway"],
            'httpd-server (round robin over its pods)',
          ],
          [
            'TCP rule 1',
            ['in-mesh callers labelled version=blue'],
            'mysql-server subset blue',
          ],
          [
            'TCP rule 2',
            ['in-mesh callers labelled version=green'],
            'mysql-server subset green',
          ],
        ],
      );
    });

    it('has no findings', () => {
      expect(state.findings).toEqual([]);
    });

    it('is not disturbed by other applications in the cluster', () => {
      const crowded = computeClusterState({
        hosts: pii.hosts,
        objects: merge(
          loadScenario('pii-demo').objects,
          loadScenario('myapp').objects,
          loadScenario('progressive').objects,
        ),
      });
      expect(crowded.splits).toEqual(state.splits);
      expect(crowded.routes).toEqual(state.routes);
      expect(crowded.findings).toEqual([]);
    });

    it('records the resource versions of the configuration it read', () => {
      expect(Object.keys(state.resourceVersions).sort()).toEqual([
        'Deployment/pii-demo/httpd-server-blue',
        'Deployment/pii-demo/httpd-server-green',
        'Deployment/pii-demo/mysql-server-blue',
        'Deployment/pii-demo/mysql-server-green',
        'DestinationRule/pii-demo/httpd-server',
        'DestinationRule/pii-demo/mysql-server',
        'Gateway/pii-demo/pii-demo-gateway',
        'Service/pii-demo/httpd-server',
        'Service/pii-demo/mysql-server',
        'VirtualService/pii-demo/httpd-server',
        'VirtualService/pii-demo/mysql-server',
      ]);
      expect(state.namespace).toBe('pii-demo');
    });

    it('weighs round robin by ready pods per colour', () => {
      const { hosts, objects } = loadScenario('pii-demo');
      scale(objects, 'httpd-server-blue', 3);
      const uneven = computeClusterState({ hosts, objects });
      expect(percents(uneven.splits[0])).toEqual({ blue: 75, green: 25 });
    });

    it('makes the only colour with ready pods active', () => {
      const { hosts, objects } = loadScenario('pii-demo');
      scale(objects, 'httpd-server-green', 0);
      const state2 = computeClusterState({ hosts, objects });
      expect(percents(state2.splits[0])).toEqual({ blue: 100, green: 0 });
      expect(state2.activeColour).toBe('blue');
    });
  });

  describe('myapp: weighted switch', () => {
    it('splits 50/50 by weight with no active colour', () => {
      const state = computeClusterState(loadScenario('myapp'));
      expect(state.colours.map(c => c.name)).toEqual(['v1', 'v2']);
      expect(state.splits).toEqual([
        {
          host: 'myapp.example.com',
          mode: 'weighted',
          destinations: [
            { colour: 'v1', service: 'myapp', weight: 50, percent: 50 },
            { colour: 'v2', service: 'myapp', weight: 50, percent: 50 },
          ],
          viaGateways: ['myapp-gateway'],
          virtualService: 'myapp/myapp',
          ruleIndex: 0,
          ruleLabel: 'HTTP rule 1',
        },
      ]);
      expect(state.routes.map(r => r.classification)).toEqual(['shared-split']);
      expect(state.activeColour).toBeNull();
      expect(state.findings).toEqual([]);
    });

    it('makes v2 active after the 0/100 switch', () => {
      const myapp = loadScenario('myapp');
      setWeights(vsNamed(myapp.objects, 'myapp'), [0, 100]);
      const state = computeClusterState(myapp);
      expect(percents(state.splits[0])).toEqual({ v1: 0, v2: 100 });
      expect(state.activeColour).toBe('v2');
      expect(state.findings).toEqual([]);
    });

    it('reports a single-subset shared host as mode single', () => {
      const myapp = loadScenario('myapp');
      vsNamed(myapp.objects, 'myapp').spec.http![0].route = [
        { destination: { host: 'myapp', subset: 'v1' } },
      ];
      const state = computeClusterState(myapp);
      expect(state.splits[0]).toMatchObject({
        mode: 'single',
        destinations: [{ colour: 'v1', percent: 100 }],
      });
      expect(state.activeColour).toBe('v1');
    });
  });

  describe('progressive shift', () => {
    it('splits 70/30', () => {
      const state = computeClusterState(loadScenario('progressive'));
      expect(state.splits.map(percents)).toEqual([{ blue: 70, green: 30 }]);
      expect(
        state.colours.map(c => [
          c.name,
          c.readyPods,
          c.workloads.map(w => w.name),
        ]),
      ).toEqual([
        ['blue', 2, ['blue-app']],
        ['green', 2, ['green-app']],
      ]);
      expect(state.activeColour).toBeNull();
      expect(state.findings).toEqual([]);
    });

    it('names the active colour once a step reaches 100%', () => {
      const progressive = loadScenario('progressive');
      setWeights(vsNamed(progressive.objects, 'progressive-app'), [0, 100]);
      const state = computeClusterState(progressive);
      expect(state.activeColour).toBe('green');
    });
  });

  it('answers a repeated question on the same objects with the state computed, and a new read afresh', () => {
    const progressive = loadScenario('progressive');
    const first = computeClusterState(progressive);
    expect(computeClusterState({ ...progressive })).toBe(first);
    expect(
      computeClusterState({ ...progressive, hosts: ['elsewhere.example.com'] })
        .splits,
    ).toEqual([]);
    const reread = structuredClone(progressive.objects);
    setWeights(vsNamed(reread, 'progressive-app'), [0, 100]);
    expect(first.activeColour).not.toBe('green');
    expect(
      computeClusterState({ ...progressive, objects: reread }).activeColour,
    ).toBe('green');
  });

  it('supports three or more colours', () => {
    const progressive = loadScenario('progressive');
    const dr = progressive.objects.destinationRules[0];
    dr.spec.subsets = [
      ...(dr.spec.subsets ?? []),
      { name: 'canary', labels: { version: 'canary' } },
    ];
    const state = computeClusterState(progressive);
    expect(state.colours.map(c => c.name)).toEqual(['blue', 'green', 'canary']);
  });
});
