import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Informer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  ListWatch,
  ObjectCache,
  Watch,
} from '@kubernetes/client-node';
import { EventEmitter, once } from 'node:events';
import { ClusterObjects } from '../model';
import {
  ClusterDetails,
  clusterConfigProblem,
  kubeConfigFor,
} from './clusters';
import { ClusterReadError, classifyClusterError } from './errors';
import { slimObject } from './slimObjects';

type ResourceKey = keyof ClusterObjects;

/** How one resource type is listed: across the cluster (for the watch) or in one namespace. */
interface ResourceAccess {
  key: ResourceKey;
  watchPath: string;
  listAll(): Promise<KubernetesListObject<KubernetesObject>>;
  listIn(namespace: string): Promise<KubernetesListObject<KubernetesObject>>;
}

const ISTIO_GROUP = 'networking.istio.io';
const ISTIO_PLURALS: Array<[ResourceKey, string]> = [
  ['virtualServices', 'virtualservices'],
  ['destinationRules', 'destinationrules'],
  ['gateways', 'gateways'],
];

function resourceAccesses(
  kc: KubeConfig,
  istioApiVersion: string,
): ResourceAccess[] {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const istio = ISTIO_PLURALS.map(
    ([key, plural]): ResourceAccess => ({
      key,
      watchPath: `/apis/${ISTIO_GROUP}/${istioApiVersion}/${plural}`,
      listAll: () =>
        custom.listClusterCustomObject({
          group: ISTIO_GROUP,
          version: istioApiVersion,
          plural,
        }),
      listIn: namespace =>
        custom.listNamespacedCustomObject({
          group: ISTIO_GROUP,
          version: istioApiVersion,
          namespace,
          plural,
        }),
    }),
  );
  return [
    ...istio,
    {
      key: 'services',
      watchPath: '/api/v1/services',
      listAll: () => core.listServiceForAllNamespaces(),
      listIn: namespace => core.listNamespacedService({ namespace }),
    },
    {
      key: 'deployments',
      watchPath: '/apis/apps/v1/deployments',
      listAll: () => apps.listDeploymentForAllNamespaces(),
      listIn: namespace => apps.listNamespacedDeployment({ namespace }),
    },
    {
      key: 'pods',
      watchPath: '/api/v1/pods',
      listAll: () => core.listPodForAllNamespaces(),
      listIn: namespace => core.listNamespacedPod({ namespace }),
    },
  ];
}

/** Objects of the same name but another UID than the cached ones: another cluster answers. */
class ReplacedClusterError extends Error {}

/**
 * The watch of one informer. It ends with an error after an ERROR event: the informer acts on
 * 410 Expired alone (it lists again); after any other ERROR, e.g. "Too large resource version"
 * (504) from a cluster rebuilt behind the same URL whose resourceVersions went back, it would
 * resume from the same resourceVersion for ever and keep serving the old cluster's objects. It
 * also ends with an error when an event contradicts the cache (see {@link replacedObject}), and it
 * hands the informer only what the cache keeps of each object.
 */
class CacheKeepingWatch extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly key: ResourceKey,
    private readonly keeps: (object: KubernetesObject) => boolean,
    private readonly contradiction: (
      object: KubernetesObject,
    ) => string | undefined,
  ) {
    super(kc);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    let failure: Error | undefined;
    const stream: { controller?: AbortController } = {};
    const fail = (error: Error) => {
      failure ??= error;
      stream.controller?.abort();
    };
    stream.controller = await super.watch(
      path,
      queryParams,
      (phase, apiObj, watchObj) => {
        if (failure) return;
        if (phase === 'ERROR' && apiObj?.code !== 410) {
          fail(
            Object.assign(
              new Error(
                `watch ended by the API server: ${apiObj?.code} ${
                  apiObj?.reason ?? ''
                } ${apiObj?.message ?? ''}`.trim(),
              ),
              { statusCode: apiObj?.code },
            ),
          );
        }
        if (
          (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') &&
          !this.keeps(apiObj)
        ) {
          // Not cached, but the informer still moves on to the event's resourceVersion.
          callback('BOOKMARK', { metadata: apiObj.metadata }, watchObj);
          return;
        }
        if (phase === 'ADDED' || phase === 'MODIFIED') {
          const contradiction = this.contradiction(apiObj);
          if (contradiction) {
            fail(new ReplacedClusterError(contradiction));
            return;
          }
          callback(phase, slimObject(this.key, apiObj), watchObj);
          return;
        }
        callback(phase, apiObj, watchObj);
      },
      err => done(failure ?? err ?? null),
    );
    if (failure) stream.controller.abort();
    return stream.controller;
  }
}

/**
 * Why `object` cannot be an update of what `cache` holds under its name, if it cannot. An object
 * deleted and created again is deleted from the cache first (a DELETED event, or a list without
 * it), so a different UID under a cached name means the objects come from another cluster: one
 * rebuilt or restored behind the same URL whose resourceVersions happen to be ahead of the cache's.
 * Resuming from the cache's resourceVersion, or a relist that keeps cached objects whose
 * resourceVersion is listed again, would then mix the two clusters' objects.
 */
function replacedObject(
  cache: ObjectCache<KubernetesObject>,
  object: KubernetesObject,
): string | undefined {
  const name = object.metadata?.name;
  if (!name) return undefined;
  const cached = cache.get(name, object.metadata?.namespace);
  const uid = cached?.metadata?.uid;
  if (!uid || !object.metadata?.uid || uid === object.metadata.uid) {
    return undefined;
  }
  return `${object.kind ?? 'object'} ${
    object.metadata?.namespace ? `${object.metadata.namespace}/` : ''
  }${name} has UID ${
    object.metadata.uid
  } but the cache holds UID ${uid}: the cluster behind the URL was replaced`;
}

type CachingInformer = Informer<KubernetesObject> &
  ObjectCache<KubernetesObject>;

interface WatchedResource {
  access: ResourceAccess;
  informer: CachingInformer;
  synced: boolean;
  /** The namespaces `informer` keeps; undefined: every namespace. */
  namespaces?: ReadonlySet<string>;
  /** An informer keeping more namespaces, which replaces `informer` once it is live. */
  successor?: CachingInformer;
  restartTimer?: NodeJS.Timeout;
  failures: number;
}

/**
 * The resource types kept only for the namespaces requests ask about: the model reads them in
 * the entity's namespace alone, and they are most of a cluster's objects. VirtualServices,
 * DestinationRules and Gateways of every namespace are kept, since any of them may route, or be
 * routed through by, an entity's hosts.
 */
const PER_NAMESPACE: ReadonlySet<ResourceKey> = new Set([
  'services',
  'deployments',
  'pods',
]);

/**
 * The resource types a namespace's answer carries from every namespace: VirtualServices elsewhere
 * may route its hosts, and a VirtualService binds Gateways by `namespace/name`, most often in
 * `istio-system`. Both are few next to the rest of a cluster.
 */
const FROM_EVERY_NAMESPACE: ReadonlySet<ResourceKey> = new Set([
  'virtualServices',
  'gateways',
]);

/** How long namespaces asked for one after another wait to be added to the cache together. */
const WIDEN_DELAY_MS = 200;

export interface ClusterObjectSourceOptions {
  istioApiVersion: string;
  timeoutMs: number;
  /** Keep informers (list once, then watch) instead of reading on every request. */
  watch: boolean;
  logger: LoggerService;
}

/** What the watch cache of one cluster holds. */
export interface WatchCacheSize {
  objects: Record<ResourceKey, number>;
  /** The cached objects' size as JSON: an estimate of what they take in memory. */
  jsonBytes: number;
}

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The objects of one cluster that the blue/green model needs. With `watch` on, every resource type
 * is held by an informer, so a state request costs no cluster request at steady state; until an
 * informer has listed and is watching (at start, or after its watch failed), the namespace the
 * request asks about is read directly, so answers are never served from a cache that is not live.
 *
 * The cache holds what annotated entities can reach, not the whole cluster: of each object only
 * what the model reads (see slimObjects.ts), and Services, Deployments and pods only of the
 * namespaces requests have asked about (every namespace once an entity names none). A namespace
 * asked about for the first time is read directly while the informers of those types list again
 * with it; the namespaces already cached stay live meanwhile.
 */
export class ClusterObjectSource {
  readonly cluster: ClusterDetails;
  private readonly accesses: ResourceAccess[];
  private readonly kc: KubeConfig;
  private watched?: WatchedResource[];
  /** Aborted by {@link close}: ends every wait for the cache. */
  private readonly closing = new AbortController();
  /** Emits `live` whenever the last informer that was not live becomes live. */
  private readonly events = new EventEmitter();
  private watchStartedAt = 0;
  /** Namespaces whose Services, Deployments and pods are cached; see {@link PER_NAMESPACE}. */
  private readonly wantedNamespaces = new Set<string>();
  private wantsEveryNamespace = false;
  private widenTimer?: NodeJS.Timeout;
  /** Bumped by every watch event and every (re)sync; see {@link liveVersion}. */
  private changeSeq = 0;
  private syncSeq = 0;
  private readonly lastChangeByNamespace = new Map<string, number>();
  /** VirtualServices of any namespace may route a namespace's hosts: see {@link objectsIn}. */
  private lastVirtualServiceChange = 0;
  private lastVirtualServices?: KubernetesObject[];

  constructor(
    cluster: ClusterDetails,
    private readonly options: ClusterObjectSourceOptions,
  ) {
    this.cluster = cluster;
    this.kc = kubeConfigFor(cluster);
    this.accesses = resourceAccesses(this.kc, options.istioApiVersion);
    // Every waiting request listens; more than the default ten is normal, not a leak.
    this.events.setMaxListeners(0);
  }

  /**
   * True when every resource type is served from a live watch that keeps `namespace` (every
   * namespace when not given).
   */
  isLive(namespace?: string): boolean {
    return (
      !!this.watched &&
      this.watched.every(
        w =>
          w.synced &&
          (!w.namespaces || (!!namespace && w.namespaces.has(namespace))),
      )
    );
  }

  /**
   * A token that stays the same for as long as the cached objects of `namespace` (every namespace
   * when not given) stay the same, so results computed from them can be reused; undefined while
   * the cache is not live. Read it before reading the objects: an event in between then only
   * costs a recomputation, never a stale answer.
   */
  liveVersion(namespace?: string): string | undefined {
    if (!this.isLive(namespace)) {
      return undefined;
    }
    if (!namespace) {
      return `${this.syncSeq}.${this.changeSeq}`;
    }
    const change = this.lastChangeByNamespace.get(namespace) ?? 0;
    return `${this.syncSeq}.${change}.${this.lastVirtualServiceChange}`;
  }

  /** How many objects the cache holds, and about how many bytes; undefined without a cache. */
  cacheSize(): WatchCacheSize | undefined {
    if (!this.watched) {
      return undefined;
    }
    const objects = {} as Record<ResourceKey, number>;
    let jsonBytes = 0;
    for (const w of this.watched) {
      const cached = w.informer.list();
      objects[w.access.key] = cached.length;
      for (const object of cached) {
        jsonBytes += JSON.stringify(object).length;
      }
    }
    return { objects, jsonBytes };
  }

  /**
   * The objects in `namespace`, or in every namespace when it is not given. With a namespace, the
   * VirtualServices of every namespace come too: meshes often keep routing in a shared namespace,
   * and the model decides which of them reach this one (by host and `exportTo`). From the cache
   * that is a walk over memory; a direct read lists VirtualServices across the cluster, one
   * request of one (small) resource type. `fresh` reads the
   * namespace from the cluster even when the cache is live: what a cutover plans against must be
   * what the cluster holds now, not what the watch has delivered so far. Without a namespace
   * and without a live cache this waits for the informers, since reading a whole cluster per
   * request is exactly what the cache exists to avoid.
   */
  async objectsIn(
    namespace?: string,
    options: { fresh?: boolean } = {},
  ): Promise<ClusterObjects> {
    const problem = clusterConfigProblem(this.cluster);
    if (problem) {
      throw new ClusterReadError(problem, 'unknown');
    }
    if (this.options.watch) {
      // A namespace read fresh (a cutover's planning) is read again soon, e.g. by each step of a
      // rollout: from then on the cache keeps it too.
      this.want(namespace);
      this.startWatching();
      if (!options.fresh && this.isLive(namespace)) {
        return this.fromCache(namespace);
      }
      if (!namespace) {
        await this.waitUntilLive();
        return this.fromCache(namespace);
      }
    }
    if (!namespace) {
      throw new ClusterReadError(
        `cluster '${this.cluster.name}': the entity names no namespace (annotation backstage.io/kubernetes-namespace) and the watch cache is off; reading every namespace per request is refused`,
        'unknown',
      );
    }
    return this.readNamespace(namespace);
  }

  async close(): Promise<void> {
    this.closing.abort();
    clearTimeout(this.widenTimer);
    for (const w of this.watched ?? []) {
      clearTimeout(w.restartTimer);
      await w.successor?.stop();
      await w.informer.stop();
    }
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  private fromCache(namespace?: string): ClusterObjects {
    const objects = {} as Record<ResourceKey, KubernetesObject[]>;
    for (const w of this.watched!) {
      objects[w.access.key] =
        w.access.key === 'virtualServices'
          ? this.cachedVirtualServices(w.informer.list())
          : [
              ...w.informer.list(
                FROM_EVERY_NAMESPACE.has(w.access.key) ? undefined : namespace,
              ),
            ];
    }
    return objects as unknown as ClusterObjects;
  }

  /**
   * The cached VirtualServices as the list returned last time while they are the same objects
   * (the informer replaces an object when it changes): the model derives its host index from a
   * list once (see model/perList.ts), so while nothing changes no request pays for it again.
   * Frozen, since every request shares it.
   */
  private cachedVirtualServices(
    listed: readonly KubernetesObject[],
  ): KubernetesObject[] {
    const last = this.lastVirtualServices;
    if (
      last?.length === listed.length &&
      last.every((object, i) => object === listed[i])
    ) {
      return last;
    }
    this.lastVirtualServices = Object.freeze([...listed]) as KubernetesObject[];
    return this.lastVirtualServices;
  }

  private async readNamespace(namespace: string): Promise<ClusterObjects> {
    const lists = await this.withTimeout(
      Promise.all(
        this.accesses.map(a =>
          FROM_EVERY_NAMESPACE.has(a.key) ? a.listAll() : a.listIn(namespace),
        ),
      ),
      `reading namespace '${namespace}'`,
    );
    const objects = {} as Record<ResourceKey, KubernetesObject[]>;
    this.accesses.forEach((a, i) => {
      objects[a.key] = lists[i].items ?? [];
    });
    return objects as unknown as ClusterObjects;
  }

  /** Adds `namespace` (every namespace when not given) to what the cache keeps. */
  private want(namespace?: string) {
    if (
      this.wantsEveryNamespace ||
      (namespace && this.wantedNamespaces.has(namespace))
    ) {
      return;
    }
    if (namespace) {
      this.wantedNamespaces.add(namespace);
    } else {
      this.wantsEveryNamespace = true;
    }
    if (this.watched && !this.widenTimer && !this.closed) {
      this.widenTimer = setTimeout(() => {
        this.widenTimer = undefined;
        for (const w of this.watched!) {
          if (PER_NAMESPACE.has(w.access.key)) this.widen(w);
        }
      }, WIDEN_DELAY_MS);
      this.widenTimer.unref?.();
    }
  }

  /** The namespaces an informer of this resource type is to keep now; undefined: all. */
  private wantedFor(w: WatchedResource): ReadonlySet<string> | undefined {
    return PER_NAMESPACE.has(w.access.key) && !this.wantsEveryNamespace
      ? new Set(this.wantedNamespaces)
      : undefined;
  }

  /**
   * Lists `w` again with the namespaces wanted now. The current informer serves its namespaces
   * until the new one is live; one that is not live yet is replaced at once.
   */
  private widen(w: WatchedResource) {
    if (w.restartTimer) {
      return; // the restart lists what is wanted then
    }
    if (!w.synced) {
      this.replaceInformer(w);
      return;
    }
    const replaced = w.successor;
    const namespaces = this.wantedFor(w);
    w.successor = this.informerFor(w, namespaces);
    void replaced?.stop();
    this.startInformer(w, w.successor, namespaces);
  }

  private startWatching() {
    if (this.watched) {
      return;
    }
    this.watchStartedAt = performance.now();
    this.watched = this.accesses.map(access => {
      const watched = { access, synced: false, failures: 0 } as WatchedResource;
      const namespaces = this.wantedFor(watched);
      watched.informer = this.informerFor(watched, namespaces);
      this.startInformer(watched, watched.informer, namespaces);
      return watched;
    });
  }

  /**
   * A new informer keeping `namespaces` (all when undefined), with an empty cache and no
   * resourceVersion: it starts with a full list.
   */
  private informerFor(
    w: WatchedResource,
    namespaces: ReadonlySet<string> | undefined,
  ): CachingInformer {
    const { key } = w.access;
    const keeps = (object: KubernetesObject) =>
      !namespaces || namespaces.has(object.metadata?.namespace ?? '');
    // Set below; the list and the watch run once the informer is started.
    const cache: { informer?: CachingInformer } = {};
    const list = async () => {
      const listed = await w.access.listAll();
      if (
        this.closed ||
        (w.informer !== cache.informer && w.successor !== cache.informer)
      ) {
        // Stopped while it listed: ListWatch would go on to open a watch nobody stops.
        throw new Error('the informer was stopped while it listed');
      }
      const kept = listed.items.filter(keeps);
      // The first list fills an empty cache; a relist (after 410 Expired) updates it in place.
      for (const object of kept) {
        const contradiction = replacedObject(cache.informer!, object);
        if (contradiction) throw new ReplacedClusterError(contradiction);
      }
      return {
        ...listed,
        items: kept.map(object => slimObject(key, object)),
      };
    };
    const informer: CachingInformer = new ListWatch(
      w.access.watchPath,
      new CacheKeepingWatch(this.kc, key, keeps, object =>
        replacedObject(cache.informer!, object),
      ),
      list,
      false,
    );
    cache.informer = informer;
    // A replaced informer still reports its own stop; only the current one and its successor
    // speak for `w`.
    informer.on('error', err => {
      if (w.informer === informer || w.successor === informer) {
        this.onWatchError(w, err);
      }
    });
    informer.on('change', obj => {
      if (w.informer !== informer) return;
      this.changeSeq += 1;
      const namespace = obj.metadata?.namespace;
      if (namespace) {
        this.lastChangeByNamespace.set(namespace, this.changeSeq);
      }
      if (key === 'virtualServices') {
        this.lastVirtualServiceChange = this.changeSeq;
      }
    });
    return informer;
  }

  /** Starts `informer`, which is `w.informer` or its successor, and marks it live once listed. */
  private startInformer(
    w: WatchedResource,
    informer: CachingInformer,
    namespaces: ReadonlySet<string> | undefined,
  ) {
    if (this.closed) {
      return;
    }
    let failedDuringStart = false;
    const onStartError = () => {
      failedDuringStart = true;
    };
    informer.on('error', onStartError);
    informer
      .start()
      .then(() => {
        if (failedDuringStart || this.closed) {
          return;
        }
        if (w.successor === informer) {
          // Swapped before the stop: a stopped informer reports its aborted watch at once.
          const predecessor = w.informer;
          w.informer = informer;
          w.successor = undefined;
          void predecessor.stop();
        } else if (w.informer !== informer) {
          return; // replaced while it listed
        }
        // A relist may have replaced objects without a change event for each.
        this.syncSeq += 1;
        w.namespaces = namespaces;
        w.synced = true;
        w.failures = 0;
        if (this.watched!.every(other => other.synced)) this.onLive();
      })
      .catch(err => {
        if (w.informer === informer || w.successor === informer) {
          this.onWatchError(w, err);
        }
      })
      .finally(() => informer.off('error', onStartError));
  }

  private onLive() {
    const size = this.cacheSize()!;
    const counts = Object.entries(size.objects)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ');
    const total = Object.values(size.objects).reduce((a, b) => a + b, 0);
    this.options.logger.info(
      `Watch cache of cluster '${this.cluster.name}' is live ${Math.round(
        performance.now() - this.watchStartedAt,
      )} ms after the watch started: ${total} objects (${counts}), ${(
        size.jsonBytes /
        2 ** 20
      ).toFixed(1)} MB as JSON`,
    );
    this.events.emit('live');
  }

  /** A failed list or watch stops the informer: replace it after a growing delay. */
  private onWatchError(w: WatchedResource, err: unknown) {
    w.synced = false;
    if (this.closed) {
      return;
    }
    if (err instanceof ReplacedClusterError) {
      this.rebuildAll(err);
      return;
    }
    if (w.restartTimer) {
      return;
    }
    w.failures += 1;
    const delay = Math.min(500 * 2 ** (w.failures - 1), MAX_RESTART_DELAY_MS);
    this.options.logger.warn(
      `Watch of ${w.access.watchPath} on cluster '${
        this.cluster.name
      }' failed (${
        classifyClusterError(err).message
      }); rebuilding its cache from a fresh list in ${delay} ms`,
    );
    w.restartTimer = setTimeout(() => {
      w.restartTimer = undefined;
      // After a failure the cluster behind the URL may not be the one listed before (storage
      // restored, cluster rebuilt): resuming from the old resourceVersion could keep objects
      // that are gone, so the cache is rebuilt from a fresh list.
      this.replaceInformer(w);
    }, delay);
    w.restartTimer.unref?.();
  }

  /**
   * Another cluster answers behind the URL. Only some resource types may show it (pods of the
   * new cluster have new names, so nothing contradicts the cached ones), so every type is listed
   * afresh, at once.
   */
  private rebuildAll(reason: ReplacedClusterError) {
    this.options.logger.warn(
      `Watch cache of cluster '${this.cluster.name}' is rebuilt from fresh lists: ${reason.message}`,
    );
    for (const w of this.watched!) {
      clearTimeout(w.restartTimer);
      w.restartTimer = undefined;
      w.synced = false;
      this.replaceInformer(w);
    }
  }

  /** Replaces `w`'s informer (and successor) by one that lists what is wanted now. */
  private replaceInformer(w: WatchedResource) {
    // Replaced before they stop: a stopped informer reports its aborted watch at once.
    const replaced = [w.informer, w.successor];
    w.successor = undefined;
    w.synced = false;
    const namespaces = this.wantedFor(w);
    w.informer = this.informerFor(w, namespaces);
    for (const informer of replaced) void informer?.stop();
    this.startInformer(w, w.informer, namespaces);
  }

  /**
   * Resolves once every informer is live; rejects after the cluster timeout, or when the source
   * is closed. Listens for the informers' syncs instead of polling, and leaves no timer behind.
   */
  private async waitUntilLive(): Promise<void> {
    const gaveUp = new AbortController();
    const timer = setTimeout(() => gaveUp.abort(), this.options.timeoutMs);
    const signal = AbortSignal.any([gaveUp.signal, this.closing.signal]);
    try {
      // Live may first mean live for fewer namespaces, until the informers list them all.
      while (!this.isLive()) {
        await once(this.events, 'live', { signal });
      }
    } catch (e) {
      if (this.closed) {
        throw new ClusterReadError(
          `cluster '${this.cluster.name}' is no longer read: the backend is shutting down`,
          'unknown',
        );
      }
      if (gaveUp.signal.aborted) {
        throw new ClusterReadError(
          `cluster '${this.cluster.name}' did not answer within ${this.options.timeoutMs} ms (waiting for the watch)`,
          'timeout',
        );
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ClusterReadError(
              `cluster '${this.cluster.name}' did not answer within ${this.options.timeoutMs} ms (${what})`,
              'timeout',
            ),
          ),
        this.options.timeoutMs,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } catch (e) {
      throw classifyClusterError(e, this.cluster.name);
    } finally {
      clearTimeout(timer);
    }
  }
}
