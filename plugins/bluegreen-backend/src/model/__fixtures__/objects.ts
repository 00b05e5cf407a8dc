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

export function pod(
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

/** A Deployment and its pods (`<name>-<n>`). */
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
    status: { replicas, readyReplicas: ready, availableReplicas: ready },
  };
  const pods = Array.from({ length: replicas }, (_, i) =>
    pod(`${name}-${i}`, namespace, labels, i < ready),
  );
  return { deployment, pods };
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
