/*
 * Istio's match semantics: the first rule that matches wins; a rule matches when any of its
 * match blocks does; all conditions of a block must hold. A block's `gateways` replace the
 * VirtualService's; `sourceLabels` are labels of the calling workload and so only hold for
 * sidecars (`mesh`), never for traffic a gateway forwards.
 */
import { hostMatches, withoutPort } from './hosts';
import { MESH_GATEWAY } from '@bluegreen-istio/plugin-bluegreen-common';
import { StringMatch } from './istio';
import { Labels, formatLabels, hasLabels } from './labels';
import { displayGateway, namespaceOf, normaliseGateway } from './mesh';
import { MatchBlock, Rule, blockGateways } from './rules';
import { regexMatches } from './regex';
import {
  AUTHORITY_HEADERS,
  describeBlock,
  describeStringMatch,
} from './wording';

/** A request as the model sees it. */
export interface Request {
  host: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  sourceLabels?: Labels;
  /** `mesh` or a gateway reference (short names resolve in the VirtualService's namespace). */
  gateway: string;
  port?: number;
}

export interface Verdict {
  matched: boolean;
  reason: string;
}

export interface FirstMatch {
  matched?: { rule: Rule; reason: string };
  /** The rules tried before the match (all of them when none matched). */
  skipped: { rule: Rule; reason: string }[];
}

function stringMatches(
  match: StringMatch,
  value: string,
  ignoreCase = false,
): boolean {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (match.exact !== undefined) return fold(value) === fold(match.exact);
  if (match.prefix !== undefined)
    return fold(value).startsWith(fold(match.prefix));
  if (match.regex !== undefined) {
    return regexMatches(match.regex, value, ignoreCase);
  }
  return true;
}

/** Exact and regex URI matches ignore the query string; prefixes see the whole path, as in Envoy. */
function uriMatches(
  match: StringMatch,
  path: string,
  ignoreCase?: boolean,
): boolean {
  const pathOnly = path.split('?')[0];
  return stringMatches(
    match,
    match.prefix !== undefined ? path : pathOnly,
    ignoreCase,
  );
}

function headerValue(request: Request, name: string): string | undefined {
  const key = name.toLowerCase();
  return (
    request.headers[key] ??
    (AUTHORITY_HEADERS.has(key) ? request.host : undefined)
  );
}

/** The first condition of the block the request fails, or undefined when it meets them all. */
function failedCondition(
  rule: Rule,
  block: MatchBlock,
  request: Request,
): string | undefined {
  const namespace = namespaceOf(rule.vs);
  const gateway = normaliseGateway(request.gateway, namespace);
  const gateways = blockGateways(rule, block);
  if (!gateways.includes(gateway)) {
    const list = gateways.map(g => displayGateway(g, namespace)).join(', ');
    return `applies only via ${list}, not ${displayGateway(
      gateway,
      namespace,
    )}`;
  }
  if (block.unmodelled.length > 0) {
    return `uses ${block.unmodelled.join(
      ', ',
    )}, which the model does not evaluate`;
  }
  if (block.sourceLabels) {
    if (gateway !== MESH_GATEWAY) {
      return `sourceLabels only apply to in-mesh callers, not to traffic from gateway ${displayGateway(
        gateway,
        namespace,
      )}`;
    }
    if (!hasLabels(request.sourceLabels, block.sourceLabels)) {
      return `needs a caller labelled ${formatLabels(
        block.sourceLabels,
      )}, but the caller has ${formatLabels(request.sourceLabels)}`;
    }
  }
  if (block.port !== undefined && block.port !== request.port) {
    return `needs port ${block.port}; the request port is ${
      request.port ?? 'unknown'
    }`;
  }
  if (block.uri && !uriMatches(block.uri, request.path, block.ignoreUriCase)) {
    return `path '${request.path}' does not match: uri ${describeStringMatch(
      block.uri,
    )}`;
  }
  if (block.authority && !stringMatches(block.authority, request.host)) {
    return `authority '${
      request.host
    }' does not match: authority ${describeStringMatch(block.authority)}`;
  }
  for (const [name, match] of Object.entries(block.headers ?? {})) {
    const value = headerValue(request, name);
    if (value === undefined) {
      return `needs header ${name}, which the request lacks`;
    }
    if (!stringMatches(match, value)) {
      return `header ${name} '${value}' does not match: ${describeStringMatch(
        match,
      )}`;
    }
  }
  if (
    block.sniHosts &&
    !block.sniHosts.some(h =>
      hostMatches(h.toLowerCase(), withoutPort(request.host)),
    )
  ) {
    return `SNI '${request.host}' is not one of ${block.sniHosts.join(', ')}`;
  }
  return undefined;
}

function evaluateRule(rule: Rule, request: Request): Verdict {
  if (rule.blocks.length === 0) {
    return {
      matched: true,
      reason: 'the rule has no match conditions, so it takes every request',
    };
  }
  const failures: string[] = [];
  for (const [i, block] of rule.blocks.entries()) {
    const failure = failedCondition(rule, block, request);
    if (failure === undefined) {
      return {
        matched: true,
        reason: `match block ${i + 1} holds: ${describeBlock(block)}`,
      };
    }
    failures.push(`block ${i + 1} ${failure}`);
  }
  return { matched: false, reason: failures.join('; ') };
}

export function firstMatch(rules: Rule[], request: Request): FirstMatch {
  const skipped: FirstMatch['skipped'] = [];
  for (const rule of rules) {
    const verdict = evaluateRule(rule, request);
    if (verdict.matched) {
      return { matched: { rule, reason: verdict.reason }, skipped };
    }
    skipped.push({ rule, reason: verdict.reason });
  }
  return { skipped };
}
