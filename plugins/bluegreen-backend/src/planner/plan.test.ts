import type {
  CutoverPlan,
  PreflightCheck,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { applyPatch, deepClone } from 'fast-json-patch';
import { ClusterObjects, VirtualService } from '../model/istio';
import { scale, setWeights, vsNamed } from '../model/__testUtils__/objects';
import { ScenarioName, loadScenario } from '../model/__testUtils__/scenarios';
import { ClusterInput, planRollback, planSplit } from './plan';

function withVersions(objects: ClusterObjects): ClusterObjects {
  let version = 100;
  for (const list of Object.values(objects)) {
    for (const o of list as Array<{
      metadata?: { resourceVersion?: string };
    }>) {
      o.metadata = { ...o.metadata, resourceVersion: String(version++) };
    }
  }
  return objects;
}

const objectsOf = (name: ScenarioName) => loadScenario(name).objects;
const piiDemo = () => objectsOf('pii-demo');
const myapp = () => objectsOf('myapp');

function inputFor(name: ScenarioName, objects: ClusterObjects): ClusterInput {
  const { hosts, namespace } = loadScenario(name);
  return { cluster: 'demo', hosts, namespace, objects: withVersions(objects) };
}
const pii = (objects = piiDemo()) => inputFor('pii-demo', objects);
const myappInput = (objects = myapp()) => inputFor('myapp', objects);
const progressiveInput = () =>
  inputFor('progressive', objectsOf('progressive'));

/** pii-demo with one Deployment scaled to `replicas` ready pods. */
function scaled(deployment: string, replicas: number): ClusterObjects {
  const objects = piiDemo();
  scale(objects, deployment, replicas);
  return objects;
}

function myappAt(weights: [number, number]): ClusterObjects {
  const objects = myapp();
  setWeights(vsNamed(objects, 'myapp'), weights);
  return objects;
}

function check(plan: CutoverPlan, id: PreflightCheck['id']) {
  const found = plan.checks.filter(c => c.id === id);
  expect(found).toHaveLength(1);
  return found[0];
}

function results(plan: CutoverPlan) {
  return Object.fromEntries(plan.checks.map(c => [c.id, c.result]));
}

/** The cluster after the plan's patches, as the API server would store them. */
function applied(input: ClusterInput, plan: CutoverPlan): ClusterInput {
  const objects = deepClone(input.objects) as ClusterObjects;
  for (const change of plan.changes) {
    const vs = vsNamed(objects, change.object.name);
    applyPatch(vs, deepClone(change.patch), true);
    vs.metadata.resourceVersion = String(
      Number(vs.metadata.resourceVersion) + 1000,
    );
  }
  return { ...input, objects };
}

function splitOf(plan: CutoverPlan, host: string) {
  return plan.splits.find(s => s.host === host);
}

describe('planSplit', () => {
  describe('pii-demo: switch to green', () => {
    const input = pii();
    const plan = planSplit({ action: 'switch', colour: 'green' }, [input]);

    it('changes only the shared host rule, writing explicit weights per colour', () => {
      expect(plan.changes).toHaveLength(1);
      const [change] = plan.changes;
      expect(change.object).toEqual({
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        namespace: 'pii-demo',
        name: 'httpd-server',
      });
      expect(change.paths).toEqual(['spec.http[2].route']);
      const after = applied(input, plan);
      expect(
        vsNamed(after.objects, 'httpd-server').spec.http![2].route,
      ).toEqual([
        {
          destination: {
            host: 'httpd-server',
            port: { number: 80 },
            subset: 'blue',
          },
          weight: 0,
        },
        {
          destination: {
            host: 'httpd-server',
            port: { number: 80 },
            subset: 'green',
          },
          weight: 100,
        },
      ]);
    });

    it('leaves colour hosts, mesh and TCP affinity and every other field as they were', () => {
      const after = applied(input, plan);
      const strip = (vs: VirtualService) => {
        const copy = deepClone(vs) as VirtualService;
        delete copy.spec.http![2].route;
        delete copy.metadata.resourceVersion;
        return copy;
      };
      expect(strip(vsNamed(after.objects, 'httpd-server'))).toEqual(
        strip(vsNamed(input.objects, 'httpd-server')),
      );
      expect(vsNamed(after.objects, 'mysql-server')).toEqual(
        vsNamed(input.objects, 'mysql-server'),
      );
      expect(after.objects.destinationRules).toEqual(
        input.objects.destinationRules,
      );
    });

    it('tests the resourceVersion and the replaced route before writing', () => {
      const [change] = plan.changes;
      const vs = vsNamed(input.objects, 'httpd-server');
      expect(change.resourceVersion).toBe(vs.metadata.resourceVersion);
      expect(change.patch.slice(0, 2)).toEqual([
        {
          op: 'test',
          path: '/metadata/resourceVersion',
          value: vs.metadata.resourceVersion,
        },
        {
          op: 'test',
          path: '/spec/http/2/route',
          value: vs.spec.http![2].route,
        },
      ]);
      expect(change.patch[2]).toMatchObject({
        op: 'replace',
        path: '/spec/http/2/route',
      });
    });

    it('shows the round robin becoming green 100%', () => {
      expect(splitOf(plan, 'pii-demo.apps.hl.test')).toMatchObject({
        virtualService: 'pii-demo/httpd-server',
        protocol: 'http',
        ruleIndex: 2,
        ruleLabel: 'HTTP rule 3',
        before: [
          { colour: 'blue', percent: 50 },
          { colour: 'green', percent: 50 },
        ],
        after: [
          { colour: 'blue', percent: 0 },
          { colour: 'green', percent: 100 },
        ],
      });
    });

    it('diffs the YAML, showing only the route lines as changed', () => {
      const { diff } = plan.changes[0];
      const changed = diff
        .split('\n')
        .filter(l => /^[+-]\s/.test(l))
        .map(l => l.replace(/\s+/g, ' '));
      expect(changed).toEqual([
        '+ subset: blue',
        '+ weight: 0',
        '+ - destination:',
        '+ host: httpd-server',
        '+ port:',
        '+ number: 80',
        '+ subset: green',
        '+ weight: 100',
      ]);
    });

    it('names the rule it changes as the route list and findings do', () => {
      expect(check(plan, 'changes-something').message).toBe(
        'Changes HTTP rule 3 of VirtualService pii-demo/httpd-server.',
      );
    });

    it('passes every check', () => {
      expect(results(plan)).toEqual({
        'colours-exist': 'pass',
        'only-shared-rules': 'pass',
        'ready-pods': 'pass',
        'no-new-errors': 'pass',
        'changes-something': 'pass',
      });
      expect(plan.resourceVersions).toHaveProperty(
        'demo/VirtualService/pii-demo/httpd-server',
      );
      expect(plan.resourceVersions).toHaveProperty(
        'demo/DestinationRule/pii-demo/mysql-server',
      );
    });
  });

  it('myapp 50/50 → 0/100 sets the weights of the existing destinations', () => {
    const input = myappInput();
    const plan = planSplit({ action: 'split', weights: { v1: 0, v2: 100 } }, [
      input,
    ]);
    const after = applied(input, plan);
    expect(vsNamed(after.objects, 'myapp').spec.http![0].route).toEqual([
      {
        destination: { host: 'myapp', port: { number: 80 }, subset: 'v1' },
        weight: 0,
      },
      {
        destination: { host: 'myapp', port: { number: 80 }, subset: 'v2' },
        weight: 100,
      },
    ]);
    expect(splitOf(plan, 'myapp.example.com')?.after).toEqual([
      { colour: 'v1', percent: 0 },
      { colour: 'v2', percent: 100 },
    ]);
  });

  it('progressive 70/30 → 50/50', () => {
    const input = progressiveInput();
    const plan = planSplit(
      { action: 'split', weights: { blue: 50, green: 50 } },
      [input],
    );
    expect(results(plan)['changes-something']).toBe('pass');
    expect(splitOf(plan, 'progressive.example.com')?.after).toEqual([
      { colour: 'blue', percent: 50 },
      { colour: 'green', percent: 50 },
    ]);
  });

  it('refuses a colour that is not a subset, naming the colours there are', () => {
    const plan = planSplit({ action: 'split', weights: { v1: 50, v3: 50 } }, [
      myappInput(),
    ]);
    expect(check(plan, 'colours-exist')).toMatchObject({
      result: 'fail',
      message: expect.stringContaining('v3 is not a colour'),
    });
    expect(check(plan, 'colours-exist').message).toContain('v1 and v2');
    expect(plan.changes).toEqual([]);
  });

  it('refuses a colour one tier lacks, naming the rule that routes there as the route list does', () => {
    const objects = piiDemo();
    const httpd = objects.destinationRules.find(
      dr => dr.metadata.name === 'httpd-server',
    )!;
    httpd.spec.subsets = httpd.spec.subsets!.filter(s => s.name !== 'green');
    const plan = planSplit({ action: 'switch', colour: 'green' }, [
      pii(objects),
    ]);
    expect(check(plan, 'colours-exist')).toEqual({
      id: 'colours-exist',
      result: 'fail',
      cluster: 'demo',
      message:
        "green is not a subset of DestinationRule pii-demo/httpd-server, which HTTP rule 3 of VirtualService pii-demo/httpd-server routes to: add it with the colour's pod labels, or give it weight 0.",
    });
  });

  it('fails when the colour to receive traffic has no ready pods, naming the tier', () => {
    const plan = planSplit({ action: 'switch', colour: 'green' }, [
      pii(scaled('httpd-server-green', 0)),
    ]);
    expect(check(plan, 'ready-pods')).toMatchObject({
      result: 'fail',
      message: expect.stringMatching(/green .*no ready pods in httpd-server/),
    });
  });

  it('warns when the switch target has fewer ready pods than the colour serving today', () => {
    const plan = planSplit({ action: 'switch', colour: 'green' }, [
      pii(scaled('httpd-server-blue', 3)),
    ]);
    expect(check(plan, 'ready-pods')).toMatchObject({
      result: 'warn',
      message: expect.stringContaining(
        'green has 2 ready pods, fewer than the 4 of blue',
      ),
    });
  });

  it('refuses a plan that changes nothing', () => {
    const plan = planSplit({ action: 'switch', colour: 'v2' }, [
      myappInput(myappAt([0, 100])),
    ]);
    expect(plan.changes).toEqual([]);
    expect(check(plan, 'changes-something')).toEqual({
      id: 'changes-something',
      result: 'fail',
      message: 'Every shared host already sends v2 100%: nothing to change.',
    });
  });

  it('says so when the cutover removes an error, such as traffic to a missing subset', () => {
    const objects = myapp();
    vsNamed(objects, 'myapp').spec.http![0].route![1].destination.subset = 'v3';
    const plan = planSplit({ action: 'switch', colour: 'v1' }, [
      myappInput(objects),
    ]);
    expect(check(plan, 'no-new-errors')).toMatchObject({
      result: 'pass',
      message: expect.stringContaining('It resolves'),
    });
    const after = applied(myappInput(objects), plan);
    expect(vsNamed(after.objects, 'myapp').spec.http![0].route).toEqual([
      {
        destination: { host: 'myapp', port: { number: 80 }, subset: 'v1' },
        weight: 100,
      },
      {
        destination: { host: 'myapp', port: { number: 80 }, subset: 'v2' },
        weight: 0,
      },
    ]);
  });

  it('refuses to change a rule that also keeps in-mesh affinity', () => {
    const objects = myapp();
    const vs = vsNamed(objects, 'myapp');
    vs.spec.gateways = ['myapp-gateway', 'mesh'];
    // One rule both decides the shared host (block 2) and keeps v1 callers on v1 (block 1).
    vs.spec.http = [
      {
        match: [
          { sourceLabels: { version: 'v1' } },
          { gateways: ['myapp-gateway'] },
        ],
        route: [{ destination: { host: 'myapp', subset: 'v1' } }],
      },
    ];
    const plan = planSplit({ action: 'switch', colour: 'v2' }, [
      myappInput(objects),
    ]);
    expect(check(plan, 'only-shared-rules')).toMatchObject({
      result: 'fail',
      message: expect.stringContaining(
        'HTTP rule 1 of VirtualService myapp/myapp splits a shared host and is also a mesh-affinity rule',
      ),
    });
    expect(plan.changes).toEqual([]);
  });

  it('plans every cluster, keyed by cluster in the resourceVersions', () => {
    const plan = planSplit({ action: 'switch', colour: 'v2' }, [
      myappInput(),
      { ...myappInput(), cluster: 'other' },
    ]);
    expect(plan.clusters).toEqual(['demo', 'other']);
    expect(plan.changes.map(c => c.cluster)).toEqual(['demo', 'other']);
    expect(check(plan, 'changes-something').message).toBe(
      'Changes HTTP rule 1 of VirtualService myapp/myapp in cluster demo; HTTP rule 1 of VirtualService myapp/myapp in cluster other.',
    );
    expect(Object.keys(plan.resourceVersions)).toEqual(
      expect.arrayContaining([
        'demo/VirtualService/myapp/myapp',
        'other/VirtualService/myapp/myapp',
      ]),
    );
  });
});

describe('planRollback', () => {
  it('restores exactly the routes the applied cutover replaced', () => {
    const input = pii();
    const cutover = planSplit({ action: 'switch', colour: 'green' }, [input]);
    const afterCutover = applied(input, cutover);

    const plan = planRollback({ id: 'c1', plan: cutover }, [afterCutover]);
    expect(results(plan)).toMatchObject({
      'rollback-target': 'pass',
      'changes-something': 'pass',
    });
    const restored = applied(afterCutover, plan);
    expect(vsNamed(restored.objects, 'httpd-server').spec).toEqual(
      vsNamed(input.objects, 'httpd-server').spec,
    );
    expect(splitOf(plan, 'pii-demo.apps.hl.test')?.after).toEqual([
      { colour: 'blue', percent: 50 },
      { colour: 'green', percent: 50 },
    ]);
  });

  it('myapp 0/100 back to 50/50', () => {
    const input = myappInput();
    const cutover = planSplit({ action: 'switch', colour: 'v2' }, [input]);
    const plan = planRollback({ id: 'c1', plan: cutover }, [
      applied(input, cutover),
    ]);
    expect(splitOf(plan, 'myapp.example.com')?.after).toEqual([
      { colour: 'v1', percent: 50 },
      { colour: 'v2', percent: 50 },
    ]);
  });

  it('refuses to overwrite a route someone changed after the cutover', () => {
    const input = myappInput();
    const cutover = planSplit({ action: 'switch', colour: 'v2' }, [input]);
    const changed = applied(input, cutover);
    vsNamed(changed.objects, 'myapp').spec.http![0].route![0].weight = 10;
    vsNamed(changed.objects, 'myapp').spec.http![0].route![1].weight = 90;

    const plan = planRollback({ id: 'c1', plan: cutover }, [changed]);
    expect(check(plan, 'rollback-target')).toMatchObject({
      result: 'fail',
      message: expect.stringContaining(
        'HTTP rule 1 of VirtualService myapp/myapp changed since cutover c1 was applied: its destinations differ from what the cutover wrote',
      ),
    });
    expect(plan.changes).toEqual([]);
  });
});
