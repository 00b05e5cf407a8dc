/*
 * The demo scenarios as the model sees them: the YAML the Kubernetes API test server is seeded
 * with (test/kube-test-server/scenarios) and the catalog entity of examples/entities.yaml that
 * shows each one. Those files are the one source of what pii-demo, myapp and progressive-app
 * are; tests that need another shape change what they load. Every call parses afresh.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import {
  ANNOTATION_ISTIO_HOSTS,
  ANNOTATION_KUBERNETES_NAMESPACE,
  parseAnnotationList,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  KubeObject,
  SCENARIOS_DIR,
  parseManifests,
} from '@internal/kube-test-server';
import { loadAll } from 'js-yaml';
import {
  ClusterObjects,
  DestinationRule,
  Gateway,
  VirtualService,
} from '../istio';
import { emptyObjects, runPods } from './objects';

/** The scenario files of the test server, without `.yaml`. */
export type ScenarioName = 'pii-demo' | 'myapp' | 'progressive';

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

// Tests and the fixture generator run from source, so __dirname holds.
// eslint-disable-next-line no-restricted-syntax
const EXAMPLE_ENTITIES = resolve(
  __dirname,
  '../../../../../examples/entities.yaml',
);

interface CatalogEntity {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
}

function entityShowing(namespace: string): CatalogEntity {
  const entities = loadAll(
    readFileSync(EXAMPLE_ENTITIES, 'utf8'),
  ) as CatalogEntity[];
  const entity = entities.find(
    e =>
      e?.metadata?.annotations?.[ANNOTATION_KUBERNETES_NAMESPACE] === namespace,
  );
  if (!entity) {
    throw new Error(
      `${EXAMPLE_ENTITIES} has no entity annotated ${ANNOTATION_KUBERNETES_NAMESPACE}: ${namespace}`,
    );
  }
  return entity;
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
  const file = join(SCENARIOS_DIR, `${name}.yaml`);
  const manifests = parseManifests(readFileSync(file, 'utf8'), file);
  const namespace = manifests.find(m => m.kind === 'Namespace')?.metadata.name;
  if (!namespace) throw new Error(`${file} creates no Namespace`);
  const entity = entityShowing(namespace);
  return {
    entityRef: `${entity.kind.toLowerCase()}:${
      entity.metadata.namespace ?? 'default'
    }/${entity.metadata.name}`,
    hosts: parseAnnotationList(
      entity.metadata.annotations?.[ANNOTATION_ISTIO_HOSTS],
    ),
    namespace,
    objects: toClusterObjects(manifests),
  };
}
