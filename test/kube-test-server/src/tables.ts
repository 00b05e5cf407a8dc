import { JsonObject, KubeObject } from './types';

/** `metav1.Table`, what `kubectl get` asks for so the server picks the columns. */
interface Column {
  name: string;
  type: 'string' | 'integer';
  format?: string;
  description: string;
  priority: number;
}

type Cells = (object: KubeObject, now: number) => unknown[];

function column(
  name: string,
  description: string,
  priority = 0,
  type: Column['type'] = 'string',
): Column {
  return {
    name,
    type,
    ...(name === 'Name' && { format: 'name' }),
    description,
    priority,
  };
}

const NAME = column('Name', 'Name must be unique within a namespace.');
const AGE = column('Age', 'Time since the object was created.');

/** Ages as kubectl shows them: 45s, 3m10s, 2h5m, 4d. */
function humanAge(createdAt: string | undefined, now: number): string {
  if (!createdAt) {
    return '<unknown>';
  }
  const seconds = Math.max(0, Math.floor((now - Date.parse(createdAt)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10)
    return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

function field(object: KubeObject, path: string): any {
  return path.split('.').reduce<any>((value, key) => value?.[key], object);
}

const age: Cells = (object, now) => [
  humanAge(object.metadata.creationTimestamp, now),
];

const TABLES: Record<string, { columns: Column[]; cells: Cells }> = {
  Pod: {
    columns: [
      NAME,
      column('Ready', 'Ready containers / containers.'),
      column('Status', 'The pod phase.'),
      column('Restarts', 'Container restarts.', 0, 'integer'),
      AGE,
      column('IP', 'The pod IP.', 1),
      column('Node', 'The node the pod runs on.', 1),
    ],
    cells: (pod, now) => {
      const statuses: JsonObject[] =
        field(pod, 'status.containerStatuses') ?? [];
      const containers: unknown[] = field(pod, 'spec.containers') ?? [];
      return [
        pod.metadata.name,
        `${statuses.filter(s => s.ready).length}/${containers.length}`,
        field(pod, 'status.phase') ?? 'Pending',
        statuses.reduce((n, s) => n + Number(s.restartCount ?? 0), 0),
        ...age(pod, now),
        field(pod, 'status.podIP') ?? '<none>',
        field(pod, 'spec.nodeName') ?? '<none>',
      ];
    },
  },
  Deployment: {
    columns: [
      NAME,
      column('Ready', 'Ready pods / desired pods.'),
      column('Up-to-date', 'Pods of the current template.', 0, 'integer'),
      column('Available', 'Available pods.', 0, 'integer'),
      AGE,
      column('Images', 'Container images.', 1),
    ],
    cells: (deployment, now) => [
      deployment.metadata.name,
      `${field(deployment, 'status.readyReplicas') ?? 0}/${
        field(deployment, 'spec.replicas') ?? 0
      }`,
      field(deployment, 'status.updatedReplicas') ?? 0,
      field(deployment, 'status.availableReplicas') ?? 0,
      ...age(deployment, now),
      (
        (field(deployment, 'spec.template.spec.containers') ??
          []) as JsonObject[]
      )
        .map(c => c.image)
        .join(','),
    ],
  },
  ReplicaSet: {
    columns: [
      NAME,
      column('Desired', 'Desired pods.', 0, 'integer'),
      column('Current', 'Current pods.', 0, 'integer'),
      column('Ready', 'Ready pods.', 0, 'integer'),
      AGE,
    ],
    cells: (rs, now) => [
      rs.metadata.name,
      field(rs, 'spec.replicas') ?? 0,
      field(rs, 'status.replicas') ?? 0,
      field(rs, 'status.readyReplicas') ?? 0,
      ...age(rs, now),
    ],
  },
  Service: {
    columns: [
      NAME,
      column('Type', 'Service type.'),
      column('Cluster-IP', 'Cluster IP.'),
      column('Port(s)', 'Ports.'),
      AGE,
      column('Selector', 'Pod selector.', 1),
    ],
    cells: (service, now) => [
      service.metadata.name,
      field(service, 'spec.type'),
      field(service, 'spec.clusterIP') ?? '<none>',
      ((field(service, 'spec.ports') ?? []) as JsonObject[])
        .map(
          p =>
            `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${
              p.protocol ?? 'TCP'
            }`,
        )
        .join(',') || '<none>',
      ...age(service, now),
      Object.entries(
        (field(service, 'spec.selector') ?? {}) as Record<string, string>,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
    ],
  },
  Endpoints: {
    columns: [NAME, column('Endpoints', 'Ready addresses and ports.'), AGE],
    cells: (endpoints, now) => {
      const subsets: JsonObject[] = field(endpoints, 'subsets') ?? [];
      const list = subsets.flatMap(subset =>
        ((subset.addresses ?? []) as JsonObject[]).flatMap(address =>
          ((subset.ports ?? []) as JsonObject[]).map(
            port => `${address.ip}:${port.port}`,
          ),
        ),
      );
      return [
        endpoints.metadata.name,
        list.join(',') || '<none>',
        ...age(endpoints, now),
      ];
    },
  },
  Namespace: {
    columns: [NAME, column('Status', 'The namespace phase.'), AGE],
    cells: (namespace, now) => [
      namespace.metadata.name,
      field(namespace, 'status.phase'),
      ...age(namespace, now),
    ],
  },
  VirtualService: {
    columns: [
      NAME,
      column('Gateways', 'Gateways the routes apply to.'),
      column('Hosts', 'Destination hosts.'),
      AGE,
    ],
    cells: (vs, now) => [
      vs.metadata.name,
      JSON.stringify(field(vs, 'spec.gateways') ?? []),
      JSON.stringify(field(vs, 'spec.hosts') ?? []),
      ...age(vs, now),
    ],
  },
  DestinationRule: {
    columns: [NAME, column('Host', 'The destination service.'), AGE],
    cells: (dr, now) => [
      dr.metadata.name,
      field(dr, 'spec.host'),
      ...age(dr, now),
    ],
  },
};

/** Whether the client asked for a Table (`Accept: application/json;as=Table;...`). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some(type => /;\s*as=Table\b/.test(type));
}

export function toTable(
  kind: string,
  objects: KubeObject[],
  resourceVersion: string,
): JsonObject {
  const { columns, cells } = TABLES[kind] ?? {
    columns: [NAME, AGE],
    cells: (o: KubeObject, now: number) => [o.metadata.name, ...age(o, now)],
  };
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns,
    rows: objects.map(object => ({ cells: cells(object, now), object })),
  };
}
