import type {
  RouteMatch,
  RouteRule,
  RuleClassification,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { affinitiesOf, keepsAffinity } from './colourAffinity';
import { Analysis } from './analysis';
import { qualifiedName } from './mesh';
import { MatchBlock, Rule } from './rules';
import { describeBlock, describeRoute, ruleLabel } from './wording';

/** Most telling first: the primary classification is the first that applies. */
const PRECEDENCE: RuleClassification[] = [
  'shared-split',
  'colour-host',
  'mesh-affinity',
  'tcp-affinity',
];

export function classify(rule: Rule, analysis: Analysis): RuleClassification[] {
  const hostRoutes = analysis.hostRoutes.filter(route => route.rule === rule);
  const found = new Set<RuleClassification>();
  if (hostRoutes.some(route => route.pinnedColour === undefined)) {
    found.add('shared-split');
  }
  if (hostRoutes.some(route => route.pinnedColour !== undefined)) {
    found.add('colour-host');
  }
  if (affinitiesOf(rule, analysis.colourLabels).some(keepsAffinity)) {
    found.add(rule.protocol === 'http' ? 'mesh-affinity' : 'tcp-affinity');
  }
  const classifications = PRECEDENCE.filter(c => found.has(c));
  return classifications.length > 0 ? classifications : ['other'];
}

function toRouteMatch(block: MatchBlock): RouteMatch {
  return {
    hosts: block.sniHosts,
    headers: block.headers,
    authority: block.authority,
    uri: block.uri,
    sourceLabels: block.sourceLabels,
    gateways: block.gateways,
    port: block.port,
  };
}

export function toRouteRule(rule: Rule, analysis: Analysis): RouteRule {
  const classifications = classify(rule, analysis);
  return {
    virtualService: qualifiedName(rule.vs),
    protocol: rule.protocol,
    index: rule.index,
    label: ruleLabel(rule),
    name: rule.name,
    matches: rule.blocks.map(toRouteMatch),
    destinations: rule.route.map(({ destination, weight }) => ({
      host: destination.host,
      subset: destination.subset,
      port: destination.port?.number,
      weight,
    })),
    classification: classifications[0],
    classifications,
    conditions: rule.blocks.map(describeBlock),
    sendsTo: describeRoute(rule),
  };
}
