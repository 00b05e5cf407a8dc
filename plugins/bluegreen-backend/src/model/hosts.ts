/*
 * Istio host names. A VirtualService or DestinationRule host may be written short (`reviews`),
 * half-qualified (`reviews.prod`, `reviews.prod.svc`) or fully qualified; all name the same
 * Kubernetes Service `reviews.prod.svc.cluster.local`. Short names resolve in the namespace of
 * the object that writes them. Comparisons therefore happen on canonical (fully qualified) names.
 */

const CLUSTER_DOMAIN = 'svc.cluster.local';

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.${CLUSTER_DOMAIN}`;
}

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** A one-label Service name (`reviews`), which resolves in the namespace of whoever writes it. */
export function isShortName(host: string): boolean {
  return !isWildcard(host) && !host.replace(/\.$/, '').includes('.');
}

/**
 * The canonical forms `host`, written in `namespace`, can take: the one it always has and, for
 * `name.namespace`, the Service name it takes instead when such a Service exists.
 */
function canonicalCandidates(
  host: string,
  namespace: string,
): { name: string; asService?: string } {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (isWildcard(name)) {
    return { name };
  }
  const labels = name.split('.');
  if (labels.length === 1) {
    return { name: serviceFqdn(name, namespace) };
  }
  if (name.endsWith('.svc')) {
    return { name: `${name}.cluster.local` };
  }
  // `name.namespace` is only a Service reference when such a Service exists; otherwise it is a
  // two-label DNS name like any other.
  return labels.length === 2
    ? { name, asService: `${name}.${CLUSTER_DOMAIN}` }
    : { name };
}

/**
 * Every canonical name `host` written in `namespace` may resolve to, whichever Services exist:
 * what an index of written hosts is keyed on, so that it never depends on the Services listed.
 */
export function possibleCanonicalNames(
  host: string,
  namespace: string,
): string[] {
  const { name, asService } = canonicalCandidates(host, namespace);
  return asService ? [name, asService] : [name];
}

/** Resolves written host names to canonical ones, knowing which Services exist. */
export class HostResolver {
  constructor(private readonly serviceFqdns: ReadonlySet<string>) {}

  /** The canonical form of `host` as written by an object in `namespace`. */
  canonical(host: string, namespace: string): string {
    const { name, asService } = canonicalCandidates(host, namespace);
    return asService && this.serviceFqdns.has(asService) ? asService : name;
  }
}

/**
 * Whether the canonical `pattern` (possibly `*` or `*.domain`) covers the canonical `host`.
 * A wildcard covers any number of leading labels, as Envoy's suffix match does.
 */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') {
    return true;
  }
  if (pattern.startsWith('*.')) {
    return host.endsWith(pattern.slice(1));
  }
  return pattern === host;
}

/** Strips the port from a request host or authority (`example.com:8080` → `example.com`). */
export function withoutPort(host: string): string {
  return host.replace(/:\d+$/, '');
}
