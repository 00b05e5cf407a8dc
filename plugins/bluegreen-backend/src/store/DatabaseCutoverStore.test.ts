import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import type { CutoverPlan } from '@bluegreen-istio/plugin-bluegreen-common';
import knexFactory, { type Knex } from 'knex';
import type { NewCutover } from './CutoverStore';
import { DatabaseCutoverStore } from './DatabaseCutoverStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const plan: CutoverPlan = {
  clusters: ['east'],
  changes: [
    {
      cluster: 'east',
      object: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        namespace: 'shop',
        name: 'web',
      },
      resourceVersion: '41',
      patch: [
        { op: 'test', path: '/metadata/resourceVersion', value: '41' },
        {
          op: 'replace',
          path: '/spec/http/0/route',
          value: [
            { destination: { host: 'web', subset: 'green' }, weight: 100 },
          ],
        },
      ],
      revertPatch: [{ op: 'remove', path: '/spec/http/0/route/1' }],
      diff: '--- before\n+++ after\n-  subset: blue\n+  subset: green\n',
      paths: ['spec.http[0].route'],
    },
  ],
  splits: [
    {
      cluster: 'east',
      host: 'web.example.com',
      virtualService: 'shop/web',
      protocol: 'http',
      ruleIndex: 0,
      ruleLabel: 'HTTP rule 1',
      viaGateways: ['istio-system/public'],
      before: [
        { colour: 'blue', percent: 100 },
        { colour: null, percent: 0 },
      ],
      after: [{ colour: 'green', percent: 100 }],
    },
  ],
  checks: [
    {
      id: 'ready-pods',
      result: 'warn',
      message: 'green has 1 ready pod, blue 3 — «scale up» first',
      cluster: 'east',
    },
  ],
  resourceVersions: { 'east/VirtualService/shop/web': '41' },
};

const alice = 'user:default/alice';
const bob = 'user:default/bob';
const carol = 'user:default/carol';

function newCutover(overrides: Partial<NewCutover> = {}): NewCutover {
  return {
    entityRef: 'component:default/web',
    action: { action: 'switch', colour: 'green' },
    reason: 'release 2.4',
    requestedBy: alice,
    approvalsRequired: 1,
    plan,
    expiresAt: new Date(Date.now() + 24 * 3600_000),
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const clients: Knex[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map(c => c.destroy()));
});

async function storeOn(knex: Knex) {
  return DatabaseCutoverStore.create({
    database: { getClient: async () => knex },
  });
}

async function makeStore(databaseId: TestDatabaseId) {
  return storeOn(await databases.init(databaseId));
}

/**
 * Two stores on one database, as two backend replicas have. On PostgreSQL each has its own knex
 * client with a pool of `connections`, so their transactions really overlap. SQLite serves one
 * process (better-sqlite3 waits for a lock synchronously, blocking the very transaction it waits
 * for), so there both share the one connection.
 */
async function makeReplicas(
  databaseId: TestDatabaseId,
  connections: number,
): Promise<[DatabaseCutoverStore, DatabaseCutoverStore]> {
  const base = await databases.init(databaseId);
  if (databaseId === 'SQLITE_3') {
    return [await storeOn(base), await storeOn(base)];
  }
  const open = () => {
    const client = knexFactory({
      client: base.client.config.client,
      connection: base.client.config.connection,
      pool: { min: 0, max: connections },
    });
    clients.push(client);
    return client;
  };
  return [await storeOn(open()), await storeOn(open())];
}

describe('DatabaseCutoverStore', () => {
  it.each(databases.eachSupportedId())(
    'stores a cutover and reads it back intact, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const created = await store.create(
        newCutover({
          action: { action: 'split', weights: { blue: 30, green: 70 } },
          rollbackOf: 'f3b3c1a4-0000-4000-8000-000000000000',
        }),
      );

      expect(created).toMatchObject({
        entityRef: 'component:default/web',
        status: 'requested',
        requestedBy: alice,
        reason: 'release 2.4',
        approvalsRequired: 1,
        approvals: [],
        rollbackOf: 'f3b3c1a4-0000-4000-8000-000000000000',
      });
      expect(created.outcome).toBeUndefined();
      expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
      expect(new Date(created.expiresAt).toISOString()).toBe(created.expiresAt);

      const read = await store.get(created.id);
      expect(read).toEqual(created);
      expect(read!.plan).toEqual(plan);
      expect(read!.action).toEqual({
        action: 'split',
        weights: { blue: 30, green: 70 },
      });
      expect(await store.events(created.id)).toEqual([
        expect.objectContaining({
          cutoverId: created.id,
          entityRef: 'component:default/web',
          type: 'requested',
          actor: alice,
          status: 'requested',
          comment: 'release 2.4',
          at: created.createdAt,
        }),
      ]);
      expect(
        await store.get('00000000-0000-4000-8000-000000000000'),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'allows one open cutover per entity, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const first = await store.create(newCutover());

      const second = store.create(newCutover({ requestedBy: bob }));
      await expect(second).rejects.toThrow(ConflictError);
      await expect(second).rejects.toThrow(
        new RegExp(`${first.id} is requested`),
      );
      expect(await store.findOpen('component:default/web')).toEqual(first);

      const other = await store.create(
        newCutover({ entityRef: 'component:default/api' }),
      );
      expect(other.status).toBe('requested');

      await store.transition(first.id, ['requested'], 'cancelled', {
        actor: alice,
        type: 'cancelled',
      });
      expect(await store.findOpen('component:default/web')).toBeUndefined();
      const next = await store.create(newCutover());

      // An approved or applying cutover still holds the entity; an applied one does not.
      await store.approve(next.id, bob);
      await expect(store.create(newCutover())).rejects.toThrow(/is approved/);
      await store.claimForApply(next.id, 'replica-1', 60_000);
      await expect(store.create(newCutover())).rejects.toThrow(/is applying/);
      await store.transition(next.id, ['applying'], 'applied', {
        actor: 'plugin:bluegreen',
        type: 'applied',
        outcome: { message: 'done', verified: true },
      });
      expect(
        await store.findLastApplied('component:default/web'),
      ).toMatchObject({
        id: next.id,
        outcome: { message: 'done', verified: true },
      });
      const after = await store.create(newCutover());
      expect((await store.findOpen('component:default/web'))!.id).toBe(
        after.id,
      );
      expect(
        await store.findLastApplied('component:default/api'),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of concurrent requests for an entity through, %p',
    async databaseId => {
      const [a, b] = await makeReplicas(databaseId, 10);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).create(newCutover({ reason: `attempt ${i}` })),
        ),
      );
      const created = results.filter(r => r.status === 'fulfilled');
      const refused = results.filter(r => r.status === 'rejected');
      expect(created).toHaveLength(1);
      expect(refused).toHaveLength(19);
      for (const r of refused) {
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(
          ConflictError,
        );
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'changes nothing on a transition from the wrong status, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const cutover = await store.create(newCutover());

      expect(
        await store.transition(
          cutover.id,
          ['approved', 'applying'],
          'applied',
          {
            actor: 'plugin:bluegreen',
            type: 'applied',
            outcome: { message: 'should not be stored' },
          },
        ),
      ).toBeUndefined();
      expect(
        await store.transition(cutover.id, [], 'cancelled', {
          actor: alice,
          type: 'cancelled',
        }),
      ).toBeUndefined();
      expect(
        await store.claimForApply(cutover.id, 'replica-1', 60_000),
      ).toBeUndefined();
      expect(
        await store.transition(
          '00000000-0000-4000-8000-000000000000',
          ['requested'],
          'cancelled',
          {
            actor: alice,
            type: 'cancelled',
          },
        ),
      ).toBeUndefined();
      expect(await store.get(cutover.id)).toEqual(cutover);
      expect(await store.events(cutover.id)).toHaveLength(1);

      const rejected = await store.transition(
        cutover.id,
        ['requested'],
        'rejected',
        {
          actor: bob,
          type: 'rejected',
          comment: 'not during the sale',
        },
      );
      expect(rejected).toMatchObject({ status: 'rejected' });
      expect(
        await store.transition(cutover.id, ['requested'], 'cancelled', {
          actor: alice,
          type: 'cancelled',
        }),
      ).toBeUndefined();
      expect(
        (await store.events(cutover.id)).map(e => [e.type, e.actor, e.comment]),
      ).toEqual([
        ['requested', alice, 'release 2.4'],
        ['rejected', bob, 'not during the sale'],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'counts distinct approvals and approves on the last one needed, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const cutover = await store.create(newCutover({ approvalsRequired: 2 }));

      const one = await store.approve(cutover.id, bob, 'looks right');
      expect(one.complete).toBe(false);
      expect(one.cutover.status).toBe('requested');
      expect(one.cutover.approvals).toEqual([
        { by: bob, at: expect.any(String), comment: 'looks right' },
      ]);

      const two = await store.approve(cutover.id, carol);
      expect(two.complete).toBe(true);
      expect(two.cutover.status).toBe('approved');
      expect(two.cutover.approvals.map(a => a.by)).toEqual([bob, carol]);
      expect(two.cutover.approvals[1]).not.toHaveProperty('comment');

      const late = store.approve(cutover.id, 'user:default/dave');
      await expect(late).rejects.toThrow(ConflictError);
      await expect(late).rejects.toThrow(
        `cutover ${cutover.id} is approved, not awaiting approval`,
      );
      expect(await store.get(cutover.id)).toEqual(two.cutover);
      expect(
        (await store.events(cutover.id)).map(e => [e.type, e.actor, e.status]),
      ).toEqual([
        ['requested', alice, 'requested'],
        ['approved', bob, 'requested'],
        ['approved', carol, 'approved'],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a second approval by the same person and keeps the count, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const cutover = await store.create(newCutover({ approvalsRequired: 2 }));
      await store.approve(cutover.id, bob);

      const again = store.approve(cutover.id, bob, 'twice');
      await expect(again).rejects.toThrow(ConflictError);
      await expect(again).rejects.toThrow(/already approved/);
      const read = await store.get(cutover.id);
      expect(read!.status).toBe('requested');
      expect(read!.approvals.map(a => a.by)).toEqual([bob]);
      expect(await store.events(cutover.id)).toHaveLength(2);

      // Had the refused approval counted, this would be the third, not the second.
      const last = await store.approve(cutover.id, carol);
      expect(last.complete).toBe(true);
      expect(last.cutover.approvals.map(a => a.by)).toEqual([bob, carol]);
    },
  );

  it.each(databases.eachSupportedId())(
    'approves once when 50 people approve at the same moment on two replicas, %p',
    async databaseId => {
      const [a, b] = await makeReplicas(databaseId, 25);
      const cutover = await a.create(newCutover());

      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? a : b).approve(cutover.id, `user:default/approver-${i}`),
        ),
      );
      const approved = results.filter(r => r.status === 'fulfilled');
      const refused = results.filter(r => r.status === 'rejected');
      expect(approved).toHaveLength(1);
      expect(refused).toHaveLength(49);
      for (const r of refused) {
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(
          ConflictError,
        );
        expect(String((r as PromiseRejectedResult).reason)).toMatch(
          /is approved, not awaiting approval/,
        );
      }
      const { value } = approved[0] as PromiseFulfilledResult<{
        complete: boolean;
      }>;
      expect(value.complete).toBe(true);

      const read = await b.get(cutover.id);
      expect(read!.status).toBe('approved');
      expect(read!.approvals).toHaveLength(1);
      expect(
        (await b.events(cutover.id)).filter(e => e.type === 'approved'),
      ).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives an approved cutover to one of two replicas claiming it, %p',
    async databaseId => {
      const [a, b] = await makeReplicas(databaseId, 5);
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const cutover = await a.create(
          newCutover({ entityRef: `component:default/svc-${i}` }),
        );
        await a.approve(cutover.id, bob);
        ids.push(cutover.id);
      }

      const claims = await Promise.all(
        ids.map(id =>
          Promise.all([
            a.claimForApply(id, 'replica-a', 60_000),
            b.claimForApply(id, 'replica-b', 60_000),
          ]),
        ),
      );
      for (const [fromA, fromB] of claims) {
        expect([fromA, fromB].filter(c => c !== undefined)).toHaveLength(1);
        expect((fromA ?? fromB)!.status).toBe('applying');
      }
      for (const id of ids) {
        expect(
          (await b.events(id)).filter(e => e.type === 'applying'),
        ).toHaveLength(1);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'reclaims only cutovers whose lease ran out, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const approvedOne = async (entity: string) => {
        const cutover = await store.create(
          newCutover({ entityRef: `component:default/${entity}` }),
        );
        await store.approve(cutover.id, bob);
        return cutover.id;
      };
      const stopped = await approvedOne('stopped');
      const running = await approvedOne('running');
      const unclaimed = await approvedOne('unclaimed');
      const requested = (
        await store.create(
          newCutover({ entityRef: 'component:default/waiting' }),
        )
      ).id;
      await store.claimForApply(stopped, 'replica-a', 1);
      await store.claimForApply(running, 'replica-b', 60_000);
      await sleep(20);

      const claimed = await store.claimAbandoned('replica-c', 60_000);
      expect(claimed.map(c => [c.id, c.status])).toEqual([
        [stopped, 'applying'],
      ]);
      expect(await store.claimAbandoned('replica-d', 60_000)).toEqual([]);
      expect((await store.events(stopped)).map(e => e.type)).toEqual([
        'requested',
        'approved',
        'applying',
        'applying',
      ]);

      // Approved but never claimed: abandoned once nothing happened to it for a lease's length.
      const short = await store.claimAbandoned('replica-e', 10);
      expect(short.map(c => c.id)).toEqual([unclaimed]);
      expect((await store.get(requested))!.status).toBe('requested');
      expect((await store.get(running))!.status).toBe('applying');
    },
  );

  it.each(databases.eachSupportedId())(
    'expires requests past their time, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const now = Date.now();
      const due = await store.create(
        newCutover({
          entityRef: 'component:default/due',
          expiresAt: new Date(now - 1000),
        }),
      );
      const later = await store.create(
        newCutover({
          entityRef: 'component:default/later',
          expiresAt: new Date(now + 3600_000),
        }),
      );
      const approved = await store.create(
        newCutover({
          entityRef: 'component:default/approved',
          expiresAt: new Date(now - 1000),
        }),
      );
      await store.approve(approved.id, bob);

      const expired = await store.expireDue();
      expect(expired.map(c => [c.id, c.status])).toEqual([[due.id, 'expired']]);
      expect(expired[0].outcome?.message).toEqual(expect.any(String));
      expect(await store.expireDue()).toEqual([]);
      expect((await store.events(due.id)).map(e => [e.type, e.actor])).toEqual([
        ['requested', alice],
        ['expired', 'plugin:bluegreen'],
      ]);
      expect(await store.findOpen('component:default/due')).toBeUndefined();
      await store.create(newCutover({ entityRef: 'component:default/due' }));

      expect(
        (await store.expireDue(new Date(now + 7200_000))).map(c => c.id),
      ).toEqual([later.id]);
      expect((await store.get(approved.id))!.status).toBe('approved');
    },
  );

  it.each(databases.eachSupportedId())(
    'filters lists by entity, status and who may approve, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const at = (minute: number) =>
        new Date(Date.UTC(2026, 11, 1, 10, minute));
      const make = (
        entity: string,
        minute: number,
        extra: Partial<NewCutover> = {},
      ) =>
        store.create(
          newCutover({
            entityRef: `component:default/${entity}`,
            createdAt: at(minute),
            ...extra,
          }),
        );
      const byAlice = await make('a', 1);
      const byBob = await make('b', 2, { requestedBy: bob });
      const bobApproved = await make('c', 3, { approvalsRequired: 2 });
      await store.approve(bobApproved.id, bob);
      const approved = await make('d', 4);
      await store.approve(approved.id, carol);
      const cancelledA = await make('a2', 5);
      await store.transition(cancelledA.id, ['requested'], 'cancelled', {
        actor: alice,
        type: 'cancelled',
      });
      const byCarol = await make('e', 6, { requestedBy: carol });

      const ids = async (query: Parameters<typeof store.list>[0]) =>
        (await store.list(query)).items.map(c => c.id);

      expect(await ids({ limit: 50, approvableBy: bob })).toEqual([
        byCarol.id,
        byAlice.id,
      ]);
      expect(await ids({ limit: 50, approvableBy: carol })).toEqual([
        bobApproved.id,
        byBob.id,
        byAlice.id,
      ]);
      expect(
        await ids({ limit: 50, entityRef: 'component:default/d' }),
      ).toEqual([approved.id]);
      expect(
        await ids({ limit: 50, statuses: ['approved', 'cancelled'] }),
      ).toEqual([cancelledA.id, approved.id]);
      expect(
        await ids({
          limit: 50,
          statuses: ['requested'],
          entityRef: 'component:default/b',
        }),
      ).toEqual([byBob.id]);
      expect(await ids({ limit: 50 })).toEqual([
        byCarol.id,
        cancelledA.id,
        approved.id,
        bobApproved.id,
        byBob.id,
        byAlice.id,
      ]);
      const [withApproval] = (
        await store.list({ limit: 1, entityRef: 'component:default/c' })
      ).items;
      expect(withApproval.approvals.map(a => a.by)).toEqual([bob]);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages through cutovers newest first without gaps or repeats, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const created = [];
      for (let i = 0; i < 23; i++) {
        // Pairs share a creation time, so the id has to break the tie between pages.
        created.push(
          await store.create(
            newCutover({
              entityRef: `component:default/svc-${i}`,
              createdAt: new Date(Date.UTC(2026, 11, 1, 10, Math.floor(i / 2))),
            }),
          ),
        );
      }
      const expected = [...created]
        .sort((x, y) =>
          x.createdAt === y.createdAt
            ? y.id.localeCompare(x.id)
            : y.createdAt.localeCompare(x.createdAt),
        )
        .map(c => c.id);

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ limit: 5, cursor });
        seen.push(...page.items.map(c => c.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(5);
      expect(seen).toEqual(expected);

      const exact = await store.list({ limit: 23 });
      expect(exact.items).toHaveLength(23);
      expect(exact.nextCursor).toBeUndefined();

      await expect(store.list({ limit: 0 })).rejects.toThrow(InputError);
      await expect(store.list({ limit: 501 })).rejects.toThrow(InputError);
      await expect(
        store.list({ limit: 500, cursor: 'bm90IGpzb24' }),
      ).rejects.toThrow(InputError);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads an entity history newest first, page by page, and a cutover oldest first, %p',
    async databaseId => {
      const store = await makeStore(databaseId);
      const first = await store.create(newCutover());
      await store.approve(first.id, bob, 'ok');
      await store.claimForApply(first.id, 'replica-a', 60_000);
      await store.transition(first.id, ['applying'], 'applied', {
        actor: 'plugin:bluegreen',
        type: 'applied',
        objects: [
          {
            cluster: 'east',
            object: plan.changes[0].object,
            resourceVersionBefore: '41',
            resourceVersionAfter: '42',
            before: { spec: { http: [{ route: [{ subset: 'blue' }] }] } },
            after: { spec: { http: [{ route: [{ subset: 'green' }] }] } },
          },
        ],
        outcome: { message: 'applied and verified', verified: true },
      });
      const second = await store.create(
        newCutover({ action: { action: 'rollback' }, rollbackOf: first.id }),
      );
      await store.transition(second.id, ['requested'], 'cancelled', {
        actor: alice,
        type: 'cancelled',
        comment: 'changed my mind',
      });
      await store.create(newCutover({ entityRef: 'component:default/other' }));

      const ofFirst = await store.events(first.id);
      expect(ofFirst.map(e => e.type)).toEqual([
        'requested',
        'approved',
        'applying',
        'applied',
      ]);
      expect(ofFirst[3]).toMatchObject({
        status: 'applied',
        outcome: { message: 'applied and verified', verified: true },
        objects: [{ resourceVersionBefore: '41', resourceVersionAfter: '42' }],
      });

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.history('component:default/web', {
          limit: 4,
          cursor,
        });
        expect(page.entityRef).toBe('component:default/web');
        pages.push(
          page.events.map(e => `${e.cutoverId === first.id ? 1 : 2}:${e.type}`),
        );
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual([
        ['2:cancelled', '2:requested', '1:applied', '1:applying'],
        ['1:approved', '1:requested'],
      ]);
      await expect(
        store.history('component:default/web', { limit: 4, cursor: 'e30' }),
      ).rejects.toThrow(InputError);
    },
  );
});
