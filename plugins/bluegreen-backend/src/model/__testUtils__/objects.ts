/* Builders of plain cluster objects, shaped as the API server returns them. */
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import {
  ClusterObjects,
  DestinationRule,
  Gateway,
  VirtualService,
} from '../istio';

type Labels = Record<string, string>;

let resourceVersion = 1000;
const nextVersion = () => String(++resourceVersion);

function pod(
  name: string,
  namespace: string,
  labels: Labels,
  ready = true,
): V1Pod {
  return {
    metadata: { name, namespace, labels, resourceVersion: nextVersion() },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export interface WorkloadOptions {
  namespace: string;
  labels: Labels;
  image: string;
  /** Pods created; default 1. */
  replicas?: number;
  /** How many of them are ready; default all. */
  ready?: number;
}

/** A Deployment and its pods. */
export function workload(
  name: string,
  options: WorkloadOptions,
): { deployment: V1Deployment; pods: V1Pod[] } {
  const { namespace, labels, image, replicas = 1, ready = replicas } = options;
  const deployment: V1Deployment = {
    metadata: { name, namespace, labels, resourceVersion: nextVersion() },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name, image }] },
      },
    },
  };
  return { deployment, pods: runPods(deployment, ready) };
}

/**
 * What the Deployment controller and the kubelet make of a Deployment: `spec.replicas` pods
 * (`<name>-<n>`) with its template's labels, the first `ready` of them ready, and the status to
 * match. Sets the status on `deployment` and returns the pods.
 */
export function runPods(
  deployment: V1Deployment,
  ready = deployment.spec?.replicas ?? 1,
): V1Pod[] {
  const replicas = deployment.spec?.replicas ?? 1;
  const name = deployment.metadata?.name ?? '';
  deployment.status = {
    replicas,
    readyReplicas: ready,
    availableReplicas: ready,
  };
  return Array.from({ length: replicas }, (_, i) =>
    pod(
      `${name}-${i}`,
      deployment.metadata?.namespace ?? 'default',
      deployment.spec?.template.metadata?.labels ?? {},
      i < ready,
    ),
  );
}

/** Scales the Deployment named `name` to `replicas` pods, `ready` of them ready. */
export function scale(
  objects: ClusterObjects,
  name: string,
  replicas: number,
  ready = replicas,
): void {
  const deployment = objects.deployments.find(d => d.metadata?.name === name);
  if (!deployment?.spec) throw new Error(`fixture has no Deployment ${name}`);
  deployment.spec.replicas = replicas;
  const owned = (p: V1Pod) =>
    p.metadata?.namespace === deployment.metadata?.namespace &&
    new RegExp(`^${name}-\\d+$`).test(p.metadata?.name ?? '');
  objects.pods = [
    ...objects.pods.filter(p => !owned(p)),
    ...runPods(deployment, ready),
  ];
}

/** Sets the weights of the first HTTP rule's destinations, in order. */
export function setWeights(vs: VirtualService, weights: number[]): void {
  const [rule] = vs.spec.http ?? [];
  if (!rule?.route) throw new Error(`${vs.metadata.name} has no HTTP route`);
  rule.route.forEach((destination, i) => (destination.weight = weights[i]));
}

export function service(
  name: string,
  namespace: string,
  ports: { name?: string; port: number }[],
  selector: Labels = { app: name },
): V1Service {
  return {
    metadata: {
      name,
      namespace,
      labels: { app: name },
      resourceVersion: nextVersion(),
    },
    spec: {
      selector,
      ports: ports.map(p => ({ ...p, protocol: 'TCP', targetPort: p.port })),
    },
  };
}

/** Subsets given by name are selected by `version: <name>`. */
export function destinationRule(
  host: string,
  namespace: string,
  subsets: (string | { name: string; labels: Labels })[],
): DestinationRule {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'DestinationRule',
    metadata: { name: host, namespace, resourceVersion: nextVersion() },
    spec: {
      host,
      subsets: subsets.map(s =>
        typeof s === 'string' ? { name: s, labels: { version: s } } : s,
      ),
    },
  };
}

export function virtualService(
  name: string,
  namespace: string,
  spec: VirtualService['spec'],
): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name, namespace, resourceVersion: nextVersion() },
    spec,
  };
}

export function gateway(
  name: string,
  namespace: string,
  hosts: string[],
  port = 80,
): Gateway {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name, namespace, resourceVersion: nextVersion() },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: port, name: 'http', protocol: 'HTTP' }, hosts },
      ],
    },
  };
}

export function emptyObjects(): ClusterObjects {
  return {
    virtualServices: [],
    destinationRules: [],
    gateways: [],
    services: [],
    deployments: [],
    pods: [],
  };
}

/** Concatenates object lists. */
export function merge(...parts: Partial<ClusterObjects>[]): ClusterObjects {
  const all = emptyObjects();
  for (const part of parts) {
    for (const key of Object.keys(all) as (keyof ClusterObjects)[]) {
      (all[key] as unknown[]).push(...(part[key] ?? []));
    }
  }
  return all;
}

/** The objects of several workloads. */
export function workloads(
  ...built: { deployment: V1Deployment; pods: V1Pod[] }[]
): Partial<ClusterObjects> {
  return {
    deployments: built.map(w => w.deployment),
    pods: built.flatMap(w => w.pods),
  };
}

/** The VirtualService named `name`; fails the test when missing. */
export function vsNamed(objects: ClusterObjects, name: string): VirtualService {
  const found = objects.virtualServices.find(vs => vs.metadata.name === name);
  if (!found) throw new Error(`fixture has no VirtualService ${name}`);
  return found;
}
