import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { Cutover } from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeTestServer,
  SCENARIOS_DIR,
  startKubeTestServer,
} from '@internal/kube-test-server';
import { DatabaseCutoverStore } from '../store/DatabaseCutoverStore';
import {
  TestBackend,
  generatedServices,
  startBlueGreenBackend,
} from './__testUtils__/testBackend';
import { virtualServices } from './__testUtils__/virtualServices';

/*
 * Several backends on one database: replicas racing for the same approval, and a backend that
 * stopped half-way through an apply, reconciled by the next one to start.
 */

const twoTierSpecs = async (kube: KubeTestServer) => [
  (await virtualServices(kube).get('twotier', 'svc-1')).spec,
  (await virtualServices(kube).get('twotier', 'svc-2')).spec,
];

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 200));
  }
}

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('replicas on %s', databaseId => {
  let kube: KubeTestServer;
  const backends: TestBackend[] = [];

  beforeEach(async () => {
    kube = await startKubeTestServer({
      scenarioDirs: [SCENARIOS_DIR],
      objects: generatedServices(),
    });
  });

  afterEach(async () => {
    await Promise.all(backends.splice(0).map(b => b.stop()));
    await kube.close();
  });

  async function backend(knex: any, cutovers: Record<string, number> = {}) {
    const started = await startBlueGreenBackend(kube, { knex, cutovers });
    backends.push(started);
    return started;
  }

  it('two backends approving the same request at once apply it once', async () => {
    const knex = await databases.init(databaseId);
    const [a, b] = [await backend(knex), await backend(knex)];
    const cutover = await a.requestCutover('alice', {
      entityRef: 'component:default/race',
      action: { action: 'switch', colour: 'green' },
      reason: 'replicas',
    });
    const before = await virtualServices(kube).get('race', 'svc-1');

    const answers = await Promise.all([
      a.as('bob').post(`/cutovers/${cutover.id}/approve`),
      b.as('carol').post(`/cutovers/${cutover.id}/approve`),
    ]);
    expect(answers.map(r => r.status).sort()).toEqual([200, 409]);
    const after = await virtualServices(kube).get('race', 'svc-1');
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    const final: Cutover = (await b.as('alice').get(`/cutovers/${cutover.id}`))
      .body;
    expect(final.status).toBe('applied');
    expect(final.approvals).toHaveLength(1);
  });

  describe('a backend stopped between two writes', () => {
    async function stoppedHalfway(landed: number) {
      const knex = await databases.init(databaseId);
      const first = await backend(knex, { sweepIntervalSeconds: 1 });
      const original = await twoTierSpecs(kube);
      const cutover = await first.requestCutover('alice', {
        entityRef: 'component:default/two-tier',
        action: { action: 'split', weights: { blue: 50, green: 50 } },
        reason: 'crash test',
      });
      expect(cutover.plan.changes).toHaveLength(2);
      await first.stop();
      backends.splice(backends.indexOf(first), 1);

      // What the stopped backend had done: approved, claimed, `landed` writes sent.
      const store = await DatabaseCutoverStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });
      await store.approve(cutover.id, 'user:default/bob');
      await store.claimForApply(cutover.id, 'stopped-backend', 1);
      for (const change of cutover.plan.changes.slice(0, landed)) {
        await virtualServices(kube).patch(
          change.object.namespace,
          change.object.name,
          change.patch,
        );
      }

      const next = await backend(knex, {
        sweepIntervalSeconds: 1,
        applyLeaseSeconds: 1,
      });
      const reconciled: Cutover = (
        await eventually(
          () => next.as('alice').get(`/cutovers/${cutover.id}`),
          res => !['approved', 'applying'].includes(res.body.status),
        )
      ).body;
      return { original, reconciled };
    }

    it('reverts the write that landed when the other did not', async () => {
      const { original, reconciled } = await stoppedHalfway(1);
      expect(reconciled.status).toBe('failed');
      expect(reconciled.outcome?.message).toContain(
        'On restart 1 of 2 write(s) had landed; they were reverted',
      );
      expect(reconciled.outcome?.objects?.map(o => o.result).sort()).toEqual([
        'not-written',
        'reverted',
      ]);
      expect(await twoTierSpecs(kube)).toEqual(original);
    }, 30_000);

    it('finishes the cutover when every write had landed', async () => {
      const { reconciled } = await stoppedHalfway(2);
      expect(reconciled).toMatchObject({
        status: 'applied',
        outcome: { verified: true },
      });
      const specs = await twoTierSpecs(kube);
      for (const spec of specs) {
        expect(spec.http[0].route.map((r: any) => r.weight)).toEqual([50, 50]);
      }
    }, 30_000);
  });
});
