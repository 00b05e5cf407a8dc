import type {
  ClusterBlueGreenState,
  HostSplit,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis, analyse } from './analysis';
import { toRouteRule } from './classify';
import { findingsOf } from './findings';
import { ClusterObjects } from './istio';
import { displayGateway, namespaceOf, qualifiedName } from './mesh';
import { percentByColour, roundPercent } from './routing';
import { buildColours } from './tiers';
import { HostRoute } from './traffic';
import { ruleLabel } from './wording';

export type ComputedClusterState = Omit<
  ClusterBlueGreenState,
  'cluster' | 'fetchedAt'
>;

export interface ClusterStateInput {
  /** The entity's user-facing hosts (the `bluegreen/istio-hosts` annotation). */
  hosts: string[];
  /** Where to look; all namespaces when absent. */
  namespace?: string;
  /** Objects as listed from the cluster; the relevant ones are selected here. */
  objects: ClusterObjects;
}

function splitMode(route: HostRoute): HostSplit['mode'] {
  if (route.rule.route.length > 1) return 'weighted';
  return route.rule.route[0]?.destination.subset === undefined
    ? 'round-robin'
    : 'single';
}

/** One split per host and deciding rule, listing every gateway where that rule decides. */
function splitsOf(sharedRoutes: HostRoute[]): HostSplit[] {
  const splits = new Map<string, HostSplit>();
  for (const route of sharedRoutes) {
    const namespace = namespaceOf(route.vs);
    const key = `${route.host}|${qualifiedName(route.vs)}|${
      route.rule.protocol
    }|${route.rule.index}`;
    const gateway = displayGateway(route.gateway, namespace);
    const existing = splits.get(key);
    if (existing) {
      existing.viaGateways.push(gateway);
      continue;
    }
    splits.set(key, {
      host: route.host,
      mode: splitMode(route),
      destinations: route.shares.map(share => ({
        colour: share.colour,
        service: share.host,
        weight: share.weight,
        percent: roundPercent(share.percent),
      })),
      viaGateways: [gateway],
      virtualService: qualifiedName(route.vs),
      ruleIndex: route.rule.index,
      ruleLabel: ruleLabel(route.rule),
    });
  }
  return [...splits.values()];
}

/** Colours taking (practically) all of a route's traffic. */
function fullColours(route: HostRoute): string[] {
  return [...percentByColour(route.shares)].flatMap(([colour, percent]) =>
    colour !== null && percent > 99.99 ? [colour] : [],
  );
}

/** The colour taking all traffic of every shared host, if any. */
function activeColourOf(sharedRoutes: HostRoute[]): string | null {
  const [candidate] =
    sharedRoutes.length > 0 ? fullColours(sharedRoutes[0]) : [];
  const active =
    candidate !== undefined &&
    sharedRoutes.every(r => fullColours(r).includes(candidate));
  return active ? candidate : null;
}

function hostsByColour(routes: HostRoute[]): Map<string, string[]> {
  const hosts = new Map<string, string[]>();
  for (const { pinnedColour, host } of routes) {
    if (pinnedColour === undefined) continue;
    const list = hosts.get(pinnedColour) ?? [];
    hosts.set(pinnedColour, list.includes(host) ? list : [...list, host]);
  }
  return hosts;
}

function resourceVersionsOf({ mesh }: Analysis): Record<string, string> {
  const { virtualServices, destinationRules, gateways, services, deployments } =
    mesh.objects;
  const entries = [
    ...virtualServices.map(o => ['VirtualService', o] as const),
    ...destinationRules.map(o => ['DestinationRule', o] as const),
    ...gateways.map(o => ['Gateway', o] as const),
    ...services.map(o => ['Service', o] as const),
    ...deployments.map(o => ['Deployment', o] as const),
  ];
  return Object.fromEntries(
    entries.flatMap(([kind, object]) => {
      const version = object.metadata?.resourceVersion;
      return version ? [[`${kind}/${qualifiedName(object)}`, version]] : [];
    }),
  );
}

/** The one namespace all selected routing objects live in, if there is one. */
function commonNamespace(
  { mesh }: Analysis,
  requested?: string,
): string | null {
  if (requested) return requested;
  const namespaces = new Set(
    [...mesh.objects.virtualServices, ...mesh.objects.destinationRules].map(
      namespaceOf,
    ),
  );
  return namespaces.size === 1 ? [...namespaces][0] : null;
}

/** An input's analysis, and its state once asked for. */
interface Computed {
  analysis: Analysis;
  state?: ComputedClusterState;
}

/**
 * What was computed so far, per objects record, then per hosts and namespace. One rollout step
 * asks about the same objects several times (source colour, colours, readiness, the plan's
 * edits and before), and the model never changes the objects it is given: a record's identity
 * stands for its content, and every read from a cluster is a new record.
 */
const computed = new WeakMap<ClusterObjects, Map<string, Computed>>();

function computedFor(input: ClusterStateInput): Computed {
  const entityKey = JSON.stringify([input.hosts, input.namespace ?? null]);
  let byEntity = computed.get(input.objects);
  if (!byEntity) {
    byEntity = new Map();
    computed.set(input.objects, byEntity);
  }
  let entry = byEntity.get(entityKey);
  if (!entry) {
    entry = {
      analysis: analyse(input.hosts, input.objects, input.namespace),
    };
    byEntity.set(entityKey, entry);
  }
  return entry;
}

/** The analysis behind {@link computeClusterState}, shared the same way: read it, never change it. */
export function analysisOf(input: ClusterStateInput): Analysis {
  return computedFor(input).analysis;
}

/**
 * The blue/green state of the entity with the given hosts, from one cluster's objects. The same
 * input gives the same (shared) state object: callers read it and copy what they change.
 */
export function computeClusterState(
  input: ClusterStateInput,
): ComputedClusterState {
  const entry = computedFor(input);
  entry.state ??= stateOf(entry.analysis, input.namespace);
  return entry.state;
}

/**
 * The objects that decide the state of `input`, those its analysis selected (see
 * selectForHosts): the state of these alone is the same. A plan's outcome and a write's read-back
 * are these with a few VirtualServices replaced, so the model then works on the entity's own
 * objects instead of every VirtualService of the cluster.
 */
export function objectsDecidingState(input: ClusterStateInput): ClusterObjects {
  return analysisOf(input).mesh.objects;
}

function stateOf(
  analysis: Analysis,
  namespace: string | undefined,
): ComputedClusterState {
  const shared = analysis.hostRoutes.filter(r => r.pinnedColour === undefined);
  return {
    namespace: commonNamespace(analysis, namespace),
    colours: buildColours(analysis.tiers, hostsByColour(analysis.hostRoutes)),
    splits: splitsOf(shared),
    activeColour: activeColourOf(shared),
    routes: analysis.rules.map(rule => toRouteRule(rule, analysis)),
    findings: findingsOf(analysis),
    resourceVersions: resourceVersionsOf(analysis),
  };
}
