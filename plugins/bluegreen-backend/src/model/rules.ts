/*
 * VirtualService rules in one shape whatever their protocol, so matching, classification and
 * findings treat http, tcp and tls rules alike.
 */
import {
  MESH_GATEWAY,
  RuleProtocol,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  HTTPMatchRequest,
  HTTPRoute,
  L4MatchAttributes,
  RouteDestination,
  StringMatch,
  TLSMatchAttributes,
  VirtualService,
} from './istio';
import type { Labels } from './labels';
import { boundGateways, namespaceOf, normaliseGateway } from './mesh';

/** One match block; its conditions must all hold. */
export interface MatchBlock {
  /** As written; when present they replace the VirtualService's gateways for this block. */
  gateways?: string[];
  sourceLabels?: Labels;
  port?: number;
  uri?: StringMatch;
  ignoreUriCase?: boolean;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  sniHosts?: string[];
  /** Conditions present that the model does not evaluate (method, queryParams, …). */
  unmodelled: string[];
}

export interface Rule {
  vs: VirtualService;
  protocol: RuleProtocol;
  index: number;
  name?: string;
  /** Empty when the rule takes every request. */
  blocks: MatchBlock[];
  route: RouteDestination[];
  /** Set when the rule answers by itself instead of routing to destinations. */
  action?: 'redirect' | 'direct response' | 'delegate';
}

const MODELLED_CONDITIONS: Record<RuleProtocol, ReadonlySet<string>> = {
  http: new Set([
    'name',
    'uri',
    'authority',
    'headers',
    'ignoreUriCase',
    'port',
    'sourceLabels',
    'gateways',
  ]),
  tcp: new Set(['port', 'sourceLabels', 'gateways']),
  tls: new Set(['port', 'sourceLabels', 'gateways', 'sniHosts']),
};

function toBlock(
  protocol: RuleProtocol,
  match: HTTPMatchRequest | L4MatchAttributes | TLSMatchAttributes,
): MatchBlock {
  const unmodelled = Object.entries(match)
    .filter(
      ([key, value]) =>
        value !== undefined && !MODELLED_CONDITIONS[protocol].has(key),
    )
    .map(([key]) => key);
  const {
    gateways,
    sourceLabels,
    port,
    uri,
    ignoreUriCase,
    authority,
    headers,
    sniHosts,
  } = match as Partial<MatchBlock>;
  return {
    gateways,
    sourceLabels,
    port,
    uri,
    ignoreUriCase,
    authority,
    headers,
    sniHosts,
    unmodelled,
  };
}

function httpAction(route: HTTPRoute): Rule['action'] {
  if (route.redirect) return 'redirect';
  if (route.directResponse) return 'direct response';
  if (route.delegate) return 'delegate';
  return undefined;
}

function buildRules(vs: VirtualService): Rule[] {
  const http = (vs.spec.http ?? []).map(
    (r, index): Rule => ({
      vs,
      protocol: 'http',
      index,
      name: r.name,
      blocks: (r.match ?? []).map(m => toBlock('http', m)),
      route: r.route ?? [],
      action: httpAction(r),
    }),
  );
  const tcp = (vs.spec.tcp ?? []).map(
    (r, index): Rule => ({
      vs,
      protocol: 'tcp',
      index,
      blocks: (r.match ?? []).map(m => toBlock('tcp', m)),
      route: r.route ?? [],
    }),
  );
  const tls = (vs.spec.tls ?? []).map(
    (r, index): Rule => ({
      vs,
      protocol: 'tls',
      index,
      blocks: (r.match ?? []).map(m => toBlock('tls', m)),
      route: r.route ?? [],
    }),
  );
  return [...http, ...tcp, ...tls];
}

// Rules are derived once per VirtualService so that analyses can compare them by identity.
const rulesCache = new WeakMap<VirtualService, Rule[]>();

/** The rules of a VirtualService: http, then tcp, then tls, each indexed in its own list. */
export function rulesOf(vs: VirtualService): Rule[] {
  let rules = rulesCache.get(vs);
  if (!rules) {
    rules = buildRules(vs);
    rulesCache.set(vs, rules);
  }
  return rules;
}

/** Normalised gateways a block applies at. */
export function blockGateways(rule: Rule, block: MatchBlock): string[] {
  return block.gateways?.length
    ? block.gateways.map(g => normaliseGateway(g, namespaceOf(rule.vs)))
    : boundGateways(rule.vs);
}

/**
 * Where a block can ever match: its gateways, except that `sourceLabels` only ever hold for
 * sidecars, so such a block is confined to the mesh.
 */
function blockReach(rule: Rule, block: MatchBlock): string[] {
  const gateways = blockGateways(rule, block);
  return block.sourceLabels
    ? gateways.filter(g => g === MESH_GATEWAY)
    : gateways;
}

/** Normalised gateways at which some block of the rule (or the match-less rule) can match. */
export function ruleReach(rule: Rule): string[] {
  if (rule.blocks.length === 0) {
    return boundGateways(rule.vs);
  }
  return [...new Set(rule.blocks.flatMap(block => blockReach(rule, block)))];
}

/** A block with no condition beyond where it applies matches every request there. */
function isUnconditional(block: MatchBlock): boolean {
  return (
    !block.sourceLabels &&
    block.port === undefined &&
    !block.uri &&
    !block.authority &&
    Object.keys(block.headers ?? {}).length === 0 &&
    !block.sniHosts?.length &&
    block.unmodelled.length === 0
  );
}

/** Gateways at which the rule matches every request. */
export function catchAllGateways(rule: Rule): string[] {
  if (rule.blocks.length === 0) {
    return boundGateways(rule.vs);
  }
  return rule.blocks
    .filter(isUnconditional)
    .flatMap(block => blockGateways(rule, block));
}
