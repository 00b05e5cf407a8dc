import { DEMO_SCENARIO_NAMES } from '@internal/kube-test-server';
import { ClusterObjects } from './istio';
import { computeClusterState, objectsDecidingState } from './state';
import { merge, vsNamed } from './__testUtils__/objects';
import { loadScenario } from './__testUtils__/scenarios';
import {
  CHECKOUT_HOSTS,
  CHECKOUT_NAMESPACE,
  sharedRouting,
} from './__testUtils__/sharedRouting';

interface Case {
  name: string;
  hosts: string[];
  namespace?: string;
  objects: ClusterObjects;
}

const scenarios = DEMO_SCENARIO_NAMES.map(loadScenario);
const everyScenario = () => merge(...scenarios.map(s => s.objects));

const cases: Case[] = [
  ...scenarios.flatMap(s => [
    { name: `${s.entityRef} alone`, ...s },
    {
      name: `${s.entityRef} beside the others`,
      ...s,
      objects: everyScenario(),
    },
    {
      name: `${s.entityRef} without its namespace`,
      hosts: s.hosts,
      objects: everyScenario(),
    },
    {
      name: `${s.entityRef}, its first host alone`,
      ...s,
      hosts: s.hosts.slice(0, 1),
      objects: everyScenario(),
    },
  ]),
  ...[
    {},
    { vsHost: 'checkout' },
    { vsExportTo: ['.'] },
    { vsExportTo: ['payments'] },
    { drExportTo: ['.'] },
    { drExportTo: ['mesh-routing'] },
  ].map(options => ({
    name: `checkout with routing in mesh-routing, ${JSON.stringify(options)}`,
    hosts: CHECKOUT_HOSTS,
    namespace: CHECKOUT_NAMESPACE,
    objects: merge(sharedRouting(options), everyScenario()),
  })),
  (() => {
    // Another application's catch-all VirtualService beside pii-demo's own.
    const objects = everyScenario();
    vsNamed(objects, 'myapp').spec.hosts = ['*'];
    const pii = scenarios.find(s => s.entityRef.endsWith('/pii-demo'))!;
    return { name: 'pii-demo beside a catch-all', ...pii, objects };
  })(),
];

describe('objectsDecidingState', () => {
  it.each(cases.map(c => [c.name, c] as const))(
    '%s: the deciding objects alone give the same state, and select themselves',
    (_name, { hosts, namespace, objects }) => {
      const input = { hosts, namespace, objects };
      const deciding = objectsDecidingState(input);
      const alone = { hosts, namespace, objects: deciding };
      expect(computeClusterState(alone)).toEqual(computeClusterState(input));
      const again = objectsDecidingState(alone);
      for (const kind of Object.keys(deciding) as Array<keyof ClusterObjects>) {
        expect(again[kind]).toEqual(deciding[kind]);
      }
    },
  );

  it('are fewer than the cluster holds: the entity’s own, not every application’s', () => {
    const pii = scenarios.find(s => s.entityRef.endsWith('/pii-demo'))!;
    const objects = everyScenario();
    const deciding = objectsDecidingState({ ...pii, objects });
    expect(deciding.virtualServices.length).toBeGreaterThan(0);
    expect(deciding.virtualServices.length).toBeLessThan(
      objects.virtualServices.length,
    );
  });
});
