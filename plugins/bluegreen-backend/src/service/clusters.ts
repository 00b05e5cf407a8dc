import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AwsIamStrategy,
  AzureIdentityStrategy,
  GoogleServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
  ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
} from '@backstage/plugin-kubernetes-common';
import type {
  AuthenticationStrategy,
  ClusterDetails as KubernetesClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';

/**
 * A cluster the plugin reads and writes: the Kubernetes plugin's own cluster details (so
 * `authMetadata` carries what its auth strategies expect), plus how this plugin authenticates.
 * Never sent to the frontend: `authMetadata` may hold a service account token.
 */
export interface ClusterDetails extends KubernetesClusterDetails {
  /**
   * Why the plugin does not read or write this cluster, naming the fix; set instead of ever
   * falling back to anonymous requests.
   */
  accessProblem?: string;
  /**
   * The credential for the next request. Asked for on every request (list, watch, write), so
   * the credentials that expire are renewed: the strategies cache and refresh them themselves.
   */
  credential(): Promise<KubernetesCredential>;
}

/** Where Kubernetes mounts a pod's service account token, as the Kubernetes plugin reads it. */
export const IN_CLUSTER_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface ClusterAccessOptions {
  /** Read when a serviceAccount cluster configures no token. */
  inClusterTokenPath?: string;
  /** Where `kubectl proxy` listens for a `localKubectlProxy` locator. */
  localKubectlProxyUrl?: string;
}

/**
 * The providers that authenticate with the signed-in user's own token, which the frontend sends
 * with each request to the Kubernetes plugin. This plugin works without a user at hand: one watch
 * cache serves every viewer, and an approved cutover is applied by the backend.
 */
const USER_TOKEN_PROVIDERS = new Set(['aks', 'google', 'oidc']);

const SERVER_SIDE_PROVIDERS =
  'serviceAccount (with serviceAccountToken, or in-cluster), aws, azure or googleServiceAccount';

/**
 * The Kubernetes plugin's auth strategies for the cloud providers, each made once and only when
 * a cluster uses it (the cloud SDKs read their environment on construction). `serviceAccount` is
 * served by {@link serviceAccountAccess}: the plugin's strategy takes the token from the same
 * `authMetadata` key, but its in-cluster fallback reads a fixed path through a dynamic import.
 */
class ServerSideStrategies {
  private readonly made = new Map<string, AuthenticationStrategy>();

  constructor(
    private readonly config: Config,
    private readonly logger: LoggerService,
  ) {}

  get(authProvider: string): AuthenticationStrategy | undefined {
    if (!this.made.has(authProvider)) {
      const strategy = this.make(authProvider);
      if (!strategy) return undefined;
      this.made.set(authProvider, strategy);
    }
    return this.made.get(authProvider);
  }

  private make(authProvider: string): AuthenticationStrategy | undefined {
    switch (authProvider) {
      case 'aws':
        return new AwsIamStrategy({ config: this.config });
      case 'azure':
        return new AzureIdentityStrategy(this.logger);
      case 'googleServiceAccount':
        return new GoogleServiceAccountStrategy({ config: this.config });
      default:
        return undefined;
    }
  }
}

const ANONYMOUS: KubernetesCredential = { type: 'anonymous' };

/** Config keys of a `config` locator's cluster that the strategies read from `authMetadata`. */
function authMetadataOf(c: Config, authProvider: string | undefined) {
  const block = c.getOptional<Record<string, string>>('authMetadata') ?? {};
  const entries: Array<[string, string | undefined]> = [
    [ANNOTATION_KUBERNETES_AUTH_PROVIDER, authProvider],
    ['serviceAccountToken', c.getOptionalString('serviceAccountToken')],
    [ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE, c.getOptionalString('assumeRole')],
    [ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID, c.getOptionalString('externalId')],
    [
      ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
      c.getOptionalString('oidcTokenProvider'),
    ],
  ];
  return {
    ...Object.fromEntries(entries.filter(([, v]) => v)),
    ...block,
  } as Record<string, string>;
}

/**
 * Reads `kubernetes.clusterLocatorMethods` as the Kubernetes plugin does (same keys, same
 * `authMetadata`), and pairs each cluster with the Kubernetes plugin's auth strategy for its
 * `authProvider`. A cluster the plugin cannot authenticate to is kept with its
 * {@link ClusterDetails.accessProblem}, logged here as an error and reported on every answer
 * about it.
 */
export function readClusterDetails(
  config: Config,
  logger: LoggerService,
  options: ClusterAccessOptions = {},
): ClusterDetails[] {
  const strategies = new ServerSideStrategies(config, logger);
  const tokenPath = options.inClusterTokenPath ?? IN_CLUSTER_TOKEN_PATH;
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterDetails[] = [];
  for (const method of methods) {
    const type = method.getString('type');
    if (type === 'config') {
      for (const c of method.getOptionalConfigArray('clusters') ?? []) {
        const authMetadata = authMetadataOf(
          c,
          c.getOptionalString('authProvider'),
        );
        const details: KubernetesClusterDetails = {
          name: c.getString('name'),
          url: c.getString('url'),
          authMetadata,
          caData: c.getOptionalString('caData'),
          caFile: c.getOptionalString('caFile'),
          skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        };
        clusters.push(withAccess(details, strategies, tokenPath));
      }
    } else if (type === 'localKubectlProxy') {
      // The proxy adds the user's kubeconfig credentials itself: anonymous is the design here,
      // as in the Kubernetes plugin. It listens on IPv4 loopback unless told otherwise.
      clusters.push({
        name: 'local',
        url: options.localKubectlProxyUrl ?? 'http://127.0.0.1:8001',
        authMetadata: {
          [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: 'localKubectlProxy',
        },
        skipTLSVerify: true,
        credential: async () => ANONYMOUS,
      });
    } else {
      logger.error(
        `Blue/green reads no clusters from the kubernetes.clusterLocatorMethods entry of type '${type}': their clusters are known only at run time to the Kubernetes plugin, and blue/green keeps a watch per cluster it knows at start. List those clusters under a 'type: config' locator (a server-side authProvider each: ${SERVER_SIDE_PROVIDERS}) to see their blue/green state`,
      );
    }
  }
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) {
      throw new Error(
        `kubernetes.clusterLocatorMethods names the cluster '${c.name}' twice; cluster names must be unique`,
      );
    }
    seen.add(c.name);
    const problem = clusterConfigProblem(c);
    if (problem) {
      logger.error(problem);
    }
  }
  return clusters;
}

function withAccess(
  details: KubernetesClusterDetails,
  strategies: ServerSideStrategies,
  tokenPath: string,
): ClusterDetails {
  const authProvider =
    details.authMetadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
  const refuse = (accessProblem: string): ClusterDetails => ({
    ...details,
    accessProblem,
    credential: () => Promise.reject(new Error(accessProblem)),
  });
  const where = `cluster '${details.name}'`;
  if (!authProvider) {
    return refuse(
      `${where} has no authProvider in kubernetes.clusterLocatorMethods, so blue/green does not read it: set authProvider (${SERVER_SIDE_PROVIDERS}), as the Kubernetes plugin requires too`,
    );
  }
  if (USER_TOKEN_PROVIDERS.has(authProvider)) {
    return refuse(
      `${where} uses authProvider '${authProvider}', which signs each request with the signed-in user's own token; blue/green reads and writes clusters from the backend (one watch cache for every viewer, cutovers applied after approval), so it does not read this cluster. Give the cluster a server-side authProvider in kubernetes.clusterLocatorMethods: ${SERVER_SIDE_PROVIDERS}`,
    );
  }
  if (authProvider === 'serviceAccount') {
    return serviceAccountAccess(details, tokenPath, refuse);
  }
  const strategy = strategies.get(authProvider);
  if (!strategy) {
    return refuse(
      `${where} uses authProvider '${authProvider}', for which blue/green has no authentication strategy (custom strategies registered with the Kubernetes plugin are its own), so it does not read this cluster: use one of ${SERVER_SIDE_PROVIDERS}`,
    );
  }
  const invalid = strategy.validateCluster(details.authMetadata);
  if (invalid.length) {
    return refuse(
      `${where} is configured wrongly for authProvider '${authProvider}': ${invalid
        .map(e => e.message)
        .join('; ')}`,
    );
  }
  return {
    ...details,
    credential: () => strategy.getCredential(details, {}),
  };
}

/**
 * The configured token, or without one the backend's own pod's service account, as the
 * Kubernetes plugin does. The file is read on every request since Kubernetes rotates it.
 */
function serviceAccountAccess(
  details: KubernetesClusterDetails,
  tokenPath: string,
  refuse: (problem: string) => ClusterDetails,
): ClusterDetails {
  const configured = details.authMetadata.serviceAccountToken;
  if (configured) {
    const credential: KubernetesCredential = {
      type: 'bearer token',
      token: configured,
    };
    return { ...details, credential: async () => credential };
  }
  const missing = `cluster '${details.name}' uses authProvider 'serviceAccount' without a serviceAccountToken, and there is no in-cluster service account token at ${tokenPath}: set serviceAccountToken on the cluster in kubernetes.clusterLocatorMethods, or run the backend in a pod with a service account`;
  if (!existsSync(tokenPath)) {
    return refuse(missing);
  }
  return {
    ...details,
    async credential() {
      const token = await readFile(tokenPath, 'utf8').catch(() => {
        throw new Error(missing);
      });
      return { type: 'bearer token', token: token.trim() };
    },
  };
}

/**
 * Why the plugin does not read this cluster as configured, or undefined. Said up front in words
 * the user can act on, rather than surfacing the client's own error on every read.
 */
export function clusterConfigProblem(
  cluster: ClusterDetails,
): string | undefined {
  if (cluster.accessProblem) {
    return cluster.accessProblem;
  }
  if (cluster.url.startsWith('http://') && !cluster.skipTLSVerify) {
    return `cluster '${cluster.name}' has a plain http:// url, which the Kubernetes client refuses: serve it over https, or set skipTLSVerify: true on it in kubernetes.clusterLocatorMethods (as for a local kubectl proxy)`;
  }
  return undefined;
}

/**
 * A client configuration for the cluster whose every request, reads, watches and writes alike,
 * carries the credential {@link ClusterDetails.credential} gives at that moment.
 */
/** How long an idle connection to a cluster stays open for the next request. */
const IDLE_CONNECTION_MS = 30_000;
/** Agents kept per cluster: one per TLS setup, which changes when a client certificate renews. */
const MAX_AGENTS = 4;

/**
 * A KubeConfig whose API requests share connections. client-node makes a new agent, so a new
 * connection (and over HTTPS a new TLS handshake), for every request; a rollout step's reads,
 * patches and verifying reads would each pay for one. Here requests with the same TLS setup
 * (CA, client certificate, verification) reuse one keep-alive agent. Proxy agents are left as
 * client-node makes them.
 */
class ConnectionSharingKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, http.Agent>();

  override async applySecurityAuthentication(
    context: RequestContext,
  ): Promise<void> {
    await super.applySecurityAuthentication(context);
    const made = context.getAgent();
    if (
      made &&
      (made.constructor === https.Agent || made.constructor === http.Agent)
    ) {
      context.setAgent(this.sharedAgent(made));
    }
  }

  private sharedAgent(made: http.Agent): http.Agent {
    const options = (made as https.Agent).options;
    const tls = made instanceof https.Agent;
    const key = JSON.stringify([
      tls,
      options.ca,
      options.cert,
      options.key,
      options.pfx,
      options.passphrase,
      options.rejectUnauthorized,
      options.servername,
    ]);
    let agent = this.agents.get(key);
    if (!agent) {
      const keepAlive = {
        ...options,
        keepAlive: true,
        timeout: IDLE_CONNECTION_MS,
      };
      agent = tls ? new https.Agent(keepAlive) : new http.Agent(keepAlive);
      if (this.agents.size >= MAX_AGENTS) {
        // Idle connections of a setup no longer used close by themselves after the timeout.
        this.agents.delete(this.agents.keys().next().value!);
      }
      this.agents.set(key, agent);
    }
    return agent;
  }
}

export function kubeConfigFor(cluster: ClusterDetails): KubeConfig {
  const kc = new ConnectionSharingKubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify ?? false,
      },
    ],
    users: [{ name: 'bluegreen' }],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'bluegreen' },
    ],
    currentContext: cluster.name,
  });
  kc.addAuthenticator({
    isAuthProvider: user => user.name === 'bluegreen',
    async applyAuthentication(_user, opts) {
      const credential = await cluster.credential();
      if (credential.type === 'bearer token') {
        opts.headers = {
          ...opts.headers,
          Authorization: `Bearer ${credential.token}`,
        };
      } else if (credential.type === 'x509 client certificate') {
        Object.assign(opts, { cert: credential.cert, key: credential.key });
      }
    },
  });
  return kc;
}
