/*
 * Where the ordinary traffic of each host goes. "Ordinary" means what a browser or a plain client
 * sends: the host, path `/`, no extra headers and no caller labels. The rule catching it decides
 * whether the host is pinned to one colour or shared between colours; rules that need caller
 * labels or special headers are affinity or test routes, not the host's split.
 */
import { isWildcard, withoutPort } from './hosts';
import { VirtualService } from './istio';
import { Request, firstMatch } from './matching';
import { Mesh, boundGateways, namespaceOf, qualifiedName } from './mesh';
import { declaredProtocol, ruleProtocolOf } from './portProtocols';
import { PodShare, dedicatedSubset, resolveRoute } from './routing';
import type { RuleProtocol } from '@bluegreen-istio/plugin-bluegreen-common';
import { Rule, rulesOf } from './rules';

export interface HostRoute {
  /** As written in the entity's hosts or the VirtualService. */
  host: string;
  /** Normalised gateway (`mesh` or `namespace/name`) the traffic enters at. */
  gateway: string;
  vs: VirtualService;
  rule: Rule;
  shares: PodShare[];
  /**
   * The colour the host is dedicated to: set when the host is not one the entity lists as
   * user-facing and all its ordinary traffic goes to one subset.
   */
  pinnedColour?: string;
}

/**
 * The rules that see a request: a VirtualService with rules for one protocol only uses those;
 * with several, the protocol the Service declares for the request's port decides.
 */
export function rulesForRequest(
  mesh: Mesh,
  vs: VirtualService,
  request: Request,
): Rule[] {
  const rules = rulesOf(vs);
  const present = [...new Set(rules.map(r => r.protocol))];
  let protocol: RuleProtocol | undefined = present[0];
  if (present.length > 1) {
    const port = mesh
      .serviceFor(withoutPort(request.host), namespaceOf(vs))
      ?.spec?.ports?.find(p => p.port === request.port);
    const declared = port && declaredProtocol(port);
    const fromPort = declared && ruleProtocolOf(declared);
    protocol = fromPort && present.includes(fromPort) ? fromPort : present[0];
  }
  return rules.filter(r => r.protocol === protocol);
}

function ordinaryRequest(
  mesh: Mesh,
  vs: VirtualService,
  host: string,
  gateway: string,
): Request {
  return {
    host,
    path: '/',
    headers: {},
    gateway,
    port: mesh.defaultPort(host, gateway, namespaceOf(vs)),
  };
}

/**
 * For every host (the entity's and every non-wildcard host of the VirtualServices) and every
 * gateway the VirtualServices bind, the rule that catches ordinary traffic and where it lands.
 */
export function routeHosts(
  mesh: Mesh,
  userFacingHosts: string[],
  namespace?: string,
): HostRoute[] {
  const virtualServices = mesh.objects.virtualServices;
  // A VirtualService in another namespace writes the entity's host in full; it is still one host.
  const isUserFacing = (host: string, vs: VirtualService) =>
    userFacingHosts.some(
      user =>
        mesh.hosts.canonical(user, namespace ?? namespaceOf(vs)) ===
        mesh.hosts.canonical(host, namespaceOf(vs)),
    );
  const vsHosts = virtualServices.flatMap(vs =>
    (vs.spec.hosts ?? []).filter(h => !isWildcard(h) && !isUserFacing(h, vs)),
  );
  const hosts = [...new Set([...userFacingHosts, ...vsHosts])];
  const gateways = [...new Set(virtualServices.flatMap(boundGateways))];
  const userFacing = new Set(userFacingHosts.map(h => h.toLowerCase()));

  return hosts.flatMap(host =>
    gateways.flatMap((gateway): HostRoute[] => {
      const vs = mesh.virtualServiceFor(host, gateway, namespace);
      if (!vs) return [];
      const request = ordinaryRequest(mesh, vs, host, gateway);
      const rule = firstMatch(rulesForRequest(mesh, vs, request), request)
        .matched?.rule;
      if (!rule || rule.action) return [];
      const pinned = userFacing.has(host.toLowerCase())
        ? undefined
        : dedicatedSubset(rule.route);
      return [
        {
          host,
          gateway,
          vs,
          rule,
          shares: resolveRoute(mesh, rule.route, namespaceOf(vs)),
          pinnedColour: pinned,
        },
      ];
    }),
  );
}

export interface Fallback {
  shares: PodShare[];
  /** What happens, as a clause: `the proxy answers 404 (no route)`. */
  consequence: string;
}

/**
 * What happens when a VirtualService has no rule for a request: an HTTP proxy answers 404, while
 * TCP and TLS connections go to the Service itself (no subset, so round robin over every colour).
 */
export function unmatchedOutcome(
  mesh: Mesh,
  vs: VirtualService,
  protocol: RuleProtocol,
  host: string,
): Fallback {
  if (protocol === 'http') {
    return { shares: [], consequence: 'the proxy answers 404 (no route)' };
  }
  const namespace = namespaceOf(vs);
  const service = mesh.serviceFor(withoutPort(host), namespace);
  if (!service) {
    return {
      shares: [],
      consequence: `the connection goes to ${host}, which is no Service here`,
    };
  }
  return {
    shares: resolveRoute(
      mesh,
      [{ destination: { host: withoutPort(host) } }],
      namespace,
    ),
    consequence: `the connection goes to Service ${qualifiedName(
      service,
    )} without a subset (round robin over all its pods)`,
  };
}
