import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { LRUCache } from 'lru-cache';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_ISTIO_HOSTS,
  ANNOTATION_KUBERNETES_CLUSTER,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  BlueGreenStateResponse,
  ClusterBlueGreenState,
  ExplainRequest,
  ExplainResponse,
  parseAnnotationList,
} from '@bluegreen-istio/plugin-bluegreen-common';
import {
  ClusterObjects,
  computeClusterState,
  explainRequest,
  selectForHosts,
} from '../model';
import { ClusterObjectSource } from './ClusterObjectSource';
import { classifyClusterError } from './errors';
import { clusterStateKey, responseVersion } from './stateVersions';
import { narrowWorkloads, parseLabelSelector } from './labelSelector';

/** What the state, explain and cutover endpoints need to know about an entity. */
export interface BlueGreenTarget {
  entityRef: string;
  hosts: string[];
  namespace?: string;
  sources: ClusterObjectSource[];
  annotations: Record<string, string>;
  /**
   * The entity's objects in one cluster: its namespace, with only the workloads its
   * `backstage.io/kubernetes-label-selector` matches.
   */
  objectsIn(
    source: ClusterObjectSource,
    options?: { fresh?: boolean },
  ): Promise<ClusterObjects>;
}

/** How many computed cluster states are kept for reuse. */
const MAX_REUSED_STATES = 5_000;
/** How many catalog entities are kept for reuse. */
const MAX_REUSED_ENTITIES = 10_000;

/** An entity's state, and whether it can be told apart from the previous answer cheaply. */
export interface StateSnapshot {
  response: BlueGreenStateResponse;
  /**
   * Set when every cluster was read from a live watch cache: the same entity and version always
   * come with the same response, whose `fetchedAt` is when the state was computed from the
   * objects then in the cache.
   */
  version?: string;
}

export interface BlueGreenStateServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  sources: ClusterObjectSource[];
  entityCacheMs: number;
}

/**
 * Reads an entity's blue/green state from every cluster it lives in. Each cluster is read and
 * modelled independently, so one failing cluster is reported in its own entry and never hides the
 * others.
 */
export class BlueGreenStateService {
  /**
   * Entities read from the catalog, reused for `entityCacheMs`; concurrent requests for an entity
   * that is not cached share one catalog read.
   */
  private readonly entities?: LRUCache<string, Entity>;

  /**
   * States computed from a live watch cache, reused until the cache's objects in that namespace
   * change: the model is pure, so the same objects always give the same state. The least
   * recently used go first.
   */
  private readonly computedStates = new LRUCache<
    string,
    { version: string; state: ClusterBlueGreenState }
  >({ max: MAX_REUSED_STATES });

  constructor(private readonly options: BlueGreenStateServiceOptions) {
    if (options.entityCacheMs > 0) {
      this.entities = new LRUCache<string, Entity>({
        max: MAX_REUSED_ENTITIES,
        ttl: options.entityCacheMs,
        fetchMethod: entityRef => this.readEntity(entityRef),
      });
    }
  }

  async getState(entityRef: string): Promise<StateSnapshot> {
    const target = await this.resolveTarget(entityRef);
    const results = await Promise.all(
      target.sources.map(source => this.clusterState(target, source)),
    );
    return {
      response: {
        entityRef: target.entityRef,
        clusters: results.map(r => r.state),
      },
      version: responseVersion(
        target,
        results.map(r => ({ cluster: r.state.cluster, version: r.version })),
      ),
    };
  }

  async explain(request: ExplainRequest): Promise<ExplainResponse> {
    const target = await this.resolveTarget(request.entityRef);
    const sources = request.cluster
      ? target.sources.filter(s => s.cluster.name === request.cluster)
      : target.sources;
    if (sources.length === 0) {
      throw new InputError(
        `cluster '${
          request.cluster
        }' is not one of this entity's clusters (${target.sources
          .map(s => s.cluster.name)
          .join(', ')})`,
      );
    }
    const clusters = await Promise.all(
      sources.map(async source => {
        try {
          const objects = await target.objectsIn(source);
          return {
            cluster: source.cluster.name,
            ...explainRequest(request, objects, target.namespace),
          };
        } catch (e) {
          return {
            cluster: source.cluster.name,
            virtualService: null,
            matchedRule: null,
            skipped: [],
            destinations: [],
            error: classifyClusterError(
              e,
              source.cluster.name,
            ).toClusterError(),
          };
        }
      }),
    );
    return { entityRef: target.entityRef, clusters };
  }

  private async clusterState(
    target: BlueGreenTarget,
    source: ClusterObjectSource,
  ): Promise<{ state: ClusterBlueGreenState; version?: string }> {
    const cluster = source.cluster.name;
    const memoKey = clusterStateKey(target, cluster);
    const version = source.liveVersion(target.namespace);
    const reusable = this.computedStates.get(memoKey);
    if (version && reusable?.version === version) {
      return { state: reusable.state, version };
    }

    let objects: ClusterObjects;
    try {
      objects = await target.objectsIn(source);
    } catch (e) {
      const error = classifyClusterError(e, cluster);
      this.options.logger.warn(
        `Blue/green state of ${target.entityRef}: ${error.message}`,
      );
      const state: ClusterBlueGreenState = {
        cluster,
        namespace: target.namespace ?? null,
        colours: [],
        splits: [],
        activeColour: null,
        routes: [],
        findings: [],
        resourceVersions: {},
        fetchedAt: new Date().toISOString(),
        error: error.toClusterError(),
      };
      return { state };
    }
    const selected = selectForHosts(target.hosts, objects, target.namespace);
    const state: ClusterBlueGreenState = {
      cluster,
      fetchedAt: new Date().toISOString(),
      ...computeClusterState({
        hosts: target.hosts,
        namespace: target.namespace,
        objects: selected,
      }),
    };
    if (version) {
      this.computedStates.set(memoKey, { version, state });
    }
    return { state, version };
  }

  async resolveTarget(entityRef: string): Promise<BlueGreenTarget> {
    const entity = await this.getEntity(entityRef);
    const ref = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    const hosts = parseAnnotationList(annotations[ANNOTATION_ISTIO_HOSTS]);
    if (hosts.length === 0) {
      throw new InputError(
        `${ref} has no '${ANNOTATION_ISTIO_HOSTS}' annotation: add it to the entity's catalog-info.yaml with the host(s) users reach the service by, e.g. '${ANNOTATION_ISTIO_HOSTS}: myapp.example.com'`,
      );
    }
    const clusterAnnotation =
      ANNOTATION_KUBERNETES_CLUSTER in annotations
        ? ANNOTATION_KUBERNETES_CLUSTER
        : ANNOTATION_CLUSTER;
    const wanted = parseAnnotationList(annotations[clusterAnnotation]);
    const sources = wanted.length
      ? this.options.sources.filter(s => wanted.includes(s.cluster.name))
      : this.options.sources;
    if (sources.length === 0) {
      const known = this.options.sources.map(s => s.cluster.name);
      throw new InputError(
        wanted.length
          ? `${ref} asks for cluster(s) ${wanted.join(
              ', ',
            )} (annotation '${clusterAnnotation}') but the configured clusters are: ${
              known.join(', ') || 'none'
            }; clusters come from kubernetes.clusterLocatorMethods of type 'config' or 'localKubectlProxy'`
          : 'No clusters are configured: add them under kubernetes.clusterLocatorMethods in app-config.yaml',
      );
    }
    const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE] || undefined;
    const selector = annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR]?.trim();
    const matches = selector
      ? parseLabelSelector(selector, ANNOTATION_KUBERNETES_LABEL_SELECTOR)
      : undefined;
    return {
      entityRef: ref,
      hosts,
      namespace,
      sources,
      annotations,
      async objectsIn(source, options) {
        const objects = await source.objectsIn(namespace, options);
        return matches ? narrowWorkloads(objects, matches) : objects;
      },
    };
  }

  /**
   * The plugin reads the catalog with its own credentials: whether the caller may see this entity's
   * state is decided by the permission check in the router, not by catalog visibility.
   */
  private async getEntity(entityRef: string): Promise<Entity> {
    const entity = this.entities
      ? await this.entities.fetch(entityRef)
      : await this.readEntity(entityRef);
    if (!entity) {
      throw new NotFoundError(`No catalog entity ${entityRef}`);
    }
    return entity;
  }

  private async readEntity(entityRef: string): Promise<Entity | undefined> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    return entity ?? undefined;
  }
}
