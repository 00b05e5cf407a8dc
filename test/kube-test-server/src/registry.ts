/** A resource the server serves: its names, scope and the versions it is served at. */
export interface ResourceType {
  group: string;
  /** Served versions; the first is the preferred one. All share one storage. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Whether status is written only through the `/status` subresource. */
  statusSubresource?: boolean;
  scaleSubresource?: boolean;
  /**
   * Kubernetes answers a DELETE with the deleted object for some resources and with a `Status`
   * for others; clients' typings follow that, so we do too.
   */
  deleteReturnsStatus?: boolean;
}

export const VERBS = [
  'create',
  'delete',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;

export type Verb = (typeof VERBS)[number];

const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];
const ISTIO_CATEGORIES = ['istio-io', 'networking-istio-io'];

/**
 * Besides what the scenarios need, this serves (empty unless seeded) the other kinds the Backstage
 * Kubernetes backend fetches for an entity, so its fan-out does not report errors for them.
 */
const RESOURCE_TYPES: ResourceType[] = [
  {
    group: '',
    versions: ['v1'],
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    statusSubresource: true,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    statusSubresource: true,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    statusSubresource: true,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
    deleteReturnsStatus: true,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    deleteReturnsStatus: true,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
    deleteReturnsStatus: true,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    statusSubresource: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    statusSubresource: true,
    scaleSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    statusSubresource: true,
    scaleSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    statusSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    statusSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'autoscaling',
    versions: ['v2'],
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    statusSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    plural: 'jobs',
    singular: 'job',
    kind: 'Job',
    namespaced: true,
    categories: ['all'],
    statusSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    plural: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    statusSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    plural: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    statusSubresource: true,
    deleteReturnsStatus: true,
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    plural: 'virtualservices',
    singular: 'virtualservice',
    kind: 'VirtualService',
    namespaced: true,
    shortNames: ['vs'],
    categories: ISTIO_CATEGORIES,
    statusSubresource: true,
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    plural: 'destinationrules',
    singular: 'destinationrule',
    kind: 'DestinationRule',
    namespaced: true,
    shortNames: ['dr'],
    categories: ISTIO_CATEGORIES,
    statusSubresource: true,
  },
  {
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    plural: 'gateways',
    singular: 'gateway',
    kind: 'Gateway',
    namespaced: true,
    shortNames: ['gw'],
    categories: ISTIO_CATEGORIES,
    statusSubresource: true,
  },
];

/** The storage key of a resource type: one per group and plural, whatever the version. */
export function resourceKey(
  type: Pick<ResourceType, 'group' | 'plural'>,
): string {
  return `${type.group}/${type.plural}`;
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export interface ApiGroup {
  name: string;
  versions: string[];
}

/** Looks resource types up by URL segments and by apiVersion + kind. */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  constructor(readonly types: ResourceType[] = RESOURCE_TYPES) {
    for (const type of types) {
      for (const version of type.versions) {
        this.byPath.set(
          `${groupVersion(type.group, version)}/${type.plural}`,
          type,
        );
        this.byKind.set(`${type.group}/${type.kind}`, type);
      }
    }
  }

  find(
    group: string,
    version: string,
    plural: string,
  ): ResourceType | undefined {
    return this.byPath.get(`${groupVersion(group, version)}/${plural}`);
  }

  /** The type an object's `apiVersion` and `kind` denote, if served at that version. */
  forObject(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/')
      ? apiVersion.split('/', 2)
      : ['', apiVersion];
    const type = this.byKind.get(`${group}/${kind}`);
    return type?.versions.includes(version) ? type : undefined;
  }

  get(group: string, plural: string): ResourceType {
    const type = this.types.find(t => t.group === group && t.plural === plural);
    if (!type) {
      throw new Error(`No resource type ${plural} in group "${group}"`);
    }
    return type;
  }

  /** Named API groups (everything but the legacy core group), in registration order. */
  groups(): ApiGroup[] {
    const groups = new Map<string, Set<string>>();
    for (const type of this.types.filter(t => t.group)) {
      const versions = groups.get(type.group) ?? new Set<string>();
      type.versions.forEach(v => versions.add(v));
      groups.set(type.group, versions);
    }
    return [...groups].map(([name, versions]) => ({
      name,
      versions: [...versions],
    }));
  }

  typesIn(group: string, version: string): ResourceType[] {
    return this.types.filter(
      t => t.group === group && t.versions.includes(version),
    );
  }
}
