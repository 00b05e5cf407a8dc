import {
  Finding,
  MESH_GATEWAY,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { Affinity, affinitiesOf, keepsAffinity } from '../colourAffinity';
import { Analysis } from '../analysis';
import { Subset, VirtualService } from '../istio';
import { Labels, formatLabels } from '../labels';
import { Request, firstMatch } from '../matching';
import { Mesh, boundGateways, namespaceOf, qualifiedName } from '../mesh';
import { PodShare, percentByColour, resolveRoute } from '../routing';
import { Rule, rulesOf } from '../rules';
import { Tier } from '../tiers';
import { unmatchedOutcome } from '../traffic';
import { describeShares, ruleLabel, ruleRef } from '../wording';
import { finding } from './finding';

function keptAffinities(rules: Rule[], analysis: Analysis): Affinity[] {
  return rules
    .flatMap(rule => affinitiesOf(rule, analysis.colourLabels))
    .filter(keepsAffinity);
}

/** Where a request lands once no earlier rule took it, in words. */
function landing(
  mesh: Mesh,
  rules: Rule[],
  request: Request,
): { shares: PodShare[]; text: string } {
  const vs = rules[0].vs;
  const { matched } = firstMatch(rules, request);
  if (matched) {
    return {
      shares: resolveRoute(mesh, matched.rule.route, namespaceOf(vs)),
      text: `falls through to ${ruleLabel(matched.rule)}`,
    };
  }
  const fallback = unmatchedOutcome(mesh, vs, rules[0].protocol, request.host);
  return {
    shares: fallback.shares,
    text: `matches no rule, so ${fallback.consequence}`,
  };
}

/** Where in-mesh callers with `labels` calling `host` end up, in words; undefined when on `colour`. */
function strayOutcome(
  mesh: Mesh,
  rules: Rule[],
  host: string,
  labels: Labels,
  colour: string,
): string | undefined {
  const request: Request = {
    host,
    path: '/',
    headers: {},
    sourceLabels: labels,
    gateway: MESH_GATEWAY,
    port: mesh.defaultPort(host, MESH_GATEWAY, namespaceOf(rules[0].vs)),
  };
  const { shares, text } = landing(mesh, rules, request);
  const onColour = (percentByColour(shares).get(colour) ?? 0) > 99.99;
  if (onColour) {
    return undefined;
  }
  return shares.length > 0 ? `${text}: ${describeShares(shares)}` : text;
}

/**
 * In a VirtualService where some colours keep in-mesh affinity, a colour without an affinity rule
 * has its callers fall through to whatever comes next (round robin, another colour, or a 404).
 */
function missingAffinityInList(analysis: Analysis, rules: Rule[]): Finding[] {
  const affinities = rules.flatMap(rule =>
    affinitiesOf(rule, analysis.colourLabels),
  );
  const kept = affinities.filter(keepsAffinity);
  if (kept.length === 0) {
    return [];
  }
  const vs = rules[0].vs;
  const host = kept[0].rule.route[0].destination.host;
  const subsets =
    analysis.mesh.destinationRuleFor(host, namespaceOf(vs))?.spec.subsets ?? [];
  const keptColours = [...new Set(kept.map(a => a.callerColour))];
  // Colours whose affinity rule points elsewhere are reported as tier-affinity-mismatch.
  const covered = new Set(affinities.map(a => a.callerColour));
  return subsets
    .filter(subset => !covered.has(subset.name))
    .flatMap(subset => {
      const labels = subset.labels ?? {};
      const outcome = strayOutcome(
        analysis.mesh,
        rules,
        host,
        labels,
        subset.name,
      );
      if (!outcome) return [];
      const example = kept[0];
      return [
        finding(
          'missing-mesh-affinity',
          'warning',
          'VirtualService',
          vs,
          `In-mesh callers of colour '${subset.name}' (${formatLabels(
            labels,
          )}) have no affinity rule in VirtualService ${qualifiedName(
            vs,
          )}, unlike ${keptColours.join(', ')}: their ${
            rules[0].protocol
          } traffic to ${host} ${outcome}.`,
          `Add a ${rules[0].protocol} rule next to ${ruleLabel(
            example.rule,
          )} matching sourceLabels ${formatLabels(
            labels,
          )} (gateways including mesh) and routing to ${host} subset ${
            subset.name
          }.`,
        ),
      ];
    });
}

export function missingAffinityFindings(analysis: Analysis): Finding[] {
  return analysis.mesh.objects.virtualServices
    .filter(vs => boundGateways(vs).includes(MESH_GATEWAY))
    .flatMap(vs =>
      (['http', 'tcp', 'tls'] as const).flatMap(protocol => {
        const rules = rulesOf(vs).filter(r => r.protocol === protocol);
        return rules.length > 0 ? missingAffinityInList(analysis, rules) : [];
      }),
    );
}

function crossedAffinityFinding(affinity: Affinity): Finding {
  const { rule, callerColour, subset, sourceLabels } = affinity;
  const host = rule.route[0].destination.host;
  return finding(
    'tier-affinity-mismatch',
    'error',
    'VirtualService',
    rule.vs,
    `${ruleRef(
      rule,
    )} sends in-mesh callers of colour '${callerColour}' (${formatLabels(
      sourceLabels,
    )}) to subset '${subset}' of ${host}: the ${callerColour} tiers talk to the ${subset} ${host}.`,
    `Route sourceLabels ${formatLabels(
      sourceLabels,
    )} to subset '${callerColour}' of ${host} in ${ruleRef(rule)}.`,
  );
}

interface TierAffinity {
  tier: Tier;
  vs?: VirtualService;
  colours: Set<string>;
}

function tierWithoutAffinityFinding(
  entry: TierAffinity,
  all: TierAffinity[],
  labelsByColour: Map<string, Labels>,
): Finding | undefined {
  const { tier, vs } = entry;
  const withAffinity = all.filter(t => t.colours.size > 0);
  const kept = new Set(withAffinity.flatMap(t => [...t.colours]));
  const subsets: Subset[] = (tier.destinationRule.spec.subsets ?? []).filter(
    s => kept.has(s.name),
  );
  if (entry.colours.size > 0 || subsets.length === 0) {
    return undefined;
  }
  const where = vs
    ? `VirtualService ${qualifiedName(vs)} has no affinity rule`
    : 'no VirtualService routes it for in-mesh callers';
  const rulesToAdd = subsets
    .map(
      s =>
        `sourceLabels ${formatLabels(
          labelsByColour.get(s.name) ?? s.labels,
        )} → subset ${s.name}`,
    )
    .join('; ');
  return finding(
    'tier-affinity-mismatch',
    'error',
    vs ? 'VirtualService' : 'DestinationRule',
    vs ?? tier.destinationRule,
    `In-mesh callers keep their colour on ${withAffinity
      .map(t => t.tier.host)
      .join(', ')} (${[...kept].join(', ')}), but not on ${
      tier.host
    }: ${where}, so a caller of one colour reaches ${
      tier.host
    } pods of every colour.`,
    `${
      vs
        ? `In VirtualService ${qualifiedName(vs)}`
        : `In a VirtualService for host ${tier.host} bound to mesh`
    }, add one rule per colour (tcp rules for TCP ports): ${rulesToAdd}.`,
  );
}

/**
 * The tiers of one colour must keep talking to each other: every tier keeps the affinity the
 * others keep, and no rule sends one colour's callers to another colour. (A tier keeping affinity
 * for some colours but not all is reported as missing-mesh-affinity.)
 */
export function tierAffinityFindings(analysis: Analysis): Finding[] {
  const crossed = analysis.rules
    .flatMap(rule => affinitiesOf(rule, analysis.colourLabels))
    // A subset that is no colour at all is reported as subset-not-found.
    .filter(a => !keepsAffinity(a) && analysis.colourLabels.has(a.subset))
    .map(crossedAffinityFinding);
  const tiers: TierAffinity[] = analysis.tiers.map(tier => {
    const vs = analysis.mesh.virtualServiceFor(
      tier.host,
      MESH_GATEWAY,
      tier.namespace,
    );
    const kept = vs ? keptAffinities(rulesOf(vs), analysis) : [];
    return { tier, vs, colours: new Set(kept.map(a => a.callerColour)) };
  });
  const labelsByColour = new Map(
    keptAffinities(analysis.rules, analysis).map(
      a => [a.callerColour, a.sourceLabels] as const,
    ),
  );
  const unpaired = tiers
    .map(entry => tierWithoutAffinityFinding(entry, tiers, labelsByColour))
    .filter((f): f is Finding => f !== undefined);
  return [...crossed, ...unpaired];
}
