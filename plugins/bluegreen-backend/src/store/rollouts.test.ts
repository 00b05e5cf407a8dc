/*
 * The rollout writes of the cutover store, on SQLite and PostgreSQL: each step is one
 * conditional update, so two replicas acting on the revision they both read write it once.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DEFAULT_ROLLOUT_GATES,
  type RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import knexFactory, { type Knex } from 'knex';
import { DatabaseCutoverStore } from './DatabaseCutoverStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const state: RolloutState = {
  colour: 'green',
  from: 'blue',
  steps: [10, 50, 100],
  intervalSeconds: 30,
  mode: 'auto',
  gates: DEFAULT_ROLLOUT_GATES,
  current: 0,
  paused: false,
  noDataCount: 0,
  targets: [
    { cluster: 'east', namespace: 'shop', service: 'web', version: 'green' },
  ],
  history: [
    {
      index: 0,
      weights: { green: 10, blue: 90 },
      appliedAt: '2026-12-10T12:00:00.000Z',
      appliedBy: 'user:default/bob',
      evaluations: [],
      verdict: 'watching',
    },
  ],
};

const routes = [
  {
    cluster: 'east',
    object: {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      namespace: 'shop',
      name: 'web',
    },
    path: '/spec/http/0/route',
    before: [{ destination: { host: 'web', subset: 'blue' }, weight: 100 }],
    written: [{ destination: { host: 'web', subset: 'green' }, weight: 10 }],
  },
];

const clients: Knex[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.destroy()));
});

/** Two stores on one database as two replicas have them (one shared connection on SQLite). */
async function replicas(id: 'SQLITE_3' | 'POSTGRES_15') {
  const base = await databases.init(id);
  const open = () => {
    if (id === 'SQLITE_3') return base;
    const client = knexFactory({
      client: base.client.config.client,
      connection: base.client.config.connection,
      pool: { min: 0, max: 2 },
    });
    clients.push(client);
    return client;
  };
  const store = (knex: Knex) =>
    DatabaseCutoverStore.create({ database: { getClient: async () => knex } });
  return [await store(open()), await store(open())] as const;
}

/** A cutover moved to `progressing` with its first step, as the service does on apply. */
async function progressing(store: DatabaseCutoverStore, dueAt: Date) {
  const created = await store.create({
    entityRef: 'component:default/web',
    action: { action: 'progressive', colour: 'green', steps: [10, 50, 100] },
    reason: 'release 2',
    requestedBy: 'user:default/alice',
    approvalsRequired: 0,
    plan: {
      clusters: ['east'],
      changes: [],
      splits: [],
      checks: [],
      resourceVersions: {},
    },
    expiresAt: new Date(Date.now() + 3600_000),
  });
  await store.transition(created.id, ['requested'], 'applying', {
    actor: 'user:default/alice',
    type: 'applying',
  });
  return (await store.transition(created.id, ['applying'], 'progressing', {
    actor: 'plugin:bluegreen',
    type: 'step',
    rollout: { state, routes, dueAt },
  }))!;
}

describe('rollouts in the cutover store', () => {
  it.each(databases.eachSupportedId())(
    'reads a rollout back with its routes, due only once its time came, %p',
    async id => {
      const [store] = await replicas(id as 'SQLITE_3');
      const due = new Date(Date.now() + 30_000);
      const cutover = await progressing(store, due);
      expect(cutover.status).toBe('progressing');
      expect(cutover.rollout).toEqual(state);
      expect(await store.dueRollouts(new Date())).toEqual([]);
      const [record] = await store.dueRollouts(new Date(due.getTime() + 1));
      expect(record.cutover.id).toBe(cutover.id);
      expect(record.routes).toEqual(routes);
      // Still open: a second request of the entity is refused.
      expect(await store.findOpen('component:default/web')).toMatchObject({
        id: cutover.id,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'applies a step once when two replicas write the revision they both read, %p',
    async id => {
      const [a, b] = await replicas(id as 'SQLITE_3');
      const cutover = await progressing(a, new Date());
      const [read] = await a.dueRollouts(new Date());
      const step = (by: DatabaseCutoverStore) =>
        by.updateRollout(
          cutover.id,
          read.revision,
          { state: { ...state, current: 1 }, routes, dueAt: new Date() },
          { actor: 'plugin:bluegreen', type: 'step', comment: 'Step 2' },
        );
      const results = await Promise.all([step(a), step(b)]);
      expect(results.filter(r => r !== undefined)).toHaveLength(1);
      const steps = (await a.events(cutover.id)).filter(e => e.type === 'step');
      expect(steps.map(e => e.comment)).toEqual([undefined, 'Step 2']);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a request made after the engine read the rollout, and clears the one it acted on, %p',
    async id => {
      const [store] = await replicas(id as 'SQLITE_3');
      const cutover = await progressing(store, new Date(Date.now() + 60_000));
      await store.requestRollout(cutover.id, 'promote', 'user:default/alice');
      const [read] = await store.dueRollouts(new Date());
      expect(read.cutover.rollout.promoteRequestedBy).toBe(
        'user:default/alice',
      );
      await store.requestRollout(cutover.id, 'abort', 'user:default/bob');
      await store.updateRollout(cutover.id, read.revision, {
        state,
        routes,
        dueAt: new Date(Date.now() + 60_000),
        handled: { promoteBy: 'user:default/alice' },
      });
      const after = (await store.get(cutover.id))!;
      expect(after.rollout?.promoteRequestedBy).toBeUndefined();
      expect(after.rollout?.abortRequestedBy).toBe('user:default/bob');
      // An abort waiting makes it due at once, whatever its next evaluation.
      expect(await store.dueRollouts(new Date())).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'ends a rollout only from the revision read, and leaves no request behind, %p',
    async id => {
      const [store] = await replicas(id as 'SQLITE_3');
      const cutover = await progressing(store, new Date());
      const [read] = await store.dueRollouts(new Date());
      await store.requestRollout(cutover.id, 'abort', 'user:default/bob');
      const end = (revision: number) =>
        store.transition(cutover.id, ['progressing'], 'rolled-back', {
          actor: 'user:default/bob',
          type: 'rolled-back',
          rollout: { state, routes, dueAt: null, expectedRevision: revision },
        });
      expect(await end(read.revision + 1)).toBeUndefined();
      const ended = await end(read.revision);
      expect(ended?.status).toBe('rolled-back');
      expect(ended?.rollout?.abortRequestedBy).toBeUndefined();
      expect(await store.findOpen('component:default/web')).toBeUndefined();
      expect(await store.dueRollouts(new Date())).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'hides a claimed rollout from every replica, requests included, until its tick writes or the claim expires, %p',
    async id => {
      const [a, b] = await replicas(id as 'SQLITE_3');
      const cutover = await progressing(a, new Date());
      const [read] = await a.dueRollouts(new Date());
      const claim = (by: DatabaseCutoverStore, until: Date) =>
        by.claimRollout(cutover.id, read.revision, 'engine-a', until);
      const minute = new Date(Date.now() + 60_000);
      expect(await Promise.all([claim(a, minute), claim(b, minute)])).toEqual(
        expect.arrayContaining([true, false]),
      );
      await b.requestRollout(cutover.id, 'abort', 'user:default/bob');
      expect(await b.dueRollouts(new Date())).toEqual([]);

      // The tick's write ends the claim: the abort is due at once.
      await a.updateRollout(cutover.id, read.revision + 1, {
        state,
        routes,
        dueAt: minute,
      });
      const [next] = await b.dueRollouts(new Date());
      expect(next).toMatchObject({ interrupted: false });
      expect(next.cutover.rollout.abortRequestedBy).toBe('user:default/bob');

      // A claim never written back is due once it expires, marked interrupted.
      expect(
        await b.claimRollout(
          cutover.id,
          next.revision,
          'engine-b',
          new Date(Date.now() + 200),
        ),
      ).toBe(true);
      expect(await a.dueRollouts(new Date())).toEqual([]);
      const [abandoned] = await a.dueRollouts(new Date(Date.now() + 400));
      expect(abandoned).toMatchObject({
        revision: next.revision + 1,
        interrupted: true,
      });
    },
  );
});
