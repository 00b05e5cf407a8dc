/*
 * How a rollout's state moves: pure functions from what was read (and measured) to what is
 * written. The engine does the I/O around them.
 */
import type {
  CutoverPlan,
  ObjectChange,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { getValueByPointer } from 'fast-json-patch';
import { appliedEdits, ClusterInput } from '../planner/plan';
import { RolloutWrite, RouteRecord } from '../store/CutoverStore';
import { RolloutSettings, stepWeights } from './settings';

function routeKey(r: Pick<RouteRecord, 'cluster' | 'object' | 'path'>) {
  return `${r.cluster}/${r.object.kind}/${r.object.namespace}/${r.object.name}#${r.path}`;
}

/**
 * The routes after a step applied: the first value seen at each path stays as the one to
 * restore; the value written is the step's.
 */
export function withStepRoutes(
  routes: RouteRecord[],
  changes: ObjectChange[],
): RouteRecord[] {
  const byKey = new Map(routes.map(r => [routeKey(r), r]));
  for (const change of changes) {
    for (const edit of appliedEdits(change)) {
      const record = {
        cluster: change.cluster,
        object: change.object,
        path: edit.path,
      };
      const known = byKey.get(routeKey(record));
      byKey.set(routeKey(record), {
        ...record,
        before: known ? known.before : edit.previous,
        written: edit.written,
      });
    }
  }
  return [...byKey.values()];
}

/**
 * The routes with `written` read back from the cluster: what a write whose record was lost
 * (the backend stopped between the two) left there. A route whose object is gone keeps its record.
 */
export function routesReadBack(
  routes: RouteRecord[],
  inputs: ClusterInput[],
): RouteRecord[] {
  return routes.map(route => {
    const input = inputs.find(i => i.cluster === route.cluster);
    // List items carry no kind, as in Kubernetes: the list they are in says it.
    const objects: Array<{ metadata?: { namespace?: string; name?: string } }> =
      route.object.kind === 'VirtualService'
        ? input?.objects.virtualServices ?? []
        : input?.objects.destinationRules ?? [];
    const live = objects.find(
      o =>
        o.metadata?.namespace === route.object.namespace &&
        o.metadata?.name === route.object.name,
    );
    if (!live) return route;
    try {
      return { ...route, written: getValueByPointer(live, route.path) };
    } catch {
      // The path is gone from the live object: the record says what the rollout last knew.
      return route;
    }
  });
}

/**
 * A plan whose edits read like a cutover that replaced `before` with `written`, so that
 * planRollback checks the routes still hold what the rollout wrote and restores the snapshot.
 */
export function snapshotPlan(
  routes: RouteRecord[],
  clusters: string[],
): CutoverPlan {
  const byObject = new Map<string, ObjectChange>();
  for (const r of routes) {
    const key = `${r.cluster}/${r.object.kind}/${r.object.namespace}/${r.object.name}`;
    const change = byObject.get(key) ?? {
      cluster: r.cluster,
      object: r.object,
      resourceVersion: '',
      patch: [],
      revertPatch: [],
      diff: '',
      paths: [],
    };
    change.patch.push(
      { op: 'test', path: r.path, value: r.before },
      { op: 'replace', path: r.path, value: r.written },
    );
    byObject.set(key, change);
  }
  return {
    clusters,
    changes: [...byObject.values()],
    splits: [],
    checks: [],
    resourceVersions: {},
  };
}

/** The state once the first step (the approved plan) is applied. */
export function initialRollout(
  settings: RolloutSettings & Pick<RolloutState, 'from' | 'targets'>,
  cutover: {
    plan: CutoverPlan;
    approvals: Array<{ by: string }>;
    requestedBy: string;
  },
  now: Date,
  /** Whether the routes the cluster stored show the first step: if not, it is rolled back now. */
  verified = true,
): RolloutWrite {
  const nextEvaluation = new Date(
    now.getTime() + settings.intervalSeconds * 1000,
  );
  return {
    state: {
      ...settings,
      current: 0,
      paused: false,
      nextEvaluationAt: nextEvaluation.toISOString(),
      noDataCount: 0,
      history: [
        {
          index: 0,
          weights: stepWeights(
            settings.colour,
            settings.from,
            settings.steps[0],
          ),
          appliedAt: now.toISOString(),
          appliedBy:
            cutover.approvals[cutover.approvals.length - 1]?.by ??
            cutover.requestedBy,
          evaluations: [],
          verdict: 'watching',
          verified,
        },
      ],
    },
    routes: withStepRoutes([], cutover.plan.changes),
    dueAt: verified ? nextEvaluation : now,
  };
}
