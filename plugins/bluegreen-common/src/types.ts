/*
 * The public API of the blue/green plugin: the shapes the backend returns and the frontend renders.
 * Rule indexes are 0-based positions in the VirtualService's `http`, `tcp` or `tls` list.
 *
 * The backend owns every sentence about the configuration: it words findings, explanations, rule
 * conditions and rule names (`label`, `HTTP rule 1`), and the frontend shows them as they come, so
 * a rule reads the same in a finding, the route list and the explainer.
 */

/**
 * The gateway name Istio reserves for the sidecars of the mesh: rules bound to it apply to
 * in-mesh callers.
 *
 * @public
 */
export const MESH_GATEWAY = 'mesh';

/**
 * Which list of a VirtualService a rule is in.
 *
 * @public
 */
export type RuleProtocol = 'http' | 'tcp' | 'tls';

/**
 * Why a cluster could not be read.
 *
 * @public
 */
export type ClusterErrorReason =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'timeout'
  | 'unknown';

/**
 * A cluster that failed; the rest of that cluster's result is empty.
 *
 * @public
 */
export interface ClusterError {
  message: string;
  reason?: ClusterErrorReason;
  /** HTTP status returned by the Kubernetes API server, when there was one. */
  status?: number;
}

/**
 * Response of the state endpoint: one entry per cluster the entity is looked up in.
 *
 * @public
 */
export interface BlueGreenStateResponse {
  entityRef: string;
  clusters: ClusterBlueGreenState[];
}

/**
 * The blue/green state of an entity in one cluster.
 *
 * @public
 */
export interface ClusterBlueGreenState {
  cluster: string;
  /** The namespace the state was read from, or null when it spans several namespaces. */
  namespace: string | null;
  colours: Colour[];
  /** How each shared (not colour-pinned) host spreads its traffic. */
  splits: HostSplit[];
  /** The colour receiving 100% of every shared host, or null while traffic is split. */
  activeColour: string | null;
  /** Every rule of the selected VirtualServices, in evaluation order. */
  routes: RouteRule[];
  findings: Finding[];
  /**
   * `metadata.resourceVersion` of each configuration object the state was computed from
   * (Istio objects, Services, Deployments; not Pods, whose versions change on every probe),
   * keyed `Kind/namespace/name`, e.g. `VirtualService/pii-demo/httpd-server`.
   */
  resourceVersions: Record<string, string>;
  /**
   * ISO-8601 time the state was computed from the cluster's objects. With the watch cache, an
   * unchanged state keeps its time: the objects have not changed since.
   */
  fetchedAt: string;
  error?: ClusterError;
}

/**
 * One colour of the service: all DestinationRule subsets that share this name.
 *
 * A service often has several tiers, each with its own DestinationRule (pii-demo: `httpd-server`
 * and `mysql-server`, both with subsets `blue` and `green`). Releasing a colour means releasing
 * all of its tiers together, so a colour groups the same-named subset of every tier rather than
 * being one entry per DestinationRule:
 *
 * - `tiers` has one entry per DestinationRule defining the subset, in the order the entity's
 *   hosts reach them (user-facing tier first).
 * - `service` and `labels` are those of the first (user-facing) tier, for compact displays.
 * - `workloads`, `readyPods` and `totalPods` cover every tier; each workload names its tier in
 *   {@link Workload.service}, so a panel per colour can list the workloads tier by tier.
 *
 * Colours are named after the subsets, whatever they are (`blue`/`green`, `v1`/`v2`, three or more).
 *
 * @public
 */
export interface Colour {
  /** The subset name shared by all tiers. */
  name: string;
  /** DestinationRule host of the first tier, e.g. `httpd-server`. */
  service: string;
  /** Subset labels of the first tier, e.g. `{ version: 'blue' }`. */
  labels: Record<string, string>;
  workloads: Workload[];
  readyPods: number;
  totalPods: number;
  /** Hosts whose ordinary traffic always reaches this colour, e.g. `pii-demo-blue.apps.hl.test`. */
  hosts: string[];
  tiers: ColourTier[];
}

/**
 * The subset of one tier (DestinationRule) that belongs to a colour.
 *
 * @public
 */
export interface ColourTier {
  /** DestinationRule host, e.g. `mysql-server`. */
  service: string;
  namespace: string;
  destinationRule: string;
  labels: Record<string, string>;
  readyPods: number;
  totalPods: number;
}

/**
 * A Deployment whose pods a colour's subset selects.
 *
 * @public
 */
export interface Workload {
  kind: 'Deployment';
  name: string;
  namespace: string;
  /** The tier (DestinationRule host) the workload serves, see {@link ColourTier.service}. */
  service: string;
  images: string[];
  desiredReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

/**
 * How a shared host spreads its ordinary traffic (no special headers, no caller labels).
 *
 * - `weighted`: several destinations with weights.
 * - `round-robin`: one destination without a subset; each colour's share is its share of the
 *   service's ready pods.
 * - `single`: one destination naming one subset.
 *
 * @public
 */
export interface HostSplit {
  host: string;
  mode: 'weighted' | 'round-robin' | 'single';
  destinations: SplitDestination[];
  /** Where the split applies: gateway names as the VirtualService writes them, or `mesh`. */
  viaGateways: string[];
  /** The VirtualService (`namespace/name`) and rule that decide the split. */
  virtualService: string;
  ruleIndex: number;
  /** The deciding rule as every message names it, see {@link RouteRule.label}. */
  ruleLabel: string;
}

/**
 * One share of a {@link HostSplit}.
 *
 * @public
 */
export interface SplitDestination {
  /** Null for pods of the service that no subset selects. */
  colour: string | null;
  service: string;
  /** The weight as configured, null when the route has none. */
  weight: number | null;
  /** The effective share of traffic, 0-100. */
  percent: number;
}

/**
 * What a route rule is for.
 *
 * - `colour-host`: the way a host reaches exactly one colour (host header, authority or a
 *   dedicated VirtualService host).
 * - `shared-split`: the rule deciding how a shared host splits between colours.
 * - `mesh-affinity`: in-mesh HTTP callers of a colour (`sourceLabels`) stay on that colour.
 * - `tcp-affinity`: the same for TCP/TLS connections.
 * - `other`: none of the above.
 *
 * @public
 */
export type RuleClassification =
  | 'colour-host'
  | 'shared-split'
  | 'mesh-affinity'
  | 'tcp-affinity'
  | 'other';

/**
 * Istio string match: exactly one of the fields is set.
 *
 * @public
 */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/**
 * One match block of a rule. Conditions inside a block must all hold; a rule matches when
 * any of its blocks does.
 *
 * @public
 */
export interface RouteMatch {
  /** SNI hosts (TLS rules). */
  hosts?: string[];
  headers?: Record<string, StringMatch>;
  authority?: StringMatch;
  uri?: StringMatch;
  sourceLabels?: Record<string, string>;
  /** Overrides the VirtualService's gateways for this block. */
  gateways?: string[];
  port?: number;
}

/**
 * A route destination as configured.
 *
 * @public
 */
export interface RouteDestination {
  host: string;
  subset?: string;
  port?: number;
  weight?: number;
}

/**
 * One rule of a VirtualService.
 *
 * @public
 */
export interface RouteRule {
  /** `namespace/name` of the VirtualService. */
  virtualService: string;
  protocol: RuleProtocol;
  /** 0-based position in the VirtualService's list for this protocol. */
  index: number;
  /**
   * How findings, explanations and the tab name the rule: its protocol and position counted
   * from 1, e.g. `HTTP rule 1` for `spec.http[0]`.
   */
  label: string;
  name?: string;
  /** Empty when the rule matches every request. */
  matches: RouteMatch[];
  destinations: RouteDestination[];
  /**
   * The primary purpose, the first of {@link RouteRule.classifications} in the order
   * shared-split, colour-host, mesh-affinity, tcp-affinity. A rule serving a colour host that
   * also keeps in-mesh affinity (pii-demo's blue and green rules) is a `colour-host`.
   */
  classification: RuleClassification;
  /** Every purpose the rule serves; `['other']` when none. */
  classifications: RuleClassification[];
  /**
   * Each match block in words, in the order of {@link RouteRule.matches}, e.g.
   * `host = 'pii-demo-blue.apps.hl.test' via pii-demo-gateway`; empty when the rule takes every
   * request.
   */
  conditions: string[];
  /**
   * Where the rule sends what it matches, in words, e.g. `httpd-server subset blue`, or what it
   * answers with instead (`redirect`).
   */
  sendsTo: string;
}

/**
 * Stable identifiers of the configuration problems the model reports.
 *
 * @public
 */
export type FindingCode =
  | 'subset-not-found'
  | 'destination-rule-missing'
  | 'subset-no-pods'
  | 'subset-no-ready-pods'
  | 'subset-overlap'
  | 'source-labels-without-mesh'
  | 'missing-mesh-affinity'
  | 'tier-affinity-mismatch'
  | 'host-not-in-gateway'
  | 'port-name-unprefixed'
  | 'port-named-mysql'
  | 'negative-weight'
  | 'all-zero-weights'
  | 'weights-not-100'
  | 'unreachable-rule'
  | 'invalid-regex'
  | 'host-not-routed'
  | 'destination-rule-not-exported';

/**
 * A configuration problem, in the spirit of `istioctl analyze`.
 *
 * @public
 */
export interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning' | 'info';
  /** The object to change. */
  resource: { kind: string; namespace: string; name: string };
  message: string;
  /** What to change, concretely. */
  fix: string;
}

/**
 * Asks how a request would be routed.
 *
 * @public
 */
export interface ExplainRequest {
  entityRef: string;
  host: string;
  /** Request path, default `/`. */
  path?: string;
  /** Header names are case-insensitive. */
  headers?: Record<string, string>;
  /** Labels of the calling pod, for in-mesh requests. */
  sourceLabels?: Record<string, string>;
  /**
   * Where the request enters: `mesh` (a sidecar) or a gateway name. Default: `mesh` when
   * `sourceLabels` are given, else the first gateway the host's VirtualService binds, else `mesh`.
   */
  gateway?: string;
  /** Default: the bound Gateway's port, or the Service's port when it has one. */
  port?: number;
  cluster?: string;
}

/**
 * Answer to an {@link ExplainRequest}: one entry per cluster.
 *
 * @public
 */
export interface ExplainResponse {
  entityRef: string;
  clusters: ClusterExplanation[];
}

/**
 * How one cluster routes the request.
 *
 * @public
 */
export interface ClusterExplanation {
  cluster: string;
  /** `namespace/name` of the VirtualService that applies, or null when none does. */
  virtualService: string | null;
  matchedRule: ExplainedRule | null;
  /** Why each rule before the matched one (or every rule, when none matched) did not match. */
  skipped: ExplainedRule[];
  destinations: ExplainedDestination[];
  error?: ClusterError;
  /** What happens when no rule decides, e.g. plain Kubernetes round robin or a 404. */
  message?: string;
}

/**
 * A rule the explainer tried, and why it matched or did not.
 *
 * @public
 */
export interface ExplainedRule {
  protocol: RuleProtocol;
  index: number;
  /** See {@link RouteRule.label}. */
  label: string;
  reason: string;
}

/**
 * Where a share of the request goes.
 *
 * @public
 */
export interface ExplainedDestination {
  host: string;
  subset: string | null;
  /** The host and subset in words, e.g. `httpd-server subset blue`. */
  target: string;
  /** The colour of the pods; set for round robin (no subset) too, one entry per colour. */
  colour: string | null;
  /** Share of requests, 0-100. */
  percent: number;
  /** Ready pods that would receive it. */
  pods: string[];
}
