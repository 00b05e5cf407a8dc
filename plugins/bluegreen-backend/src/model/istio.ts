/*
 * The slice of the Istio networking API the model reads, identical for networking.istio.io
 * v1alpha3, v1beta1 and v1. Objects arrive as the API server returns them.
 */
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';

export interface IstioObjectMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  /** RFC 3339 from the API server; decides which VirtualService wins a host conflict. */
  creationTimestamp?: string | Date;
  labels?: Record<string, string>;
}

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  /** Conditions the model does not evaluate (method, scheme, queryParams, …) stay visible here. */
  [unmodelled: string]: unknown;
}

export interface L4MatchAttributes {
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  [unmodelled: string]: unknown;
}

export interface TLSMatchAttributes extends L4MatchAttributes {
  sniHosts?: string[];
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
}

export interface RouteDestination {
  destination: Destination;
  weight?: number;
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: RouteDestination[];
  redirect?: unknown;
  directResponse?: unknown;
  delegate?: unknown;
}

export interface TCPRoute {
  match?: L4MatchAttributes[];
  route?: RouteDestination[];
}

export interface TLSRoute {
  match?: TLSMatchAttributes[];
  route?: RouteDestination[];
}

export interface VirtualService {
  apiVersion?: string;
  kind?: string;
  metadata: IstioObjectMeta;
  spec: {
    hosts?: string[];
    /** Empty or absent means `mesh` only. */
    gateways?: string[];
    http?: HTTPRoute[];
    tcp?: TCPRoute[];
    tls?: TLSRoute[];
    /** Namespaces whose proxies see it (`.` its own, `*` all); absent or empty means all. */
    exportTo?: string[];
  };
}

export interface Subset {
  name: string;
  labels?: Record<string, string>;
}

export interface DestinationRule {
  apiVersion?: string;
  kind?: string;
  metadata: IstioObjectMeta;
  spec: { host: string; subsets?: Subset[]; exportTo?: string[] };
}

export interface GatewayServer {
  /** `host`, `*.domain`, `*`, optionally prefixed by a namespace (`ns/host`, `./host`). */
  hosts: string[];
  port?: { number?: number; name?: string; protocol?: string };
}

export interface Gateway {
  apiVersion?: string;
  kind?: string;
  metadata: IstioObjectMeta;
  spec: { selector?: Record<string, string>; servers?: GatewayServer[] };
}

/** Everything the model may look at in one cluster. */
export interface ClusterObjects {
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  gateways: Gateway[];
  services: V1Service[];
  deployments: V1Deployment[];
  pods: V1Pod[];
}
