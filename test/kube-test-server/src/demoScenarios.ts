/*
 * The demo scenarios as plain objects, for tests of every package: a scenario file's manifests
 * (those this server is seeded with) and the catalog entity of examples/entities.yaml that shows
 * it. Reading both through here keeps those files the one source of what each scenario is.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCENARIOS_DIR, parseManifests } from './seed';
import { KubeObject } from './types';

/** The scenario files of {@link SCENARIOS_DIR}, without `.yaml`. */
export const DEMO_SCENARIO_NAMES = [
  'pii-demo',
  'myapp',
  'progressive',
] as const;

export type DemoScenarioName = (typeof DEMO_SCENARIO_NAMES)[number];

/** The catalog entities of the demo, one per scenario; the repository keeps both folders. */
export const EXAMPLE_ENTITIES_FILE = resolve(
  SCENARIOS_DIR,
  '../../../examples/entities.yaml',
);

/**
 * Backstage's annotation naming an entity's Kubernetes namespace; each scenario lives in a
 * namespace of its own, so it links the entity to its scenario.
 */
const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';

export interface DemoScenario {
  /** The namespace the scenario creates. */
  namespace: string;
  /** Every object of the scenario file, in file order, as written. */
  manifests: KubeObject[];
  /**
   * The entity annotated with the scenario's namespace, `metadata.namespace` defaulted to
   * `default` as the catalog does.
   */
  entity: KubeObject & {
    kind: string;
    metadata: { name: string; namespace: string };
  };
}

/** Reads a scenario and its entity afresh, so a test may change what it gets. */
export function loadDemoScenario(name: DemoScenarioName): DemoScenario {
  const file = join(SCENARIOS_DIR, `${name}.yaml`);
  const manifests = parseManifests(readFileSync(file, 'utf8'), file);
  const namespace = manifests.find(m => m.kind === 'Namespace')?.metadata.name;
  if (!namespace) {
    throw new Error(`${file} creates no Namespace: add one for the scenario.`);
  }
  const entity = parseManifests(
    readFileSync(EXAMPLE_ENTITIES_FILE, 'utf8'),
    EXAMPLE_ENTITIES_FILE,
  ).find(
    e =>
      e.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION] === namespace,
  );
  if (!entity?.kind || !entity.metadata.name) {
    throw new Error(
      `${EXAMPLE_ENTITIES_FILE} has no entity annotated ${KUBERNETES_NAMESPACE_ANNOTATION}: ${namespace}: add the one that shows ${file}.`,
    );
  }
  return {
    namespace,
    manifests,
    entity: {
      ...entity,
      kind: entity.kind,
      metadata: {
        ...entity.metadata,
        name: entity.metadata.name,
        namespace: entity.metadata.namespace ?? 'default',
      },
    },
  };
}
