import {
  Finding,
  MESH_GATEWAY,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { formatLabels } from '../labels';
import {
  displayGateway,
  gatewayServes,
  namespaceOf,
  qualifiedName,
} from '../mesh';
import { Rule, blockGateways, catchAllGateways, ruleReach } from '../rules';
import { ruleLabel, ruleRef } from '../wording';
import { finding } from './finding';

function unreachableFinding(rule: Rule, earlier: Rule[]): Finding | undefined {
  const reach = ruleReach(rule);
  const shadows = reach.map(gateway =>
    earlier.find(r => catchAllGateways(r).includes(gateway)),
  );
  const [catchAll] = shadows;
  // A rule that can match nowhere at all is another problem (e.g. sourceLabels without mesh).
  if (!catchAll || shadows.includes(undefined)) {
    return undefined;
  }
  return finding(
    'unreachable-rule',
    'warning',
    'VirtualService',
    rule.vs,
    `${ruleRef(rule)} can never match: ${ruleLabel(
      catchAll,
    )} before it takes every request it could match.`,
    `Move ${ruleLabel(rule)} above ${ruleLabel(
      catchAll,
    )} in VirtualService ${qualifiedName(rule.vs)}, or delete it.`,
  );
}

/** Istio stops at the first matching rule, so nothing after a catch-all is ever reached. */
export function unreachableRuleFindings({ rules }: Analysis): Finding[] {
  return rules
    .map(rule =>
      unreachableFinding(
        rule,
        rules.filter(
          r =>
            r.vs === rule.vs &&
            r.protocol === rule.protocol &&
            r.index < rule.index,
        ),
      ),
    )
    .filter((f): f is Finding => f !== undefined);
}

/**
 * A gateway only forwards hosts its servers accept. Hosts naming a Kubernetes Service are left
 * out: they are how in-mesh callers reach the service, not names users send to the ingress.
 */
export function gatewayHostFindings({
  mesh,
  hostRoutes,
  userFacingHosts,
  namespace: entityNamespace,
}: Analysis): Finding[] {
  const reported = new Set<string>();
  const userFacing = new Set(userFacingHosts.map(h => h.toLowerCase()));
  return hostRoutes.flatMap(({ host, gateway: ref, vs }): Finding[] => {
    const namespace = namespaceOf(vs);
    // The entity's own hosts are written for its namespace, whichever namespace routes them.
    const hostNamespace =
      userFacing.has(host.toLowerCase()) && entityNamespace
        ? entityNamespace
        : namespace;
    const gateway =
      ref === MESH_GATEWAY ? undefined : mesh.gateway(ref, namespace);
    const key = `${ref}|${host}`;
    if (
      !gateway ||
      mesh.serviceFor(host, hostNamespace) ||
      gatewayServes(gateway, mesh.hosts.canonical(host, hostNamespace)) ||
      reported.has(key)
    ) {
      return [];
    }
    reported.add(key);
    const accepted =
      (gateway.spec.servers ?? []).flatMap(s => s.hosts).join(', ') || 'none';
    const wildcard =
      host.split('.').length > 2
        ? ` (or a wildcard such as *.${host.split('.').slice(1).join('.')})`
        : '';
    return [
      finding(
        'host-not-in-gateway',
        'error',
        'Gateway',
        gateway,
        `VirtualService ${qualifiedName(
          vs,
        )} routes host ${host} via ${displayGateway(
          ref,
          namespace,
        )}, but Gateway ${qualifiedName(
          gateway,
        )} does not accept that host (its hosts: ${accepted}); requests for it never reach the route.`,
        `Add '${host}'${wildcard} to spec.servers[].hosts of Gateway ${qualifiedName(
          gateway,
        )}.`,
      ),
    ];
  });
}

/** sourceLabels only hold for sidecars; a block that never applies to `mesh` never matches. */
export function sourceLabelsWithoutMeshFindings({
  rules,
}: Analysis): Finding[] {
  return rules.flatMap(rule =>
    rule.blocks.flatMap((block, i): Finding[] => {
      if (
        !block.sourceLabels ||
        blockGateways(rule, block).includes(MESH_GATEWAY)
      ) {
        return [];
      }
      const limited = Boolean(block.gateways?.length);
      const where = limited
        ? `match block ${i + 1} is limited to ${block.gateways?.join(', ')}`
        : `the VirtualService is bound only to ${rule.vs.spec.gateways?.join(
            ', ',
          )}`;
      return [
        finding(
          'source-labels-without-mesh',
          'error',
          'VirtualService',
          rule.vs,
          `${ruleRef(rule)} matches callers labelled ${formatLabels(
            block.sourceLabels,
          )}, but ${where}; sourceLabels only hold for sidecars (gateway mesh), so the condition never matches and those callers lose their colour affinity.`,
          limited
            ? `Add 'mesh' to the gateways of match block ${i + 1} in ${ruleRef(
                rule,
              )}.`
            : `Add 'mesh' to spec.gateways of VirtualService ${qualifiedName(
                rule.vs,
              )}, keeping the gateways already listed.`,
        ),
      ];
    }),
  );
}
