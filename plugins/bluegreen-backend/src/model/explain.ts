import {
  ClusterExplanation,
  ExplainRequest,
  ExplainedDestination,
  ExplainedRule,
  MESH_GATEWAY,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { withoutPort } from './hosts';
import { ClusterObjects, VirtualService } from './istio';
import { podName } from './labels';
import { Request, firstMatch } from './matching';
import {
  Mesh,
  boundGateways,
  gatewayServes,
  namespaceOf,
  qualifiedName,
} from './mesh';
import { PodShare, resolveRoute, roundPercent } from './routing';
import { scopeToNamespace } from './select';
import { Rule } from './rules';
import { rulesForRequest, unmatchedOutcome } from './traffic';
import { describeTarget, ruleLabel } from './wording';

/** The request fields the model needs; the entity and cluster are the caller's business. */
export type ExplainQuery = Omit<ExplainRequest, 'entityRef' | 'cluster'>;

export type ComputedExplanation = Omit<ClusterExplanation, 'cluster'>;

function toExplained(share: PodShare): ExplainedDestination {
  return {
    host: share.host,
    subset: share.subset,
    target: describeTarget(share.host, share.subset),
    colour: share.colour,
    percent: roundPercent(share.percent),
    pods: share.readyPods.map(podName),
  };
}

function explainedRule(rule: Rule, reason: string): ExplainedRule {
  return {
    protocol: rule.protocol,
    index: rule.index,
    label: ruleLabel(rule),
    reason,
  };
}

/** Callers with labels are pods, so in the mesh; otherwise the request comes in from outside. */
function defaultGateway(
  mesh: Mesh,
  query: ExplainQuery,
  namespace?: string,
): string {
  if (query.sourceLabels) {
    return MESH_GATEWAY;
  }
  const bound = mesh
    .virtualServicesFor(withoutPort(query.host), namespace)
    .flatMap(boundGateways)
    .find(gateway => gateway !== MESH_GATEWAY);
  return bound ?? MESH_GATEWAY;
}

function withoutVirtualService(
  mesh: Mesh,
  host: string,
  gateway: string,
  namespace?: string,
): ComputedExplanation {
  const none = { virtualService: null, matchedRule: null, skipped: [] };
  if (gateway !== MESH_GATEWAY) {
    return {
      ...none,
      destinations: [],
      message: `No VirtualService bound to gateway ${gateway} serves host ${host}: the gateway answers 404.`,
    };
  }
  const service = mesh.serviceFor(host, namespace);
  if (!service) {
    return {
      ...none,
      destinations: [],
      message: `No VirtualService and no Service for host ${host}.`,
    };
  }
  return {
    ...none,
    destinations: resolveRoute(
      mesh,
      [{ destination: { host } }],
      namespaceOf(service),
    ).map(toExplained),
    message: `No VirtualService routes ${host} for in-mesh callers: plain Kubernetes Service round robin over the ready pods of ${qualifiedName(
      service,
    )}.`,
  };
}

function throughVirtualService(
  mesh: Mesh,
  vs: VirtualService,
  request: Request,
): ComputedExplanation {
  const rules = rulesForRequest(mesh, vs, request);
  const { matched, skipped } = firstMatch(rules, request);
  const explained = {
    virtualService: qualifiedName(vs),
    skipped: skipped.map(({ rule, reason }) => explainedRule(rule, reason)),
  };
  if (!matched) {
    // A VirtualService without rules at all is treated as HTTP: nothing routes.
    const protocol = rules[0]?.protocol ?? 'http';
    const fallback = unmatchedOutcome(mesh, vs, protocol, request.host);
    return {
      ...explained,
      matchedRule: null,
      destinations: fallback.shares.map(toExplained),
      message: `No ${protocol} rule of VirtualService ${qualifiedName(
        vs,
      )} matches: ${fallback.consequence}.`,
    };
  }
  const { rule, reason } = matched;
  const matchedRule = explainedRule(rule, reason);
  if (rule.action) {
    return {
      ...explained,
      matchedRule,
      destinations: [],
      message: `The rule answers with a ${rule.action} instead of routing to pods.`,
    };
  }
  return {
    ...explained,
    matchedRule,
    destinations: resolveRoute(mesh, rule.route, namespaceOf(vs)).map(
      toExplained,
    ),
  };
}

/**
 * How Istio routes a request: which VirtualService applies for the host where the request enters
 * (a gateway or the mesh), why each rule before the winning one does not match, and which colours
 * and pods receive what share.
 */
export function explainRequest(
  query: ExplainQuery,
  objects: ClusterObjects,
  namespace?: string,
): ComputedExplanation {
  const mesh = new Mesh(
    namespace ? scopeToNamespace(objects, namespace) : objects,
  );
  const host = withoutPort(query.host);
  const gateway = query.gateway ?? defaultGateway(mesh, query, namespace);
  const vs = mesh.virtualServiceFor(host, gateway, namespace);
  if (!vs) {
    return withoutVirtualService(mesh, host, gateway, namespace);
  }
  const vsNamespace = namespaceOf(vs);
  const gatewayObject =
    gateway === MESH_GATEWAY ? undefined : mesh.gateway(gateway, vsNamespace);
  if (
    gatewayObject &&
    !gatewayServes(gatewayObject, mesh.hosts.canonical(host, vsNamespace))
  ) {
    return {
      virtualService: qualifiedName(vs),
      matchedRule: null,
      skipped: [],
      destinations: [],
      message: `Gateway ${qualifiedName(
        gatewayObject,
      )} does not accept host ${host}: the request never reaches VirtualService ${qualifiedName(
        vs,
      )} and the gateway answers 404.`,
    };
  }
  const request: Request = {
    host: query.host,
    path: query.path ?? '/',
    headers: Object.fromEntries(
      Object.entries(query.headers ?? {}).map(([name, value]) => [
        name.toLowerCase(),
        value,
      ]),
    ),
    sourceLabels: query.sourceLabels,
    gateway,
    port: query.port ?? mesh.defaultPort(host, gateway, vsNamespace),
  };
  return throughVirtualService(mesh, vs, request);
}
