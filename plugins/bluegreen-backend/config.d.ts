export interface Config {
  /**
   * The blue/green plugin. Clusters are NOT configured here: the plugin reads the same
   * `kubernetes.clusterLocatorMethods` as the Backstage Kubernetes plugin (types `config` and
   * `localKubectlProxy`), so a cluster is configured once for both.
   */
  bluegreen?: {
    /**
     * The `networking.istio.io` API version read from the clusters. `v1` needs Istio 1.22 or
     * later; `v1beta1` (the default) is served by every Istio since 1.5.
     */
    istioApiVersion?: 'v1' | 'v1beta1' | 'v1alpha3';
    /**
     * How long a single read from a cluster may take before that cluster is reported as timed
     * out, in seconds. Default 10.
     */
    clusterTimeoutSeconds?: number;
    /**
     * Whether to keep a watch-backed cache (informers) of each cluster. Default true. It holds
     * the VirtualServices, DestinationRules and Gateways of every namespace, and the Services,
     * Deployments and pods of the namespaces the state and explain requests have asked about
     * (every namespace once an entity names none), each object only with the fields the model
     * reads. When false, every state request reads the entity's namespace directly from the
     * cluster.
     */
    watchCache?: boolean;
    /**
     * How long an entity read from the catalog is reused before it is read again, in seconds.
     * Annotations change rarely; a short reuse keeps the catalog off the hot path. Default 5.
     */
    entityCacheSeconds?: number;
    /** Cutovers: requests to move traffic between colours, approved by a second person. */
    cutovers?: {
      /**
       * How long a requested cutover waits for its approvals before it expires, in hours.
       * Default 24.
       */
      expireAfterHours?: number;
      /**
       * How long one backend instance may take to apply a cutover before another instance
       * (or the same one after a restart) treats it as abandoned and reconciles it with the
       * cluster, in seconds. Must exceed the time a few cluster writes take (each write may take up to four times clusterTimeoutSeconds before it is given up). Default 120.
       */
      applyLeaseSeconds?: number;
      /**
       * How often each instance looks for expired requests and abandoned applies, in seconds.
       * The work is locked across replicas. Default 30.
       */
      sweepIntervalSeconds?: number;
    };
    /**
     * Progressive rollouts: defaults of requests that leave a setting out (an entity's
     * `bluegreen/rollout-*` annotations come first), and the engine.
     */
    rollouts?: {
      /**
       * The new colour's percent at each step, increasing, ending at 100. Default
       * [10, 30, 50, 100].
       */
      steps?: number[];
      /**
       * `auto` advances when every gate passes over the interval; `manual` waits for a promote
       * after each step. Default auto.
       */
      mode?: 'auto' | 'manual';
      /** How long each step is watched before its gates are evaluated, in seconds. Default 120. */
      intervalSeconds?: number;
      /** The shortest interval a request may ask for, in seconds. Default 10. */
      minIntervalSeconds?: number;
      /**
       * How often the rollout task looks for rollouts that are due, in seconds. One replica at
       * a time runs it (locked in the database). Default 5.
       */
      tickSeconds?: number;
      /** Default gates, evaluated on the new colour over each interval. */
      gates?: {
        /** Lowest share of non-5xx responses, in percent. Default 99. */
        minSuccessRatePercent?: number;
        /** Highest p99 request duration, in milliseconds. Default 500. */
        maxLatencyP99Ms?: number;
        /** Fewest requests per interval for the gates to judge. Default 10. */
        minRequests?: number;
        /**
         * Intervals in a row without data (too few requests, Prometheus unreachable) that are
         * waited out before the rollout fails and rolls back. Default 2.
         */
        noDataIntervals?: number;
      };
    };
    /** The Prometheus that scrapes the clusters' Istio metrics, for rollout gates. */
    prometheus?: {
      /** Base URL, e.g. `http://prometheus.istio-system:9090`; the API is under `/api/v1`. */
      baseUrl?: string;
      /** How long one query may take before it counts as no data, in seconds. Default 5. */
      timeoutSeconds?: number;
      /** A Prometheus per cluster, for clusters not measured by `baseUrl`. */
      clusters?: Array<{
        /** The cluster's name, as under kubernetes.clusterLocatorMethods. */
        name: string;
        /** Base URL of the Prometheus measuring that cluster. */
        baseUrl: string;
      }>;
    };
  };
}
