import type {
  KubernetesObject,
  V1Deployment,
  V1ObjectMeta,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type { ClusterObjects } from '../model';

/*
 * What the watch cache keeps of each object: the fields the model (src/model) reads, and what the
 * cache itself needs (uid, resourceVersion). A cluster's pods and Deployments carry far more
 * (managedFields, last-applied annotations, whole pod specs, container statuses), and the cache
 * holds every one of them for as long as the backend runs. A field the model starts reading must
 * be added here: slimObjects.test.ts compares the state computed from slim and from whole objects.
 * Fresh reads (what cutovers plan and diff against) are never slimmed.
 */

type ResourceKey = keyof ClusterObjects;

function slimMetadata(metadata: V1ObjectMeta | undefined): V1ObjectMeta {
  return {
    name: metadata?.name,
    namespace: metadata?.namespace,
    uid: metadata?.uid,
    resourceVersion: metadata?.resourceVersion,
    creationTimestamp: metadata?.creationTimestamp,
    labels: metadata?.labels,
  };
}

function slimPod(pod: V1Pod): V1Pod {
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
  return {
    metadata: {
      ...slimMetadata(pod.metadata),
      deletionTimestamp: pod.metadata?.deletionTimestamp,
    },
    status: {
      conditions: ready ? [{ type: ready.type, status: ready.status }] : [],
    },
  };
}

function slimDeployment(deployment: V1Deployment): V1Deployment {
  const { spec, status } = deployment;
  return {
    metadata: slimMetadata(deployment.metadata),
    spec: spec && {
      replicas: spec.replicas,
      selector: spec.selector,
      template: {
        metadata: { labels: spec.template.metadata?.labels },
        spec: spec.template.spec && {
          containers: spec.template.spec.containers.map(c => ({
            name: c.name,
            image: c.image,
          })),
        },
      },
    },
    status: status && {
      readyReplicas: status.readyReplicas,
      availableReplicas: status.availableReplicas,
    },
  };
}

function slimService(service: V1Service): V1Service {
  return {
    metadata: slimMetadata(service.metadata),
    spec: service.spec && {
      selector: service.spec.selector,
      ports: service.spec.ports,
    },
  };
}

/** Istio objects are read whole (every routing field may matter) but for their metadata. */
function slimIstioObject<T extends KubernetesObject & { spec?: unknown }>(
  object: T,
): T {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: slimMetadata(object.metadata),
    spec: object.spec,
  } as T;
}

const SLIMMERS: Record<ResourceKey, (object: any) => KubernetesObject> = {
  virtualServices: slimIstioObject,
  destinationRules: slimIstioObject,
  gateways: slimIstioObject,
  services: slimService,
  deployments: slimDeployment,
  pods: slimPod,
};

/** The part of `object` (of resource type `key`) the watch cache keeps. */
export function slimObject(
  key: ResourceKey,
  object: KubernetesObject,
): KubernetesObject {
  return SLIMMERS[key](object);
}
