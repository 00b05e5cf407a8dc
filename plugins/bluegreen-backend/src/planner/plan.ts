/*
 * The cutover planner: the cluster's objects and a requested action in, the exact changes, the
 * before/after splits and the pre-flight checks out. Pure: nothing here reads or writes a cluster.
 */
import type {
  ClusterBlueGreenState,
  CutoverPlan,
  Finding,
  JsonPatchOperation,
  ObjectChange,
  PreflightCheck,
  RuleProtocol,
  SplitAction,
  SplitChange,
  SwitchAction,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { applyPatch, deepClone, getValueByPointer } from 'fast-json-patch';
import { isDeepStrictEqual as isEqual } from 'node:util';
import { classify } from '../model/classify';
import { ClusterObjects, VirtualService } from '../model/istio';
import { namespaceOf, qualifiedName } from '../model/mesh';
import { Rule } from '../model/rules';
import {
  analysisOf,
  computeClusterState,
  objectsDecidingState,
} from '../model/state';
import { listOf, ruleRef, rulesRef } from '../model/wording';
import { objectDiff } from './diff';
import { plannedRoute } from './routes';

/** One cluster's objects, as read, for the entity's hosts. */
export interface ClusterInput {
  cluster: string;
  hosts: string[];
  namespace?: string;
  objects: ClusterObjects;
}

/** A value a cutover replaces: where, what it was planned against, what it becomes. */
export interface RouteEdit {
  /** JSON pointer, e.g. `/spec/http/2/route`. */
  path: string;
  before: unknown;
  after: unknown;
}

/** The edits of one VirtualService. */
interface ObjectEdits {
  vs: VirtualService;
  /** Position of the deepest tier the edited rules route to; deeper tiers are written first. */
  depth: number;
  edits: RouteEdit[];
}

interface ClusterEdits {
  input: ClusterInput;
  objects: ObjectEdits[];
  checks: PreflightCheck[];
}

const ISTIO_KINDS = ['VirtualService/', 'DestinationRule/', 'Gateway/'];

function pointer(rule: Rule): string {
  return `/spec/${rule.protocol}/${rule.index}/route`;
}

/** The rule a {@link pointer} points into, for wording it. */
function ruleAt(path: string): { protocol: RuleProtocol; index: number } {
  const [, , protocol, index] = path.split('/');
  return { protocol: protocol as RuleProtocol, index: Number(index) };
}

/** The edited field as Kubernetes and the diff name it, e.g. `spec.http[2].route`. */
function displayPath(path: string): string {
  const [, , protocol, index, field] = path.split('/');
  return `spec.${protocol}[${index}].${field}`;
}

function percentWord(weights: Record<string, number>): string {
  return Object.entries(weights)
    .map(([colour, weight]) => `${colour} ${weight}%`)
    .join(', ');
}

/** The shared-split rules of a cluster, each once. */
function sharedRules(input: ClusterInput) {
  const analysis = analysisOf(input);
  const rules = [
    ...new Set(
      analysis.hostRoutes
        .filter(r => r.pinnedColour === undefined)
        .map(r => r.rule),
    ),
  ];
  return { analysis, rules };
}

/** Edits of a switch or split: the new route of every shared-split rule. */
function splitEdits(
  input: ClusterInput,
  weights: Record<string, number>,
): ClusterEdits {
  const { analysis, rules } = sharedRules(input);
  const checks: PreflightCheck[] = [];
  const byObject = new Map<VirtualService, ObjectEdits>();
  const cluster = input.cluster;

  for (const rule of rules) {
    const purposes = classify(rule, analysis).filter(c => c !== 'shared-split');
    const where = ruleRef(rule);
    if (purposes.length > 0) {
      checks.push({
        id: 'only-shared-rules',
        result: 'fail',
        cluster,
        message: `${where} splits a shared host and is also a ${listOf(
          purposes,
        )} rule: changing its destinations would change that too. Give the shared host a rule of its own (match its host), then request again.`,
      });
      continue;
    }
    const host = rule.route[0]?.destination.host;
    const destinationRule = host
      ? analysis.mesh.destinationRuleFor(host, namespaceOf(rule.vs))
      : undefined;
    const subsets = (destinationRule?.spec.subsets ?? []).map(s => s.name);
    if (!destinationRule || subsets.length === 0) {
      checks.push({
        id: 'colours-exist',
        result: 'fail',
        cluster,
        message: `${where} routes to ${
          host ?? 'no destination'
        }, which has no DestinationRule with subsets: add one with a subset per colour.`,
      });
      continue;
    }
    const missing = Object.entries(weights)
      .filter(([colour, weight]) => weight > 0 && !subsets.includes(colour))
      .map(([colour]) => colour);
    if (missing.length > 0) {
      checks.push({
        id: 'colours-exist',
        result: 'fail',
        cluster,
        message: `${listOf(missing)} ${
          missing.length > 1 ? 'are not subsets' : 'is not a subset'
        } of DestinationRule ${qualifiedName(
          destinationRule,
        )}, which ${where} routes to: add ${
          missing.length > 1 ? 'them' : 'it'
        } with the colour's pod labels, or give ${
          missing.length > 1 ? 'them' : 'it'
        } weight 0.`,
      });
      continue;
    }
    const after = plannedRoute(rule.route, { subsets }, weights);
    if (isEqual(after, rule.route)) {
      continue;
    }
    const depth = analysis.tiers.findIndex(
      t => t.destinationRule === destinationRule,
    );
    const entry = byObject.get(rule.vs) ?? { vs: rule.vs, depth, edits: [] };
    entry.depth = Math.max(entry.depth, depth);
    entry.edits.push({
      path: pointer(rule),
      before: rule.route,
      after,
    });
    byObject.set(rule.vs, entry);
  }
  if (!checks.some(c => c.id === 'only-shared-rules') && rules.length > 0) {
    checks.push({
      id: 'only-shared-rules',
      result: 'pass',
      cluster,
      message: `Only the rules that decide the shared hosts' splits change; colour hosts and affinity rules stay as they are.`,
    });
  }
  return { input, objects: [...byObject.values()], checks };
}

function applyEdits(vs: VirtualService, edits: RouteEdit[]): VirtualService {
  const planned = deepClone(vs) as VirtualService;
  applyPatch(
    planned,
    edits.map(e => ({ op: 'replace', path: e.path, value: e.after })),
  );
  return planned;
}

function patchOf(
  resourceVersion: string,
  edits: RouteEdit[],
): JsonPatchOperation[] {
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: resourceVersion },
    ...edits.flatMap((e): JsonPatchOperation[] => [
      { op: 'test', path: e.path, value: e.before },
      { op: 'replace', path: e.path, value: e.after },
    ]),
  ];
}

/** Undoes the edits once written; the executor adds the test of the resourceVersion it wrote. */
function revertPatchOf(edits: RouteEdit[]): JsonPatchOperation[] {
  return edits.flatMap((e): JsonPatchOperation[] => [
    { op: 'test', path: e.path, value: e.after },
    { op: 'replace', path: e.path, value: e.before },
  ]);
}

function plannedObjects(
  objects: ClusterObjects,
  planned: Map<VirtualService, VirtualService>,
): ClusterObjects {
  return {
    ...objects,
    virtualServices: objects.virtualServices.map(vs => planned.get(vs) ?? vs),
  };
}

function errorKey(f: Finding): string {
  return `${f.code}|${f.resource.kind}/${f.resource.namespace}/${f.resource.name}|${f.message}`;
}

function findingsCheck(
  cluster: string,
  before: ClusterBlueGreenState['findings'],
  after: ClusterBlueGreenState['findings'],
): PreflightCheck {
  const errors = (fs: Finding[]) =>
    new Map(fs.filter(f => f.severity === 'error').map(f => [errorKey(f), f]));
  const was = errors(before);
  const will = errors(after);
  const introduced = [...will].filter(([k]) => !was.has(k)).map(([, f]) => f);
  const resolved = [...was].filter(([k]) => !will.has(k)).map(([, f]) => f);
  const remaining = [...will].filter(([k]) => was.has(k)).map(([, f]) => f);
  if (introduced.length > 0) {
    return {
      id: 'no-new-errors',
      result: 'fail',
      cluster,
      message: `The change would introduce ${introduced
        .map(f => `"${f.message}" (fix: ${f.fix})`)
        .join('; ')}`,
    };
  }
  const resolves = resolved.length
    ? ` It resolves ${resolved.map(f => `"${f.message}"`).join('; ')}.`
    : '';
  if (remaining.length > 0) {
    return {
      id: 'no-new-errors',
      result: 'warn',
      cluster,
      message: `The change introduces no error, but these remain: ${remaining
        .map(f => `"${f.message}" (fix: ${f.fix})`)
        .join('; ')}.${resolves}`,
    };
  }
  return {
    id: 'no-new-errors',
    result: 'pass',
    cluster,
    message: `The planned routes introduce no configuration error.${resolves}`,
  };
}

/** Colours that take a share of some shared host once the plan is applied. */
function receivingColours(state: Pick<ClusterBlueGreenState, 'splits'>) {
  return [
    ...new Set(
      state.splits.flatMap(s =>
        s.destinations.flatMap(d =>
          d.colour !== null && d.percent > 0 ? [d.colour] : [],
        ),
      ),
    ),
  ];
}

function servingColour(state: ClusterBlueGreenState) {
  const totals = new Map<string, number>();
  for (const d of state.splits.flatMap(s => s.destinations)) {
    if (d.colour !== null) {
      totals.set(d.colour, (totals.get(d.colour) ?? 0) + d.percent);
    }
  }
  const [best] = [...totals].sort((a, b) => b[1] - a[1]);
  return best?.[0];
}

function readyPodsChecks(
  cluster: string,
  before: ClusterBlueGreenState,
  after: Pick<ClusterBlueGreenState, 'splits'>,
  switchTarget?: string,
): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  const receiving = receivingColours(after);
  for (const name of receiving) {
    const colour = before.colours.find(c => c.name === name);
    const empty = (colour?.tiers ?? []).filter(t => t.readyPods === 0);
    if (!colour || empty.length > 0) {
      checks.push({
        id: 'ready-pods',
        result: 'fail',
        cluster,
        message: `${name} would receive traffic but has no ready pods in ${
          empty.length
            ? listOf(empty.map(t => `${t.service} (namespace ${t.namespace})`))
            : 'any tier'
        }: scale its Deployments up or wait until their pods are ready.`,
      });
    }
  }
  if (checks.length > 0) {
    return checks;
  }
  const serving = servingColour(before);
  const target = before.colours.find(c => c.name === switchTarget);
  const current = before.colours.find(c => c.name === serving);
  if (target && current && target !== current) {
    if (target.readyPods < current.readyPods) {
      return [
        {
          id: 'ready-pods',
          result: 'warn',
          cluster,
          message: `${target.name} has ${target.readyPods} ready pod${
            target.readyPods === 1 ? '' : 's'
          }, fewer than the ${current.readyPods} of ${
            current.name
          }, which serves today: it will take all traffic with less capacity. Scale ${
            target.name
          } up first, or acknowledge.`,
        },
      ];
    }
  }
  return [
    {
      id: 'ready-pods',
      result: 'pass',
      cluster,
      message: `Every colour that will receive traffic has ready pods in every tier (${receiving
        .map(name => {
          const c = before.colours.find(x => x.name === name);
          return `${name}: ${c?.readyPods ?? 0}`;
        })
        .join(', ')}).`,
    },
  ];
}

function splitChanges(
  cluster: string,
  before: ClusterBlueGreenState,
  after: Pick<ClusterBlueGreenState, 'splits'>,
): SplitChange[] {
  return before.splits.map(split => {
    // The label names protocol and position: an HTTP and a TLS rule may share an index.
    const next = after.splits.find(
      s =>
        s.host === split.host &&
        s.virtualService === split.virtualService &&
        s.ruleLabel === split.ruleLabel,
    );
    const route = before.routes.find(
      r =>
        r.virtualService === split.virtualService &&
        r.label === split.ruleLabel,
    );
    return {
      cluster,
      host: split.host,
      virtualService: split.virtualService,
      protocol: route?.protocol ?? 'http',
      ruleIndex: split.ruleIndex,
      ruleLabel: split.ruleLabel,
      viaGateways: split.viaGateways,
      before: split.destinations.map(d => ({
        colour: d.colour,
        percent: d.percent,
      })),
      after: (next ?? split).destinations.map(d => ({
        colour: d.colour,
        percent: d.percent,
      })),
    };
  });
}

function istioVersions(
  cluster: string,
  state: Pick<ClusterBlueGreenState, 'resourceVersions'>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(state.resourceVersions)
      .filter(([key]) => ISTIO_KINDS.some(kind => key.startsWith(kind)))
      .map(([key, version]) => [`${cluster}/${key}`, version]),
  );
}

function toChange(cluster: string, entry: ObjectEdits): ObjectChange {
  const { vs, edits } = entry;
  const resourceVersion = vs.metadata.resourceVersion ?? '';
  return {
    cluster,
    object: {
      apiVersion: vs.apiVersion ?? 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: namespaceOf(vs),
      name: vs.metadata.name,
    },
    resourceVersion,
    patch: patchOf(resourceVersion, edits),
    revertPatch: revertPatchOf(edits),
    diff: objectDiff(vs, applyEdits(vs, edits)),
    paths: edits.map(e => displayPath(e.path)),
  };
}

/** Turns each cluster's edits into changes, splits and the checks that need the planned state. */
function assemble(
  clusters: ClusterEdits[],
  nothingToChange: string,
  switchTarget?: string,
): CutoverPlan {
  const changes: ObjectChange[] = [];
  /** Each change in words, e.g. `HTTP rule 3 of VirtualService pii-demo/httpd-server`. */
  const changedRules: string[] = [];
  const splits: SplitChange[] = [];
  const checks: PreflightCheck[] = [];
  const resourceVersions: Record<string, string> = {};

  for (const { input, objects, checks: editChecks } of clusters) {
    const { cluster } = input;
    const before: ClusterBlueGreenState = {
      cluster,
      fetchedAt: '',
      ...computeClusterState(input),
    };
    const planned = new Map(
      objects.map(o => [o.vs, applyEdits(o.vs, o.edits)] as const),
    );
    // The planned objects are the deciding ones with the edited VirtualServices: an edit changes
    // a rule's weights among the subsets of the hosts it already routes to, so no other object
    // becomes one that decides.
    const after = computeClusterState({
      ...input,
      objects: plannedObjects(objectsDecidingState(input), planned),
    });
    checks.push(...editChecks);
    checks.push(...readyPodsChecks(cluster, before, after, switchTarget));
    checks.push(findingsCheck(cluster, before.findings, after.findings));
    splits.push(...splitChanges(cluster, before, after));
    Object.assign(resourceVersions, istioVersions(cluster, before));
    // Make-before-break: the deepest tier first, so a colour is routed end to end before its
    // entry point sends it traffic.
    const ordered = [...objects].sort(
      (a, b) =>
        b.depth - a.depth ||
        qualifiedName(a.vs).localeCompare(qualifiedName(b.vs)),
    );
    changes.push(...ordered.map(o => toChange(cluster, o)));
    const inCluster = clusters.length > 1 ? ` in cluster ${cluster}` : '';
    changedRules.push(
      ...ordered.map(
        o =>
          `${rulesRef(
            o.edits.map(e => ruleAt(e.path)),
            qualifiedName(o.vs),
          )}${inCluster}`,
      ),
    );
  }

  checks.push(
    changes.length > 0
      ? {
          id: 'changes-something',
          result: 'pass',
          message: `Changes ${changedRules.join('; ')}.`,
        }
      : { id: 'changes-something', result: 'fail', message: nothingToChange },
  );
  return {
    clusters: clusters.map(c => c.input.cluster),
    changes,
    splits,
    checks,
    resourceVersions,
  };
}

/** Weights a switch or split asks for, over the colours of every cluster. */
export function requestedWeights(
  action: SwitchAction | SplitAction,
  colours: string[],
): Record<string, number> {
  if (action.action === 'split') {
    return action.weights;
  }
  return Object.fromEntries(
    [...new Set([...colours, action.colour])].map(c => [
      c,
      c === action.colour ? 100 : 0,
    ]),
  );
}

function coloursCheck(
  cluster: string,
  colours: string[],
  weights: Record<string, number>,
): PreflightCheck {
  const unknown = Object.keys(weights).filter(c => !colours.includes(c));
  if (unknown.length > 0) {
    return {
      id: 'colours-exist',
      result: 'fail',
      cluster,
      message: `${listOf(unknown)} ${
        unknown.length > 1 ? 'are not colours' : 'is not a colour'
      } of this service in cluster ${cluster}; its colours are ${
        listOf(colours) || 'none (no DestinationRule subsets)'
      }.`,
    };
  }
  return {
    id: 'colours-exist',
    result: 'pass',
    cluster,
    message: `${listOf(
      Object.keys(weights).filter(c => weights[c] > 0),
    )} exist${
      Object.keys(weights).filter(c => weights[c] > 0).length > 1 ? '' : 's'
    } as a subset in every DestinationRule the shared hosts route to.`,
  };
}

/** Plans a switch or a split on every cluster given. */
export function planSplit(
  action: SwitchAction | SplitAction,
  clusters: ClusterInput[],
): CutoverPlan {
  const edits = clusters.map(input => {
    const colours = computeClusterState(input).colours.map(c => c.name);
    const weights = requestedWeights(action, colours);
    const check = coloursCheck(input.cluster, colours, weights);
    if (check.result === 'fail') {
      return { input, objects: [], checks: [check] };
    }
    const planned = splitEdits(input, weights);
    const failedColours = planned.checks.some(c => c.id === 'colours-exist');
    return {
      ...planned,
      checks: failedColours ? planned.checks : [check, ...planned.checks],
    };
  });
  const weights =
    action.action === 'split'
      ? percentWord(action.weights)
      : `${action.colour} 100%`;
  return assemble(
    edits,
    `Every shared host already sends ${weights}: nothing to change.`,
    action.action === 'switch' ? action.colour : undefined,
  );
}

/** What an applied cutover wrote, read back from its plan: the edits to undo. */
export function appliedEdits(
  change: ObjectChange,
): Array<{ path: string; written: unknown; previous: unknown }> {
  const edits: Array<{ path: string; written: unknown; previous: unknown }> =
    [];
  change.patch.forEach((op, i) => {
    const next = change.patch[i + 1];
    if (
      op.op === 'test' &&
      op.path !== '/metadata/resourceVersion' &&
      next?.op === 'replace' &&
      next.path === op.path
    ) {
      edits.push({ path: op.path, previous: op.value, written: next.value });
    }
  });
  return edits;
}

/**
 * Plans going back to the routes an applied cutover replaced. Refused (check `rollback-target`)
 * when a route no longer is what that cutover wrote: rolling back would overwrite someone's change.
 */
export function planRollback(
  applied: { id: string; plan: CutoverPlan },
  clusters: ClusterInput[],
): CutoverPlan {
  const rollbackChecks: PreflightCheck[] = [];
  const edits: ClusterEdits[] = clusters.map(input => ({
    input,
    objects: [],
    checks: [],
  }));
  for (const change of applied.plan.changes) {
    const target = edits.find(e => e.input.cluster === change.cluster);
    if (!target) {
      continue;
    }
    const { namespace, name } = change.object;
    const vs = target.input.objects.virtualServices.find(
      v => namespaceOf(v) === namespace && v.metadata.name === name,
    );
    if (!vs) {
      rollbackChecks.push({
        id: 'rollback-target',
        result: 'fail',
        cluster: change.cluster,
        message: `VirtualService ${namespace}/${name}, which cutover ${applied.id} changed, no longer exists: there is nothing to roll back to. Request a split instead.`,
      });
      continue;
    }
    const drifted = appliedEdits(change).filter(e => {
      try {
        return !isEqual(getValueByPointer(vs, e.path), e.written);
      } catch {
        return true;
      }
    });
    if (drifted.length > 0) {
      rollbackChecks.push({
        id: 'rollback-target',
        result: 'fail',
        cluster: change.cluster,
        message: `${rulesRef(
          drifted.map(e => ruleAt(e.path)),
          `${namespace}/${name}`,
        )} changed since cutover ${applied.id} was applied: ${
          drifted.length > 1
            ? 'their destinations differ'
            : 'its destinations differ'
        } from what the cutover wrote, and a rollback would overwrite that change. Request a switch or split instead.`,
      });
      continue;
    }
    target.objects.push({
      vs,
      depth: 0,
      edits: appliedEdits(change).map(e => ({
        path: e.path,
        before: e.written,
        after: e.previous,
      })),
    });
  }
  if (rollbackChecks.length === 0) {
    rollbackChecks.push({
      id: 'rollback-target',
      result: 'pass',
      message: `Restores the routes cutover ${applied.id} replaced.`,
    });
  }
  // The first edit of a rollback undoes the last write of the cutover: reverse order.
  for (const e of edits) {
    e.objects.reverse();
    e.objects.forEach((o, i) => {
      o.depth = e.objects.length - i;
    });
  }
  const plan = assemble(
    edits,
    `The shared hosts already route as they did before cutover ${applied.id}: nothing to change.`,
  );
  return { ...plan, checks: [...rollbackChecks, ...plan.checks] };
}
