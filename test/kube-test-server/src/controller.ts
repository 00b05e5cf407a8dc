import {
  NODE_NAME,
  isPodReady,
  podIp,
  runningPodStatus,
  statusWithReadiness,
} from './pods';
import { ResourceRegistry, ResourceType, resourceKey } from './registry';
import {
  LabelRequirement,
  LabelSelector,
  labelSelectorRequirements,
  matchesLabels,
} from './selectors';
import { Store, StoreEvent, timestamp } from './store';
import { JsonObject, KubeObject, OwnerReference, StoredObject } from './types';
import {
  AddressPool,
  canonicalJson,
  fnv32a,
  isJsonObject,
  safeEncode,
} from './util';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

interface WorkloadSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: {
    metadata?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    spec?: JsonObject;
  };
  strategy?: { rollingUpdate?: { maxUnavailable?: number | string } };
}

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface PodReadinessTarget {
  namespace: string;
  /** A pod name; or select pods with `labelSelector` (query syntax). */
  name?: string;
  labelSelector?: LabelRequirement[];
  ready: boolean;
}

/** A pod that is being deleted gracefully: not ready, and no longer counted as a replica. */
function isTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

function specOf(object: KubeObject): WorkloadSpec {
  return (object.spec ?? {}) as WorkloadSpec;
}

function statusOf(object: KubeObject): JsonObject {
  return (object.status ?? {}) as JsonObject;
}

function controllerUid(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find(ref => ref.controller)?.uid;
}

function ownerReference(
  owner: StoredObject,
  apiVersion: string,
  kind: string,
): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Drops zero counts, as Kubernetes omits them from workload status. */
function withoutZeros(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
}

/** The hash Kubernetes labels a template's pods with (FNV-1a, safe-encoded). */
function podTemplateHash(template: unknown): string {
  return safeEncode(String(fnv32a(canonicalJson(template))));
}

function maxUnavailable(spec: WorkloadSpec, replicas: number): number {
  const value = spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  if (typeof value === 'number') {
    return value;
  }
  return Math.floor((replicas * parseInt(value, 10)) / 100);
}

/** Keeps timestamps of conditions whose status (transition) or reason/message (update) held. */
function mergeConditions(
  previous: Condition[],
  next: Condition[],
): Condition[] {
  const now = timestamp();
  return next.map(condition => {
    const old = previous.find(c => c.type === condition.type);
    const transitioned = !old || old.status !== condition.status;
    const updated =
      transitioned ||
      old.reason !== condition.reason ||
      old.message !== condition.message;
    return {
      ...condition,
      lastUpdateTime: updated ? now : old.lastUpdateTime,
      lastTransitionTime: transitioned ? now : old.lastTransitionTime,
    };
  });
}

/**
 * Plays the parts of the cluster that make workloads look alive: the deployment and replica set
 * controllers (one ReplicaSet per pod template, pods to match replicas, statuses), a kubelet that
 * starts every pod ready at once, the endpoints controller, and the garbage collector for owned
 * objects. It reacts to store events synchronously, so a write has settled when it returns.
 */
export class WorkloadController {
  private readonly types: Record<
    | 'namespaces'
    | 'pods'
    | 'services'
    | 'endpoints'
    | 'deployments'
    | 'replicasets',
    ResourceType
  >;
  private readonly podIps = new AddressPool('10.244');
  private unsubscribe?: () => void;
  /** Pods on their way out, by uid: the kubelet removes each when its timer fires. */
  private readonly terminations = new Map<string, NodeJS.Timeout>();

  /** @param podTerminationMs how long a gracefully deleted pod takes to stop, at most */
  constructor(
    private readonly store: Store,
    registry: ResourceRegistry,
    private readonly podTerminationMs: number,
  ) {
    this.types = {
      namespaces: registry.get('', 'namespaces'),
      pods: registry.get('', 'pods'),
      services: registry.get('', 'services'),
      endpoints: registry.get('', 'endpoints'),
      deployments: registry.get('apps', 'deployments'),
      replicasets: registry.get('apps', 'replicasets'),
    };
  }

  start(): void {
    this.unsubscribe ??= this.store.subscribe(event => this.handle(event));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.terminations.forEach(timer => clearTimeout(timer));
    this.terminations.clear();
  }

  /** Makes pods pass or fail readiness; returns the names of the pods that changed. */
  setPodReadiness(target: PodReadinessTarget): string[] {
    const pods = this.store
      .list(this.types.pods, target.namespace)
      .filter(pod => !target.name || pod.metadata.name === target.name)
      .filter(pod =>
        matchesLabels(target.labelSelector ?? [], pod.metadata.labels),
      )
      .filter(pod => podIp(pod) && isPodReady(pod) !== target.ready);
    for (const pod of pods) {
      this.store.update(this.types.pods, {
        ...pod,
        status: statusWithReadiness(pod, target.ready),
      });
    }
    return pods.map(pod => pod.metadata.name);
  }

  private handle(event: StoreEvent): void {
    const { object, previous } = event;
    const namespace = object.metadata.namespace ?? '';
    if (event.type === 'DELETED') {
      this.collectGarbage(namespace, object.metadata.uid);
    }
    switch (event.resource) {
      case resourceKey(this.types.deployments):
        // Status-only writes (ours included) change nothing the controller acts on.
        if (
          event.type !== 'MODIFIED' ||
          object.metadata.generation !== previous?.metadata.generation
        ) {
          this.syncDeployment(namespace, object.metadata.name);
        }
        break;
      case resourceKey(this.types.replicasets):
        this.syncReplicaSet(namespace, object.metadata.name);
        this.syncOwnerDeployment(object);
        break;
      case resourceKey(this.types.pods):
        if (event.type !== 'DELETED' && !podIp(object)) {
          this.startPod(object);
        }
        if (
          event.type === 'MODIFIED' &&
          isTerminating(object) &&
          !this.terminations.has(object.metadata.uid)
        ) {
          this.stopPod(object);
        }
        this.syncOwnerReplicaSet(object);
        for (const service of this.store.list(this.types.services, namespace)) {
          if (
            this.selects(service, object) ||
            (previous && this.selects(service, previous))
          ) {
            this.syncEndpoints(namespace, service.metadata.name);
          }
        }
        break;
      case resourceKey(this.types.services):
        this.syncEndpoints(namespace, object.metadata.name);
        break;
      default:
        break;
    }
  }

  /** Nothing new is made in a namespace that is being deleted. */
  private isActive(namespace: string): boolean {
    const object = this.store.get(this.types.namespaces, undefined, namespace);
    return object !== undefined && !object.metadata.deletionTimestamp;
  }

  private syncOwnerDeployment(replicaSet: KubeObject): void {
    const uid = controllerUid(replicaSet);
    const owner = this.store
      .list(this.types.deployments, replicaSet.metadata.namespace)
      .find(d => d.metadata.uid === uid);
    if (owner) {
      this.syncDeployment(owner.metadata.namespace!, owner.metadata.name);
    }
  }

  private syncOwnerReplicaSet(pod: KubeObject): void {
    const uid = controllerUid(pod);
    const owner = this.store
      .list(this.types.replicasets, pod.metadata.namespace)
      .find(rs => rs.metadata.uid === uid);
    if (owner) {
      this.syncReplicaSet(owner.metadata.namespace!, owner.metadata.name);
    }
  }

  private ownedBy(type: ResourceType, owner: StoredObject): StoredObject[] {
    return this.store
      .list(type, owner.metadata.namespace)
      .filter(object => controllerUid(object) === owner.metadata.uid);
  }

  /** Rolls a Deployment onto the ReplicaSet of its current template and reports its status. */
  private syncDeployment(namespace: string, name: string): void {
    const deployment = this.store.get(this.types.deployments, namespace, name);
    if (!deployment || !this.isActive(namespace)) {
      return;
    }
    const spec = specOf(deployment);
    const replicas = spec.replicas ?? 1;
    const hash = podTemplateHash(spec.template);
    const owned = this.ownedBy(this.types.replicasets, deployment);
    const revisions = owned.map(rs =>
      Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0),
    );
    const maxRevision = Math.max(0, ...revisions);
    let current = owned.find(rs => rs.metadata.labels?.[HASH_LABEL] === hash);
    const currentRevision = Number(
      current?.metadata.annotations?.[REVISION_ANNOTATION] ?? 0,
    );
    const revision =
      current && currentRevision === maxRevision
        ? maxRevision
        : maxRevision + 1;
    const annotations = {
      ...current?.metadata.annotations,
      [REVISION_ANNOTATION]: String(revision),
      'deployment.kubernetes.io/desired-replicas': String(replicas),
      'deployment.kubernetes.io/max-replicas': String(replicas + 1),
    };
    if (!current) {
      current = this.store.create(this.types.replicasets, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace,
          labels: { ...spec.template?.metadata?.labels, [HASH_LABEL]: hash },
          annotations,
          ownerReferences: [
            ownerReference(deployment, 'apps/v1', 'Deployment'),
          ],
        },
        spec: {
          replicas,
          selector: {
            ...spec.selector,
            matchLabels: { ...spec.selector?.matchLabels, [HASH_LABEL]: hash },
          },
          template: {
            ...spec.template,
            metadata: {
              ...spec.template?.metadata,
              labels: {
                ...spec.template?.metadata?.labels,
                [HASH_LABEL]: hash,
              },
            },
          },
        },
      });
    } else {
      current = this.store.update(this.types.replicasets, {
        ...current,
        metadata: { ...current.metadata, annotations },
        spec: { ...(current.spec as JsonObject), replicas },
      });
    }
    for (const old of owned.filter(
      rs => rs.metadata.name !== current!.metadata.name,
    )) {
      this.store.update(this.types.replicasets, {
        ...old,
        spec: { ...(old.spec as JsonObject), replicas: 0 },
      });
    }
    this.updateDeploymentStatus(
      namespace,
      name,
      current.metadata.name,
      revision,
    );
  }

  private updateDeploymentStatus(
    namespace: string,
    name: string,
    currentReplicaSet: string,
    revision: number,
  ): void {
    // Re-read: the writes above may have moved the deployment and its replica sets on.
    const deployment = this.store.get(this.types.deployments, namespace, name);
    if (!deployment) {
      return;
    }
    const spec = specOf(deployment);
    const desired = spec.replicas ?? 1;
    const owned = this.ownedBy(this.types.replicasets, deployment);
    const count = (rs: KubeObject, field: string) =>
      Number(statusOf(rs)[field] ?? 0);
    const sum = (field: string) =>
      owned.reduce((total, rs) => total + count(rs, field), 0);
    const current = owned.find(rs => rs.metadata.name === currentReplicaSet);
    const replicas = sum('replicas');
    const available = sum('availableReplicas');
    const updated = current ? count(current, 'replicas') : 0;
    const complete =
      updated === desired && replicas === desired && available === desired;
    const minimumAvailable =
      available >= desired - maxUnavailable(spec, desired);
    const conditions = mergeConditions(
      (statusOf(deployment).conditions as Condition[] | undefined) ?? [],
      [
        minimumAvailable
          ? {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
        complete
          ? {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${currentReplicaSet}" has successfully progressed.`,
            }
          : {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${currentReplicaSet}" is progressing.`,
            },
      ],
    );
    this.store.update(this.types.deployments, {
      ...deployment,
      metadata: {
        ...deployment.metadata,
        annotations: {
          ...deployment.metadata.annotations,
          [REVISION_ANNOTATION]: String(revision),
        },
      },
      status: {
        observedGeneration: deployment.metadata.generation,
        ...withoutZeros({
          replicas,
          updatedReplicas: updated,
          readyReplicas: sum('readyReplicas'),
          availableReplicas: available,
          unavailableReplicas: Math.max(0, desired - available),
        }),
        conditions,
      },
    });
  }

  /** Creates or deletes pods until the ReplicaSet has its replicas, then reports its status. */
  private syncReplicaSet(namespace: string, name: string): void {
    const replicaSet = this.store.get(this.types.replicasets, namespace, name);
    if (!replicaSet || !this.isActive(namespace)) {
      return;
    }
    const spec = specOf(replicaSet);
    const desired = spec.replicas ?? 1;
    const active = () =>
      this.ownedBy(this.types.pods, replicaSet).filter(
        pod => !isTerminating(pod),
      );
    let pods = active();
    for (let i = pods.length; i < desired; i++) {
      this.createPod(replicaSet);
    }
    if (pods.length > desired) {
      // Like the ReplicaSet controller, remove unready pods first, then the youngest.
      const victims = [...pods]
        .sort(
          (a, b) =>
            Number(isPodReady(a)) - Number(isPodReady(b)) ||
            b.metadata.creationTimestamp.localeCompare(
              a.metadata.creationTimestamp,
            ),
        )
        .slice(0, pods.length - desired);
      victims.forEach(pod =>
        this.store.delete(this.types.pods, namespace, pod.metadata.name),
      );
    }
    pods = active();
    const ready = pods.filter(isPodReady).length;
    const current = this.store.get(this.types.replicasets, namespace, name)!;
    this.store.update(this.types.replicasets, {
      ...current,
      status: {
        replicas: pods.length,
        ...withoutZeros({
          fullyLabeledReplicas: pods.length,
          readyReplicas: ready,
          availableReplicas: ready,
        }),
        observedGeneration: current.metadata.generation,
      },
    });
  }

  private createPod(replicaSet: StoredObject): void {
    const template = specOf(replicaSet).template ?? {};
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${replicaSet.metadata.name}-`,
        namespace: replicaSet.metadata.namespace,
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations && {
          annotations: { ...template.metadata.annotations },
        }),
        ownerReferences: [ownerReference(replicaSet, 'apps/v1', 'ReplicaSet')],
      },
      spec: {
        restartPolicy: 'Always',
        serviceAccountName: 'default',
        ...template.spec,
        nodeName: NODE_NAME,
      },
    };
    pod.status = runningPodStatus(pod, this.podIps.allocate());
    this.store.create(this.types.pods, pod);
  }

  /**
   * The kubelet's part in graceful deletion: the containers stop (the pod turns not ready at
   * once), and when they have stopped, within the grace period, the pod is deleted for good.
   */
  private stopPod(pod: StoredObject): void {
    const { uid, namespace, name } = pod.metadata;
    const graceMs = Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    const timer = setTimeout(() => {
      this.terminations.delete(uid);
      if (
        this.store.get(this.types.pods, namespace, name)?.metadata.uid === uid
      ) {
        this.store.delete(this.types.pods, namespace, name);
      }
    }, Math.min(graceMs, this.podTerminationMs));
    timer.unref();
    this.terminations.set(uid, timer);
    if (isPodReady(pod)) {
      this.store.update(this.types.pods, {
        ...pod,
        status: statusWithReadiness(pod, false),
      });
    }
  }

  /** The kubelet's part for pods created through the API: schedule and start them. */
  private startPod(pod: StoredObject): void {
    this.store.update(this.types.pods, {
      ...pod,
      spec: { ...(pod.spec as JsonObject), nodeName: NODE_NAME },
      status: runningPodStatus(pod, this.podIps.allocate()),
    });
  }

  private selects(service: KubeObject, pod: KubeObject): boolean {
    const selector = (service.spec as JsonObject | undefined)?.selector;
    if (!isJsonObject(selector) || Object.keys(selector).length === 0) {
      return false;
    }
    const requirements = labelSelectorRequirements({
      matchLabels: selector as Record<string, string>,
    })!;
    return matchesLabels(requirements, pod.metadata.labels);
  }

  /** Keeps a Service's Endpoints listing the pods it selects, ready or not; terminating pods leave. */
  private syncEndpoints(namespace: string, name: string): void {
    const service = this.store.get(this.types.services, namespace, name);
    const existing = this.store.get(this.types.endpoints, namespace, name);
    if (!service) {
      if (existing) {
        this.store.delete(this.types.endpoints, namespace, name);
      }
      return;
    }
    const serviceSpec = (service.spec ?? {}) as {
      selector?: Record<string, string>;
      ports?: ServicePort[];
    };
    if (!serviceSpec.selector) {
      return;
    }
    const pods = this.store
      .list(this.types.pods, namespace)
      .filter(
        pod => podIp(pod) && !isTerminating(pod) && this.selects(service, pod),
      )
      .sort((a, b) =>
        podIp(a)!.localeCompare(podIp(b)!, undefined, { numeric: true }),
      );
    const address = (pod: StoredObject) => ({
      ip: podIp(pod),
      nodeName: NODE_NAME,
      targetRef: {
        kind: 'Pod',
        namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
      },
    });
    const ready = pods.filter(isPodReady).map(address);
    const notReady = pods.filter(pod => !isPodReady(pod)).map(address);
    const ports = (serviceSpec.ports ?? []).map(port => ({
      ...(port.name && { name: port.name }),
      port: this.targetPort(port, pods),
      protocol: port.protocol ?? 'TCP',
    }));
    const endpoints: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...existing?.metadata,
        name,
        namespace,
        ...(service.metadata.labels && {
          labels: { ...service.metadata.labels },
        }),
      },
      ...(pods.length > 0 && {
        subsets: [
          {
            ...(ready.length > 0 && { addresses: ready }),
            ...(notReady.length > 0 && { notReadyAddresses: notReady }),
            ports,
          },
        ],
      }),
    };
    if (existing) {
      this.store.update(this.types.endpoints, endpoints);
    } else {
      this.store.create(this.types.endpoints, endpoints);
    }
  }

  /** A named target port is looked up among the selected pods' container ports. */
  private targetPort(port: ServicePort, pods: KubeObject[]): number {
    if (typeof port.targetPort === 'number') {
      return port.targetPort;
    }
    if (typeof port.targetPort === 'string') {
      for (const pod of pods) {
        const containers = ((pod.spec as JsonObject).containers ??
          []) as Array<{
          ports?: Array<{ name?: string; containerPort: number }>;
        }>;
        const match = containers
          .flatMap(c => c.ports ?? [])
          .find(p => p.name === port.targetPort);
        if (match) {
          return match.containerPort;
        }
      }
    }
    return port.port;
  }

  /** Deletes what the deleted object owned (background propagation). */
  private collectGarbage(namespace: string, ownerUid: string): void {
    for (const type of [this.types.replicasets, this.types.pods]) {
      for (const dependent of this.store.list(type, namespace)) {
        if (
          dependent.metadata.ownerReferences?.some(ref => ref.uid === ownerUid)
        ) {
          this.store.delete(type, namespace, dependent.metadata.name);
        }
      }
    }
  }
}
