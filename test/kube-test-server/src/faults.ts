/** Which requests a fault applies to. */
export interface RequestMatcher {
  /**
   * A Kubernetes verb (get, list, watch, create, update, patch, delete) or an HTTP method
   * (GET, POST, ...); any request when unset.
   */
  verb?: string;
  /** A regular expression tested against the request path including its query string. */
  path?: string | RegExp;
}

export type Fault = RequestMatcher & {
  /** How many matching requests it affects; unset: latency applies until cleared, others once. */
  count?: number;
} & (
    | { type: 'latency'; latencyMs: number }
    | { type: 'error'; status: number; message?: string }
    | { type: 'drop' }
    /**
     * Events of matching watches (open ones too) reach their clients `lagMs` late, in order, as
     * from an API server whose watch cache falls behind; until cleared.
     */
    | { type: 'watch-lag'; lagMs: number }
    /**
     * A mutating admission webhook: `patch` (a JSON Patch) is applied to the object of matching
     * writes (create, update, patch) before it is validated and stored, as the API server applies
     * a webhook's JSONPatch answer; until cleared (or for `count` writes).
     */
    | { type: 'mutate'; patch: unknown[] }
  );

const WRITE_VERBS = new Set(['create', 'update', 'patch']);

/** What to do to one request. */
export interface FaultEffect {
  latencyMs: number;
  drop: boolean;
  error?: { status: number; message?: string };
  /** JSON Patches a mutating webhook applies to the written object, in order. */
  mutations: unknown[][];
}

interface ActiveFault {
  fault: Fault;
  path?: RegExp;
  remaining: number;
}

/** Test-only faults applied to incoming API requests, consumed as requests match them. */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(fault: Fault): void {
    if (fault.type === 'latency' && !(fault.latencyMs >= 0)) {
      throw new Error('a latency fault needs a non-negative latencyMs');
    }
    if (fault.type === 'watch-lag' && !(fault.lagMs >= 0)) {
      throw new Error('a watch-lag fault needs a non-negative lagMs');
    }
    if (
      fault.type === 'error' &&
      !(fault.status >= 400 && fault.status <= 599)
    ) {
      throw new Error('an error fault needs a status between 400 and 599');
    }
    if (fault.type === 'mutate' && !Array.isArray(fault.patch)) {
      throw new Error('a mutate fault needs a patch: a JSON Patch array');
    }
    const path = fault.path === undefined ? undefined : new RegExp(fault.path);
    const remaining =
      fault.type === 'watch-lag'
        ? Infinity
        : fault.count ??
          (fault.type === 'latency' || fault.type === 'mutate' ? Infinity : 1);
    this.faults.push({ fault, path, remaining });
  }

  list(): Fault[] {
    return this.faults.map(({ fault, remaining }) => ({
      ...fault,
      ...(fault.path instanceof RegExp && { path: fault.path.source }),
      ...(Number.isFinite(remaining) && { count: remaining }),
    }));
  }

  clear(): void {
    this.faults = [];
  }

  /** How late events reach a watch opened with this path and query, from `watch-lag` faults. */
  watchLag(path: string): number {
    return this.faults.reduce(
      (lag, { fault, path: matcher }) =>
        fault.type === 'watch-lag' && (!matcher || matcher.test(path))
          ? lag + fault.lagMs
          : lag,
      0,
    );
  }

  /** The combined effect of the faults matching this request; each match uses up one count. */
  take(verb: string, method: string, path: string): FaultEffect {
    const effect: FaultEffect = { latencyMs: 0, drop: false, mutations: [] };
    for (const active of this.faults) {
      const { fault } = active;
      if (fault.type === 'watch-lag') {
        continue; // it acts on the events of watches, see watchLag
      }
      const verbMatches =
        !fault.verb ||
        fault.verb === verb ||
        fault.verb.toUpperCase() === method;
      if (!verbMatches || (active.path && !active.path.test(path))) {
        continue;
      }
      if (fault.type === 'mutate' && !WRITE_VERBS.has(verb)) {
        continue; // webhooks see writes only
      }
      if (fault.type === 'latency') {
        effect.latencyMs += fault.latencyMs;
      } else if (fault.type === 'mutate') {
        effect.mutations.push(fault.patch);
      } else if (fault.type === 'drop') {
        effect.drop = true;
      } else if (!effect.error) {
        effect.error = { status: fault.status, message: fault.message };
      }
      active.remaining--;
    }
    this.faults = this.faults.filter(active => active.remaining > 0);
    return effect;
  }
}

/** Counts API requests by `<verb> <path>`, e.g. `list /api/v1/namespaces/myapp/pods`. */
export class RequestCounter {
  private counts = new Map<string, number>();

  record(verb: string, path: string): void {
    const key = `${verb} ${path}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}
