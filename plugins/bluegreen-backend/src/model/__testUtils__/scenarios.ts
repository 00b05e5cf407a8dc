/*
 * The demo scenarios as the model sees them: the YAML the Kubernetes API test server is seeded
 * with and the catalog entity of examples/entities.yaml that shows each one, both read by the
 * test server's loadDemoScenario. Those files are the one source of what pii-demo, myapp and
 * progressive-app are; tests that need another shape change what they load. Here they become
 * the model's object lists, with the pods a Deployment would run. Every call parses afresh.
 */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import {
  ANNOTATION_ISTIO_HOSTS,
  parseAnnotationList,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  DemoScenarioName,
  KubeObject,
  loadDemoScenario,
} from '@internal/kube-test-server';
import {
  ClusterObjects,
  DestinationRule,
  Gateway,
  VirtualService,
} from '../istio';
import { emptyObjects, runPods } from './objects';

/** The scenario files of the test server, without `.yaml`. */
export type ScenarioName = DemoScenarioName;

export interface Scenario {
  /** The catalog entity showing the scenario, e.g. `component:default/pii-demo`. */
  entityRef: string;
  /** The entity's `bluegreen/istio-hosts`. */
  hosts: string[];
  /** The entity's `backstage.io/kubernetes-namespace`, where the scenario lives. */
  namespace: string;
  /** The scenario's objects, with the pods its Deployments run (all ready). */
  objects: ClusterObjects;
}

/** Sorts the manifests into the lists the model reads, numbering resourceVersions as listed. */
function toClusterObjects(manifests: KubeObject[]): ClusterObjects {
  const objects = emptyObjects();
  manifests.forEach((manifest, i) => {
    const object = {
      ...manifest,
      metadata: { ...manifest.metadata, resourceVersion: String(i + 1) },
    };
    switch (manifest.kind) {
      case 'VirtualService':
        objects.virtualServices.push(object as unknown as VirtualService);
        break;
      case 'DestinationRule':
        objects.destinationRules.push(object as unknown as DestinationRule);
        break;
      case 'Gateway':
        objects.gateways.push(object as unknown as Gateway);
        break;
      case 'Service':
        objects.services.push(object as V1Service);
        break;
      case 'Deployment': {
        const deployment = object as V1Deployment;
        objects.deployments.push(deployment);
        objects.pods.push(...runPods(deployment));
        break;
      }
      default:
        break;
    }
  });
  return objects;
}

export function loadScenario(name: ScenarioName): Scenario {
  const { namespace, manifests, entity } = loadDemoScenario(name);
  return {
    entityRef: `${entity.kind.toLowerCase()}:${entity.metadata.namespace}/${
      entity.metadata.name
    }`,
    hosts: parseAnnotationList(
      entity.metadata.annotations?.[ANNOTATION_ISTIO_HOSTS],
    ),
    namespace,
    objects: toClusterObjects(manifests),
  };
}
