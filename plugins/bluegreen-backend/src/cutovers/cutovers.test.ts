import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import type {
  ClusterBlueGreenState,
  Cutover,
  CutoverHistory,
  CutoverList,
  CutoverPreview,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeTestServer,
  SCENARIOS_DIR,
  startKubeTestServer,
} from '@internal/kube-test-server';
import {
  TestBackend,
  generatedServices,
  startBlueGreenBackend,
} from './__testUtils__/testBackend';
import { virtualServices, weightsOf } from './__testUtils__/virtualServices';

/*
 * Cutovers end to end: requested, previewed, approved by another user, applied to the Kubernetes
 * API test server over real HTTP and read back, rolled back, recorded in the history.
 */

async function readVs(kube: KubeTestServer, namespace: string, name: string) {
  return virtualServices(kube).get(namespace, name);
}

async function patchVs(
  kube: KubeTestServer,
  namespace: string,
  name: string,
  patch: object[],
) {
  await virtualServices(kube).patch(namespace, name, patch);
}

/** `metadata.generation` of every VirtualService: each stored spec change adds one, dry runs none. */
async function generations(
  kube: KubeTestServer,
): Promise<Record<string, number>> {
  const list = await virtualServices(kube).list();
  return Object.fromEntries(
    list.items.map((vs: any) => [
      `${vs.metadata.namespace}/${vs.metadata.name}`,
      vs.metadata.generation ?? 0,
    ]),
  );
}

/** How many VirtualService writes landed since `before`. */
async function writesSince(
  kube: KubeTestServer,
  before: Record<string, number>,
) {
  const now = await generations(kube);
  return Object.entries(now).reduce(
    (n, [key, generation]) => n + generation - (before[key] ?? 0),
    0,
  );
}

describe('cutovers against the Kubernetes API test server', () => {
  let kube: KubeTestServer;
  let backend: TestBackend;

  const demoState = async (entityRef: string) => {
    const res = await backend
      .as('vera')
      .get(`/state?entityRef=${encodeURIComponent(entityRef)}`);
    return (res.body.clusters as ClusterBlueGreenState[]).find(
      c => c.cluster === 'demo',
    )!;
  };

  beforeAll(async () => {
    kube = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      objects: generatedServices(),
    });
    backend = await startBlueGreenBackend(kube);
  });

  afterAll(async () => {
    await backend?.stop();
    await kube?.close();
  });

  let start: Record<string, number>;
  beforeEach(async () => {
    kube.clearFaults();
    start = await generations(kube);
  });
  const writes = () => writesSince(kube, start);

  describe('myapp: the seed cutover 50/50 → 0/100, approved by a second person, then rolled back', () => {
    it('goes from request to applied and back, with every step in the history', async () => {
      const preview: CutoverPreview = (
        await backend.as('alice').post('/cutovers/preview', {
          entityRef: 'component:default/myapp',
          action: { action: 'split', weights: { v1: 0, v2: 100 } },
        })
      ).body;
      expect(preview.canRequest).toBe(true);
      expect(preview.approvalsRequired).toBe(1);
      expect(preview.plan.checks.map(c => [c.id, c.result])).toEqual(
        expect.arrayContaining([
          ['dry-run', 'pass'],
          ['no-open-cutover', 'pass'],
          ['changes-something', 'pass'],
        ]),
      );
      expect(await writes()).toBe(0);

      const requested = await backend.requestCutover('alice', {
        entityRef: 'component:default/myapp',
        action: { action: 'split', weights: { v1: 0, v2: 100 } },
        reason: 'v2 passed QA',
      });
      expect(requested).toMatchObject({
        status: 'requested',
        requestedBy: 'user:default/alice',
        approvalsRequired: 1,
        approvals: [],
      });
      expect(weightsOf(await readVs(kube, 'myapp', 'myapp'))).toEqual({
        v1: 50,
        v2: 50,
      });

      const selfApproval = await backend
        .as('alice')
        .post(`/cutovers/${requested.id}/approve`);
      expect(selfApproval.status).toBe(403);
      expect(selfApproval.body.error.message).toBe(
        `You requested cutover ${requested.id}: another person must approve it.`,
      );

      const approvable: CutoverList = (
        await backend.as('bob').get('/cutovers?approvableBy=me')
      ).body;
      expect(approvable.items.map(c => c.id)).toContain(requested.id);
      expect(
        (await backend.as('alice').get('/cutovers?approvableBy=me')).body.items,
      ).toEqual([]);

      const approved = await backend
        .as('bob')
        .post(`/cutovers/${requested.id}/approve`, { comment: 'go' });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'applied',
        approvals: [{ by: 'user:default/bob', comment: 'go' }],
        outcome: { verified: true },
      });
      expect(weightsOf(await readVs(kube, 'myapp', 'myapp'))).toEqual({
        v1: 0,
        v2: 100,
      });
      expect(await writes()).toBe(1);
      const after = await demoState('component:default/myapp');
      expect(after.activeColour).toBe('v2');

      const rollback = await backend.requestCutover('alice', {
        entityRef: 'component:default/myapp',
        action: { action: 'rollback' },
        reason: 'errors on v2',
      });
      expect(rollback).toMatchObject({
        status: 'applied',
        rollbackOf: requested.id,
        approvalsRequired: 0,
      });
      expect(weightsOf(await readVs(kube, 'myapp', 'myapp'))).toEqual({
        v1: 50,
        v2: 50,
      });

      const history: CutoverHistory = (
        await backend
          .as('vera')
          .get('/history?entityRef=component:default/myapp')
      ).body;
      const steps = history.events
        .filter(e => [requested.id, rollback.id].includes(e.cutoverId))
        .map(e => [
          e.cutoverId === requested.id ? 'switch' : 'rollback',
          e.type,
          e.actor,
        ])
        .reverse();
      expect(steps).toEqual([
        ['switch', 'requested', 'user:default/alice'],
        ['switch', 'approved', 'user:default/bob'],
        ['switch', 'applying', expect.any(String)],
        ['switch', 'applied', 'plugin:bluegreen'],
        ['rollback', 'requested', 'user:default/alice'],
        ['rollback', 'approved', 'user:default/alice'],
        ['rollback', 'applying', expect.any(String)],
        ['rollback', 'applied', 'plugin:bluegreen'],
      ]);
      const appliedEvent = history.events.find(
        e => e.cutoverId === requested.id && e.type === 'applied',
      )!;
      expect(appliedEvent.objects).toEqual([
        expect.objectContaining({
          cluster: 'demo',
          object: expect.objectContaining({
            name: 'myapp',
            namespace: 'myapp',
          }),
          resourceVersionBefore: expect.any(String),
          resourceVersionAfter: expect.any(String),
        }),
      ]);
    });
  });

  describe('pii-demo: switch to green, then roll back', () => {
    it('changes only the shared host rule; colour hosts and both affinities stay byte for byte', async () => {
      const httpdBefore = await readVs(kube, 'pii-demo', 'httpd-server');
      const mysqlBefore = await readVs(kube, 'pii-demo', 'mysql-server');

      const cutover = await backend.requestCutover('carol', {
        entityRef: 'component:default/pii-demo',
        action: { action: 'switch', colour: 'green' },
        reason: 'release 0.3',
      });
      const approved = await backend
        .as('bob')
        .post(`/cutovers/${cutover.id}/approve`);
      expect(approved.body.status).toBe('applied');

      const httpd = await readVs(kube, 'pii-demo', 'httpd-server');
      const sharedRule = cutover.plan.changes[0].paths[0];
      expect(sharedRule).toMatch(/^spec\.http\[\d\]\.route$/);
      const index = Number(/\[(\d)\]/.exec(sharedRule)![1]);
      expect(httpd.spec.http[index].route).toEqual([
        expect.objectContaining({
          destination: expect.objectContaining({ subset: 'blue' }),
          weight: 0,
        }),
        expect.objectContaining({
          destination: expect.objectContaining({ subset: 'green' }),
          weight: 100,
        }),
      ]);
      const otherRules = (spec: any) =>
        spec.http.filter((_: unknown, i: number) => i !== index);
      expect(otherRules(httpd.spec)).toEqual(otherRules(httpdBefore.spec));
      expect({ ...httpd.spec, http: undefined }).toEqual({
        ...httpdBefore.spec,
        http: undefined,
      });
      expect(await readVs(kube, 'pii-demo', 'mysql-server')).toEqual(
        mysqlBefore,
      );
      const state = await demoState('component:default/pii-demo');
      expect(
        state.routes.filter(r => r.classification === 'tcp-affinity'),
      ).toHaveLength(2);

      const rollback = await backend.requestCutover('carol', {
        entityRef: 'component:default/pii-demo',
        action: { action: 'rollback' },
        reason: 'back to blue/green round robin',
      });
      expect(rollback.status).toBe('applied');
      expect((await readVs(kube, 'pii-demo', 'httpd-server')).spec).toEqual(
        httpdBefore.spec,
      );
    });
  });

  it('progressive: 70/30 → 50/50', async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/progressive-app',
      action: { action: 'split', weights: { blue: 50, green: 50 } },
      reason: 'next step',
    });
    expect(cutover.plan.splits[0]).toMatchObject({
      virtualService: 'progressive/progressive-app',
      ruleLabel: 'HTTP rule 1',
      before: [
        { colour: 'blue', percent: 70 },
        { colour: 'green', percent: 30 },
      ],
      after: [
        { colour: 'blue', percent: 50 },
        { colour: 'green', percent: 50 },
      ],
    });
    await backend.as('bob').post(`/cutovers/${cutover.id}/approve`);
    expect(
      weightsOf(await readVs(kube, 'progressive', 'progressive-app')),
    ).toEqual({ blue: 50, green: 50 });
  });

  it('applies on request when the entity needs no approval', async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/auto',
      action: { action: 'switch', colour: 'green' },
      reason: 'auto',
    });
    expect(cutover.status).toBe('applied');
    expect(weightsOf(await readVs(kube, 'auto', 'svc-1'))).toEqual({
      blue: 0,
      green: 100,
    });
  });

  it('waits for two distinct approvers when the entity asks for two', async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/pair',
      action: { action: 'switch', colour: 'green' },
      reason: 'pair',
    });
    const first = await backend
      .as('bob')
      .post(`/cutovers/${cutover.id}/approve`);
    expect(first.body).toMatchObject({
      status: 'requested',
      approvals: [{ by: 'user:default/bob' }],
    });
    const again = await backend
      .as('bob')
      .post(`/cutovers/${cutover.id}/approve`);
    expect(again.status).toBe(409);
    expect(await writes()).toBe(0);
    const second = await backend
      .as('carol')
      .post(`/cutovers/${cutover.id}/approve`);
    expect(second.body.status).toBe('applied');
  });

  it('keeps one open request per entity, naming the open one', async () => {
    const first = await backend.requestCutover('alice', {
      entityRef: 'component:default/open',
      action: { action: 'switch', colour: 'green' },
      reason: 'one',
    });
    const second = await backend.as('bob').post('/cutovers', {
      entityRef: 'component:default/open',
      action: { action: 'split', weights: { blue: 50, green: 50 } },
      reason: 'two',
    });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(first.id);
    await backend.as('alice').post(`/cutovers/${first.id}/cancel`);
  });

  it('rejects and cancels: the right person, only while requested, nothing written', async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/reject',
      action: { action: 'switch', colour: 'green' },
      reason: 'try',
    });
    expect(
      (await backend.as('bob').post(`/cutovers/${cutover.id}/cancel`)).status,
    ).toBe(403);
    expect(
      (await backend.as('alice').post(`/cutovers/${cutover.id}/reject`)).status,
    ).toBe(403);
    const rejected = await backend
      .as('bob')
      .post(`/cutovers/${cutover.id}/reject`, { comment: 'not today' });
    expect(rejected.body.status).toBe('rejected');
    const late = await backend
      .as('carol')
      .post(`/cutovers/${cutover.id}/approve`);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('rejected');
    expect(await writes()).toBe(0);
  });

  it('50 concurrent approvals of one request: exactly one apply, 49 clear conflicts', async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/race',
      action: { action: 'switch', colour: 'green' },
      reason: 'race',
    });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        backend.as(`approver-${i}`).post(`/cutovers/${cutover.id}/approve`),
      ),
    );
    const statuses = answers.map(a => a.status).sort();
    expect(statuses.filter(s => s === 200)).toHaveLength(1);
    expect(statuses.filter(s => s === 409)).toHaveLength(49);
    expect(answers.find(a => a.status === 409)!.body.error.message).toMatch(
      /not awaiting approval/,
    );
    expect(await writes()).toBe(1);
    const final: Cutover = (
      await backend.as('alice').get(`/cutovers/${cutover.id}`)
    ).body;
    expect(final.status).toBe('applied');
    expect(final.approvals).toHaveLength(1);
  });

  describe('faults', () => {
    async function requestSwitch(namespace: string) {
      return backend.requestCutover('alice', {
        entityRef: `component:default/${namespace}`,
        action: { action: 'switch', colour: 'green' },
        reason: 'fault test',
      });
    }
    const untouched = { blue: 100, green: 0 };

    it('a 500 on the PATCH: failed, nothing changed', async () => {
      const cutover = await requestSwitch('fault500');
      kube.injectFault({
        type: 'error',
        verb: 'patch',
        path: 'virtualservices/svc-1$',
        status: 500,
        message: 'etcd is down',
      });
      const res = await backend
        .as('bob')
        .post(`/cutovers/${cutover.id}/approve`);
      expect(res.body.status).toBe('failed');
      expect(res.body.outcome.message).toContain('etcd is down');
      expect(res.body.outcome.message).toContain('Nothing was changed.');
      expect(weightsOf(await readVs(kube, 'fault500', 'svc-1'))).toEqual(
        untouched,
      );
    });

    it('a dropped connection on the PATCH: failed, and the object read back says it did not land', async () => {
      const cutover = await requestSwitch('faultdrop');
      kube.injectFault({
        type: 'drop',
        verb: 'patch',
        path: 'virtualservices/svc-1$',
      });
      const res = await backend
        .as('bob')
        .post(`/cutovers/${cutover.id}/approve`);
      expect(res.body.status).toBe('failed');
      expect(weightsOf(await readVs(kube, 'faultdrop', 'svc-1'))).toEqual(
        untouched,
      );
    });

    it('a PATCH answered after the timeout: the late write is found and reverted', async () => {
      const cutover = await requestSwitch('faultlate');
      kube.injectFault({
        type: 'latency',
        verb: 'patch',
        path: 'virtualservices/svc-1$',
        latencyMs: 3000,
        count: 1,
      });
      const res = await backend
        .as('bob')
        .post(`/cutovers/${cutover.id}/approve`);
      expect(res.body.status).toBe('failed');
      expect(res.body.outcome.message).toContain('did not answer');
      expect(res.body.outcome.objects).toEqual([
        expect.objectContaining({ result: 'reverted' }),
      ]);
      expect(weightsOf(await readVs(kube, 'faultlate', 'svc-1'))).toEqual(
        untouched,
      );
    }, 20_000);

    it('the object changed between plan and approval: superseded, the change kept', async () => {
      const cutover = await requestSwitch('faultchanged');
      await patchVs(kube, 'faultchanged', 'svc-1', [
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 80 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 20 },
      ]);
      const res = await backend
        .as('bob')
        .post(`/cutovers/${cutover.id}/approve`);
      expect(res.body.status).toBe('superseded');
      expect(res.body.outcome.changed).toEqual([
        'demo/VirtualService/faultchanged/svc-1',
      ]);
      expect(weightsOf(await readVs(kube, 'faultchanged', 'svc-1'))).toEqual({
        blue: 80,
        green: 20,
      });
      expect(await writes()).toBe(1); // the test's own patch only
    });

    it('a mutating webhook changes the weights on the way in: applied, not verified, saying so', async () => {
      const cutover = await requestSwitch('faultmutated');
      kube.injectFault({
        type: 'mutate',
        verb: 'patch',
        path: 'virtualservices/svc-1$',
        patch: [
          { op: 'replace', path: '/spec/http/0/route/0/weight', value: 50 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: 50 },
        ],
      });
      const res = await backend
        .as('bob')
        .post(`/cutovers/${cutover.id}/approve`);
      expect(res.body.status).toBe('applied');
      expect(res.body.outcome.verified).toBe(false);
      expect(res.body.outcome.message).toMatch(
        /The routes the cluster stored do not show the requested split on every shared host: something changed them on the way in \(a mutating admission webhook, or a controller that owns them\)\. Check the Blue\/Green tab\.$/,
      );
      expect(weightsOf(await readVs(kube, 'faultmutated', 'svc-1'))).toEqual({
        blue: 50,
        green: 50,
      });
    });

    it('a failure on the second of two objects: the first is reverted with its own tested patch', async () => {
      const before = [
        await readVs(kube, 'twotier', 'svc-1'),
        await readVs(kube, 'twotier', 'svc-2'),
      ];
      const cutover = await backend.requestCutover('alice', {
        entityRef: 'component:default/two-tier',
        action: { action: 'split', weights: { blue: 50, green: 50 } },
        reason: 'two objects',
      });
      expect(cutover.plan.changes).toHaveLength(2);
      const second = cutover.plan.changes[1].object.name;
      kube.injectFault({
        type: 'error',
        verb: 'patch',
        path: `virtualservices/${second}$`,
        status: 503,
      });
      const res = await backend
        .as('bob')
        .post(`/cutovers/${cutover.id}/approve`);
      expect(res.body.status).toBe('failed');
      expect(res.body.outcome.objects).toEqual([
        expect.objectContaining({ result: 'reverted' }),
        expect.objectContaining({ result: 'not-written' }),
      ]);
      expect((await readVs(kube, 'twotier', 'svc-1')).spec).toEqual(
        before[0].spec,
      );
      expect((await readVs(kube, 'twotier', 'svc-2')).spec).toEqual(
        before[1].spec,
      );
    });
  });

  describe('bad input changes nothing', () => {
    const valid = {
      entityRef: 'component:default/badinput',
      action: { action: 'switch', colour: 'green' },
      reason: 'ok',
    };
    const cases: Array<[string, string, object | undefined, number, RegExp]> = [
      ['no body', '/cutovers', undefined, 400, /entityRef/],
      [
        'no entityRef',
        '/cutovers',
        { ...valid, entityRef: undefined },
        400,
        /entityRef is required/,
      ],
      [
        'malformed entityRef',
        '/cutovers',
        { ...valid, entityRef: 'component:default/' },
        400,
        /not an entity reference/,
      ],
      [
        'unknown entity',
        '/cutovers',
        { ...valid, entityRef: 'component:default/nope' },
        404,
        /No catalog entity/,
      ],
      [
        'entity without annotation',
        '/cutovers',
        { ...valid, entityRef: 'component:default/unannotated' },
        400,
        /has no 'bluegreen\/istio-hosts' annotation/,
      ],
      [
        'no action',
        '/cutovers',
        { ...valid, action: undefined },
        400,
        /action/,
      ],
      [
        'unknown action',
        '/cutovers',
        { ...valid, action: { action: 'delete' } },
        400,
        /'switch', 'split', 'rollback' or 'progressive'/,
      ],
      [
        'switch without colour',
        '/cutovers',
        { ...valid, action: { action: 'switch' } },
        400,
        /colour/,
      ],
      [
        'switch to a number',
        '/cutovers',
        { ...valid, action: { action: 'switch', colour: 7 } },
        400,
        /colour is a string/,
      ],
      [
        'colour with capitals',
        '/cutovers',
        { ...valid, action: { action: 'switch', colour: 'Green' } },
        400,
        /subset name/,
      ],
      [
        'colour that does not exist',
        '/cutovers',
        { ...valid, action: { action: 'switch', colour: 'v9' } },
        400,
        /v9 is not a colour/,
      ],
      [
        'split not summing to 100',
        '/cutovers',
        {
          ...valid,
          action: { action: 'split', weights: { blue: 50, green: 49 } },
        },
        400,
        /sum to 100, not 99/,
      ],
      [
        'negative weight',
        '/cutovers',
        {
          ...valid,
          action: { action: 'split', weights: { blue: -10, green: 110 } },
        },
        400,
        /at least 0/,
      ],
      [
        'fractional weight',
        '/cutovers',
        {
          ...valid,
          action: { action: 'split', weights: { blue: 50.5, green: 49.5 } },
        },
        400,
        /whole number/,
      ],
      [
        'weight as a string',
        '/cutovers',
        {
          ...valid,
          action: { action: 'split', weights: { blue: '50', green: 50 } },
        },
        400,
        /a weight is a number/,
      ],
      [
        'empty weights',
        '/cutovers',
        { ...valid, action: { action: 'split', weights: {} } },
        400,
        /at least one colour/,
      ],
      [
        'split on an unknown colour',
        '/cutovers',
        {
          ...valid,
          action: { action: 'split', weights: { blue: 50, v3: 50 } },
        },
        400,
        /v3 is not a colour/,
      ],
      [
        'extra field in action',
        '/cutovers',
        {
          ...valid,
          action: { action: 'switch', colour: 'green', force: true },
        },
        400,
        /force/,
      ],
      [
        'extra field in body',
        '/cutovers',
        { ...valid, dryRun: true },
        400,
        /dryRun/,
      ],
      [
        'no reason',
        '/cutovers',
        { ...valid, reason: undefined },
        400,
        /reason is required/,
      ],
      [
        'blank reason',
        '/cutovers',
        { ...valid, reason: '   ' },
        400,
        /reason is required/,
      ],
      [
        'huge reason',
        '/cutovers',
        { ...valid, reason: 'x'.repeat(2001) },
        400,
        /at most 2000/,
      ],
      [
        'acknowledgeWarnings not a boolean',
        '/cutovers',
        { ...valid, acknowledgeWarnings: 'yes' },
        400,
        /acknowledgeWarnings/,
      ],
      [
        'unknown cluster',
        '/cutovers',
        { ...valid, clusters: ['mars'] },
        400,
        /mars is not a cluster/,
      ],
      [
        'empty cluster list',
        '/cutovers',
        { ...valid, clusters: [] },
        400,
        /at least one cluster/,
      ],
      [
        'no-op switch',
        '/cutovers',
        { ...valid, action: { action: 'switch', colour: 'blue' } },
        400,
        /nothing to change/,
      ],
      [
        'rollback without an applied cutover',
        '/cutovers',
        { ...valid, action: { action: 'rollback' } },
        400,
        /no applied cutover to roll back/,
      ],
      [
        'preview with a bad split',
        '/cutovers/preview',
        { ...valid, action: { action: 'split', weights: { blue: 101 } } },
        400,
        /at most 100/,
      ],
      [
        'approve a malformed id',
        '/cutovers/not-a-uuid/approve',
        {},
        400,
        /UUID/,
      ],
      [
        'approve an unknown id',
        '/cutovers/5b1f4c3e-8d5a-4c1e-9a77-3f2b1c0d9e8f/approve',
        {},
        404,
        /No cutover/,
      ],
      [
        'approve with a numeric comment',
        '/cutovers/5b1f4c3e-8d5a-4c1e-9a77-3f2b1c0d9e8f/approve',
        { comment: 5 },
        400,
        /comment is a string/,
      ],
    ];

    it.each(cases)('%s → %d', async (_name, path, body, status, message) => {
      const before = (await backend.as('alice').get('/cutovers?limit=500')).body
        .items.length;
      const generationsBefore = await generations(kube);
      const res = await backend.as('alice').post(path, body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expect(await generations(kube)).toEqual(generationsBefore);
      expect(
        (await backend.as('alice').get('/cutovers?limit=500')).body.items,
      ).toHaveLength(before);
    });

    it.each([
      ['/cutovers?status=done', /status is a comma-separated list/],
      ['/cutovers?approvableBy=bob', /only accepts 'me'/],
      ['/cutovers?limit=0', /limit is at least 1/],
      ['/cutovers?limit=lots', /limit is a number/],
      ['/history', /entityRef is required/],
    ])('GET %s → 400', async (path, message) => {
      const res = await backend.as('alice').get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    });
  });
});

describe('cutovers when the policy denies', () => {
  let kube: KubeTestServer;
  let backend: TestBackend;

  beforeAll(async () => {
    kube = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
    backend = await startBlueGreenBackend(kube, { permissions: 'deny' });
  });
  afterAll(async () => {
    await backend?.stop();
    await kube?.close();
  });

  it('refuses to preview or request with 403 naming the permission, before reading any cluster', async () => {
    kube.resetRequestCounts();
    for (const path of ['/cutovers/preview', '/cutovers']) {
      const res = await backend.as('alice').post(path, {
        entityRef: 'component:default/myapp',
        action: { action: 'switch', colour: 'v2' },
        reason: 'x',
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('bluegreen.cutover.request');
    }
    expect(kube.requestCounts()).toEqual({});
  });
});

describe('who is told about a cutover', () => {
  let kube: KubeTestServer;
  let backend: TestBackend;
  const sent: NotificationSendOptions[] = [];
  const signals: SignalPayload[] = [];
  const audited: Array<{ eventId: string; outcome: string }> = [];

  beforeAll(async () => {
    kube = await startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] });
    backend = await startBlueGreenBackend(kube, {
      features: [
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            send: async (notification: NotificationSendOptions) => {
              sent.push(notification);
            },
          }),
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async (signal: SignalPayload) => {
              signals.push(signal);
            },
          }),
        }),
        mockServices.auditor.mock({
          createEvent: async ({ eventId }) => ({
            success: async () => {
              audited.push({ eventId, outcome: 'success' });
            },
            fail: async () => {
              audited.push({ eventId, outcome: 'fail' });
            },
          }),
        }).factory,
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await kube?.close();
  });

  it("notifies the entity's owners but not the requester, then the requester of the outcome; signals every transition; audits every call", async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/myapp',
      action: { action: 'switch', colour: 'v2' },
      reason: 'v2 passed QA',
    });
    await backend.as('alice').post(`/cutovers/${cutover.id}/approve`);
    await backend.as('bob').post(`/cutovers/${cutover.id}/approve`);

    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: 'component:default/myapp',
          excludeEntityRef: 'user:default/alice',
        },
        payload: expect.objectContaining({
          title: 'Approval needed: switch to v2 of myapp',
          description: 'user:default/alice asks: v2 passed QA',
          link: '/catalog/default/component/myapp/bluegreen',
        }),
      },
      {
        recipients: { type: 'entity', entityRef: 'user:default/alice' },
        payload: expect.objectContaining({
          title: 'Your cutover of myapp was applied: switch to v2',
        }),
      },
    ]);
    expect(signals.map(s => [s.channel, (s.message as any).status])).toEqual([
      ['bluegreen:cutovers', 'requested'],
      ['bluegreen:cutovers', 'applying'],
      ['bluegreen:cutovers', 'applied'],
    ]);
    expect(audited).toEqual([
      { eventId: 'cutover-request', outcome: 'success' },
      { eventId: 'cutover-approve', outcome: 'fail' },
      { eventId: 'cutover-approve', outcome: 'success' },
    ]);
  });
});

describe('an entity in two clusters', () => {
  let east: KubeTestServer;
  let west: KubeTestServer;
  let backend: TestBackend;

  beforeAll(async () => {
    [east, west] = await Promise.all([
      startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] }),
      startKubeTestServer({ scenarioDirs: [SCENARIOS_DIR] }),
    ]);
    backend = await startBlueGreenBackend(east, {
      moreClusters: [{ name: 'west', kube: west }],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await Promise.all([east?.close(), west?.close()]);
  });

  it('changes every cluster by default, recording each object per cluster', async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/myapp',
      action: { action: 'switch', colour: 'v2' },
      reason: 'both regions',
    });
    expect(cutover.plan.clusters).toEqual(['demo', 'west']);
    const applied: Cutover = (
      await backend.as('bob').post(`/cutovers/${cutover.id}/approve`)
    ).body;
    expect(applied.status).toBe('applied');
    expect(applied.outcome?.objects?.map(o => [o.cluster, o.result])).toEqual([
      ['demo', 'written'],
      ['west', 'written'],
    ]);
    for (const kube of [east, west]) {
      expect(weightsOf(await readVs(kube, 'myapp', 'myapp'))).toEqual({
        v1: 0,
        v2: 100,
      });
    }
    await backend.requestCutover('alice', {
      entityRef: 'component:default/myapp',
      action: { action: 'rollback' },
      reason: 'undo',
    });
  });

  it('changes only the clusters the request names', async () => {
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/myapp',
      action: { action: 'split', weights: { v1: 90, v2: 10 } },
      reason: 'west first',
      clusters: ['west'],
    });
    await backend.as('bob').post(`/cutovers/${cutover.id}/approve`);
    expect(weightsOf(await readVs(west, 'myapp', 'myapp'))).toEqual({
      v1: 90,
      v2: 10,
    });
    expect(weightsOf(await readVs(east, 'myapp', 'myapp'))).toEqual({
      v1: 50,
      v2: 50,
    });
  });

  it('writes nothing anywhere when the second cluster refuses, reverting the first', async () => {
    west.injectFault({
      type: 'error',
      verb: 'patch',
      path: 'virtualservices/progressive-app$',
      status: 500,
    });
    const cutover = await backend.requestCutover('alice', {
      entityRef: 'component:default/progressive-app',
      action: { action: 'switch', colour: 'green' },
      reason: 'both',
    });
    const res = await backend.as('bob').post(`/cutovers/${cutover.id}/approve`);
    expect(res.body.status).toBe('failed');
    expect(
      res.body.outcome.objects.map((o: any) => [o.cluster, o.result]),
    ).toEqual([
      ['demo', 'reverted'],
      ['west', 'not-written'],
    ]);
    for (const kube of [east, west]) {
      expect(
        weightsOf(await readVs(kube, 'progressive', 'progressive-app')),
      ).toEqual({ blue: 70, green: 30 });
    }
  });
});
