import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';

/** A cluster the plugin can read, resolved from the Kubernetes plugin's configuration. */
export interface ClusterDetails {
  name: string;
  url: string;
  /** Bearer token of a service account; never sent to the frontend. */
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
}

/**
 * Reads `kubernetes.clusterLocatorMethods` the way the Kubernetes plugin does, for the locator
 * types whose clusters are known from configuration alone.
 */
export function readClusterDetails(
  config: Config,
  logger: LoggerService,
): ClusterDetails[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterDetails[] = [];
  for (const method of methods) {
    const type = method.getString('type');
    if (type === 'config') {
      for (const c of method.getOptionalConfigArray('clusters') ?? []) {
        const authProvider =
          c.getOptionalString('authProvider') ?? 'serviceAccount';
        clusters.push({
          name: c.getString('name'),
          url: c.getString('url'),
          serviceAccountToken:
            authProvider === 'serviceAccount'
              ? c.getOptionalString('serviceAccountToken')
              : undefined,
          caData: c.getOptionalString('caData'),
          caFile: c.getOptionalString('caFile'),
          skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        });
      }
    } else if (type === 'localKubectlProxy') {
      clusters.push({
        name: 'local',
        url: 'http://localhost:8001',
        skipTLSVerify: true,
      });
    } else {
      logger.warn(
        `Blue/green reads no clusters from kubernetes.clusterLocatorMethods of type '${type}': only 'config' and 'localKubectlProxy' are supported; list those clusters under a 'config' locator to see their blue/green state`,
      );
    }
  }
  for (const c of clusters) {
    const problem = clusterConfigProblem(c);
    if (problem) {
      logger.warn(problem);
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
  }
  return clusters;
}

/**
 * Why the Kubernetes client would refuse this cluster as configured, or undefined. Said up front
 * in words the user can act on, rather than surfacing the client's own error on every read.
 */
export function clusterConfigProblem(
  cluster: ClusterDetails,
): string | undefined {
  if (cluster.url.startsWith('http://') && !cluster.skipTLSVerify) {
    return `cluster '${cluster.name}' has a plain http:// url, which the Kubernetes client refuses: serve it over https, or set skipTLSVerify: true on it in kubernetes.clusterLocatorMethods (as for a local kubectl proxy)`;
  }
  return undefined;
}

export function kubeConfigFor(cluster: ClusterDetails): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify,
      },
    ],
    users: [{ name: 'bluegreen', token: cluster.serviceAccountToken }],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'bluegreen' },
    ],
    currentContext: cluster.name,
  });
  return kc;
}
