/*
 * The demo scenarios the templates mirror, read by the test server's loadDemoScenario from where
 * they are defined: the YAML the Kubernetes API test server is seeded with and the catalog
 * entities of examples/entities.yaml.
 */
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ISTIO_HOSTS,
  parseAnnotationList,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { KubeObject, loadDemoScenario } from '@internal/kube-test-server';

export interface DemoScenario {
  manifests: KubeObject[];
  /** The catalog entity showing the scenario. */
  entity: Entity;
}

export function demoScenario(name: 'pii-demo' | 'myapp'): DemoScenario {
  const { manifests, entity } = loadDemoScenario(name);
  // The loader checked apiVersion, kind and metadata.name; the catalog reads the rest as written.
  return { manifests, entity: entity as unknown as Entity };
}

interface Spec {
  hosts?: string[];
  host?: string;
  selector?: Record<string, string>;
  ports?: { name?: string; port: number }[];
  http?: {
    match?: { sourceLabels?: unknown }[];
    route?: { destination: { host: string }; weight?: number }[];
  }[];
  subsets?: { name: string; labels: Record<string, string> }[];
  replicas?: number;
  template?: {
    metadata: { labels: Record<string, string> };
    spec: { containers: { image: string }[] };
  };
}

const specOf = (object: KubeObject) => object.spec as Spec;

/**
 * The answers to the "Blue/green service on Istio" template that describe the scenario: its
 * domain, the web tier's image, port, protocol and pods per colour, its colours, whether it has
 * colour hosts and in-mesh affinity, how the shared host splits, and its database tier. The
 * template gives every colour the same image, so only the first colour's is kept.
 */
export function templateValuesOf({ manifests, entity }: DemoScenario) {
  const of = (kind: string) => manifests.filter(m => m.kind === kind);
  const named = (kind: string, name: string) => {
    const found = of(kind).find(m => m.metadata.name === name);
    if (!found) throw new Error(`the scenario has no ${kind} ${name}`);
    return found;
  };
  const deploymentsOf = (service: KubeObject) =>
    of('Deployment').filter(d =>
      Object.entries(specOf(service).selector ?? {}).every(
        ([key, value]) => specOf(d).template?.metadata.labels[key] === value,
      ),
    );
  const [sharedHost, databaseHost] = parseAnnotationList(
    entity.metadata.annotations?.[ANNOTATION_ISTIO_HOSTS],
  );
  const webVs = of('VirtualService').find(vs =>
    specOf(vs).hosts?.includes(sharedHost),
  )!;
  const rules = specOf(webVs).http ?? [];
  const web = named('Service', rules[0].route![0].destination.host);
  const webDeployment = deploymentsOf(web)[0];
  const [webPort] = specOf(web).ports ?? [];
  const sharedRoute = rules[rules.length - 1].route ?? [];
  const weighted = sharedRoute.some(r => r.weight !== undefined);
  const database = databaseHost ? named('Service', databaseHost) : undefined;
  return {
    name: entity.metadata.name,
    description: entity.metadata.description,
    owner: entity.spec?.owner,
    domain: sharedHost.slice(sharedHost.indexOf('.') + 1),
    image: specOf(webDeployment).template!.spec.containers[0].image,
    port: webPort.port,
    protocol: (webPort.name ?? 'http').split('-')[0],
    replicas: specOf(webDeployment).replicas ?? 1,
    colours: (
      specOf(named('DestinationRule', web.metadata.name!)).subsets ?? []
    ).map(s => s.name),
    colourHosts: (specOf(webVs).hosts ?? []).some(
      h => h !== sharedHost && h !== web.metadata.name,
    ),
    meshAffinity: rules.some(r => r.match?.some(m => m.sourceLabels)),
    sharedHost: weighted ? 'weighted' : 'round-robin',
    ...(weighted && { weights: sharedRoute.map(r => r.weight ?? 0) }),
    istioApiVersion: (webVs.apiVersion ?? '').split('/')[1],
    withDatabase: Boolean(database),
    ...(database && {
      database: {
        name: database.metadata.name,
        image: specOf(deploymentsOf(database)[0]).template!.spec.containers[0]
          .image,
        port: specOf(database).ports![0].port,
      },
    }),
    repoUrl: `github.com?owner=acme&repo=${entity.metadata.name}`,
  };
}
