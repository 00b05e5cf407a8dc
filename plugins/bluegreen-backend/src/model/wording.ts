/*
 * How the API words rules, their conditions and destinations. Findings, the explainer's reasons
 * and the route list all use these, so a rule reads the same wherever a user meets it; the
 * frontend shows the words as they come (see RouteRule.label in the common types).
 */
import { RouteDestination, StringMatch } from './istio';
import { formatLabels } from './labels';
import { qualifiedName } from './mesh';
import { PodShare, percentByColour, roundPercent } from './routing';
import type { RuleProtocol } from '@bluegreen-istio/plugin-bluegreen-common';
import type { MatchBlock, Rule } from './rules';

/** Header names Envoy reads as the request's host. */
export const AUTHORITY_HEADERS: ReadonlySet<string> = new Set([
  'host',
  ':authority',
]);

/** `HTTP rule 1` for `spec.http[0]`: protocol and position counted from 1, as people count. */
export function ruleLabel(rule: {
  protocol: RuleProtocol;
  index: number;
}): string {
  return `${rule.protocol.toUpperCase()} rule ${rule.index + 1}`;
}

/** `HTTP rule 1 of VirtualService pii-demo/httpd-server` */
export function ruleRef(rule: Rule): string {
  return `${ruleLabel(rule)} of VirtualService ${qualifiedName(rule.vs)}`;
}

const CONJUNCTION = new Intl.ListFormat('en', {
  style: 'long',
  type: 'conjunction',
});

/** `blue`, `blue and green`, `blue, green, and red` */
export function listOf(words: string[]): string {
  return CONJUNCTION.format(words);
}

/**
 * Rules of one VirtualService known by position only (a cutover's stored patch names them so),
 * e.g. `HTTP rule 1 and HTTP rule 3 of VirtualService pii-demo/httpd-server`.
 */
export function rulesRef(
  rules: Array<{ protocol: RuleProtocol; index: number }>,
  virtualService: string,
): string {
  return `${listOf(rules.map(ruleLabel))} of VirtualService ${virtualService}`;
}

/** `= 'a'`, `starts with '/api'`, `matches /v[0-9]+/` */
export function describeStringMatch(match: StringMatch): string {
  if (match.exact !== undefined) return `= '${match.exact}'`;
  if (match.prefix !== undefined) return `starts with '${match.prefix}'`;
  return `matches /${match.regex ?? ''}/`;
}

/** The block's conditions in words, e.g. `host = 'a.example' via pii-demo-gateway`. */
export function describeBlock(block: MatchBlock): string {
  const conditions: string[] = [];
  for (const [name, match] of Object.entries(block.headers ?? {})) {
    const subject = AUTHORITY_HEADERS.has(name.toLowerCase())
      ? 'host'
      : `header ${name}`;
    conditions.push(`${subject} ${describeStringMatch(match)}`);
  }
  if (block.authority)
    conditions.push(`authority ${describeStringMatch(block.authority)}`);
  if (block.sniHosts) conditions.push(`SNI ${block.sniHosts.join(' or ')}`);
  if (block.uri) conditions.push(`uri ${describeStringMatch(block.uri)}`);
  if (block.port !== undefined) conditions.push(`port ${block.port}`);
  if (block.sourceLabels)
    conditions.push(
      `in-mesh callers labelled ${formatLabels(block.sourceLabels)}`,
    );
  if (block.unmodelled.length > 0)
    conditions.push(`${block.unmodelled.join(', ')} conditions`);
  const what =
    conditions.length > 0 ? conditions.join(' and ') : 'every request';
  return block.gateways?.length
    ? `${what} via ${block.gateways.join(', ')}`
    : what;
}

/** `myapp subset v1`, or `myapp (round robin over its pods)` when no subset is named. */
export function describeTarget(host: string, subset?: string | null): string {
  return subset
    ? `${host} subset ${subset}`
    : `${host} (round robin over its pods)`;
}

/** Where a rule sends traffic: `myapp subset v1 weight 90, myapp subset v2 weight 10`. */
export function describeRoute(rule: Rule): string {
  if (rule.action) return rule.action;
  const several = rule.route.length > 1;
  return rule.route
    .map(({ destination, weight }: RouteDestination) => {
      const target = describeTarget(destination.host, destination.subset);
      return several ? `${target} weight ${weight ?? 0}` : target;
    })
    .join(', ');
}

/** `blue 50%, green 50%` */
export function describeShares(shares: PodShare[]): string {
  return [...percentByColour(shares)]
    .map(
      ([colour, percent]) =>
        `${colour ?? 'pods of no subset'} ${roundPercent(percent)}%`,
    )
    .join(', ');
}
