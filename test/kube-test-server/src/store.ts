import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, expired, notFound } from './errors';
import { ResourceType, resourceKey } from './registry';
import { KubeObject, StoredObject, WatchEventType } from './types';
import { clone, deepEqual, deepFreeze, randomSuffix } from './util';

/** One change, as recorded in the event log and delivered to watchers. */
export interface StoreEvent {
  type: WatchEventType;
  /** The resource key (see `resourceKey`) of the changed object. */
  resource: string;
  /** The object after the change; for DELETED, its last state stamped with the deletion revision. */
  object: StoredObject;
  /** The object before the change (MODIFIED and DELETED), so filtered watches can see it leave. */
  previous?: StoredObject;
  revision: number;
}

export interface WriteOptions {
  /** Compute and return the result without storing it or emitting an event. */
  dryRun?: boolean;
}

/** Kubernetes timestamps have second precision. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const COMPACTION_BATCH = 1024;

/** Everything except metadata and status: a change there is a new generation (CRD semantics). */
function specOf(object: KubeObject): KubeObject {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return rest as KubeObject;
}

function withoutResourceVersion(object: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/**
 * In-memory object storage with one global, monotonically increasing resourceVersion and a
 * bounded log of recent events that watches resume from. Stored objects are frozen and shared.
 */
export class Store {
  private revision = 0;
  /** The revision of the newest event dropped from the log: older resume points have expired. */
  private compactedRevision = 0;
  /** resource key → namespace ('' when cluster-scoped) → name → object */
  private readonly data = new Map<
    string,
    Map<string, Map<string, StoredObject>>
  >();
  private log: StoreEvent[] = [];
  private logStart = 0;
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly undelivered: StoreEvent[] = [];
  private delivering = false;

  /** @param window how many of the most recent events are kept for watches to resume from */
  constructor(private readonly window: number) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): StoredObject | undefined {
    return this.data
      .get(resourceKey(type))
      ?.get(namespace ?? '')
      ?.get(name);
  }

  /** Objects of a type in one namespace or (namespace undefined) everywhere, by namespace and name. */
  list(type: ResourceType, namespace?: string): StoredObject[] {
    const byNamespace = this.data.get(resourceKey(type));
    if (!byNamespace) {
      return [];
    }
    const namespaces =
      namespace === undefined ? [...byNamespace.keys()].sort() : [namespace];
    return namespaces.flatMap(ns =>
      [...(byNamespace.get(ns)?.values() ?? [])].sort((a, b) =>
        a.metadata.name.localeCompare(b.metadata.name),
      ),
    );
  }

  /**
   * The objects as they were at `revision` (which must still be retained): today's objects with
   * the retained events after that revision undone, newest first.
   */
  listAt(
    type: ResourceType,
    namespace: string | undefined,
    revision: number,
  ): StoredObject[] {
    const current = this.list(type, namespace);
    if (revision >= this.revision) {
      return current;
    }
    const byKey = new Map(
      current.map(object => [
        `${object.metadata.namespace ?? ''}/${object.metadata.name}`,
        object,
      ]),
    );
    for (const event of this.eventsSince(
      resourceKey(type),
      revision,
    ).reverse()) {
      const { metadata } = event.object;
      if (namespace !== undefined && metadata.namespace !== namespace) {
        continue;
      }
      const key = `${metadata.namespace ?? ''}/${metadata.name}`;
      if (event.type === 'ADDED') {
        byKey.delete(key);
      } else {
        byKey.set(key, event.previous!);
      }
    }
    // The order list() gives: namespaces, then names.
    const ns = (object: StoredObject) => object.metadata.namespace ?? '';
    return [...byKey.values()].sort(
      (a, b) =>
        (ns(a) < ns(b) ? -1 : Number(ns(a) > ns(b))) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
  }

  create(
    type: ResourceType,
    object: KubeObject,
    options: WriteOptions = {},
  ): StoredObject {
    const namespace = object.metadata.namespace ?? '';
    let name = object.metadata.name;
    if (!name && object.metadata.generateName) {
      do {
        name = `${object.metadata.generateName}${randomSuffix()}`;
      } while (this.get(type, namespace, name));
    }
    if (!name) {
      throw new Error('create needs a name or generateName');
    }
    if (this.get(type, namespace, name)) {
      throw alreadyExists({ group: type.group, plural: type.plural, name });
    }
    const created: StoredObject = {
      ...clone(object),
      metadata: {
        ...clone(object.metadata),
        name,
        uid: randomUUID(),
        creationTimestamp: timestamp(),
        generation: 1,
        resourceVersion: options.dryRun ? '' : String(this.revision + 1),
      },
    };
    if (options.dryRun) {
      return deepFreeze(created);
    }
    this.put(type, created);
    this.emit({ type: 'ADDED', resource: resourceKey(type), object: created });
    return created;
  }

  /**
   * Replaces an object. A `metadata.resourceVersion` in the new object is a precondition (409
   * Conflict when stale); identity metadata is kept; the generation grows when anything outside
   * metadata and status changed. An update that changes nothing stores nothing.
   */
  update(
    type: ResourceType,
    object: KubeObject,
    options: WriteOptions = {},
  ): StoredObject {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    const target = { group: type.group, plural: type.plural, name };
    const existing = this.get(type, namespace, name);
    if (!existing) {
      throw notFound(target);
    }
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== existing.metadata.resourceVersion) {
      throw conflict(target);
    }
    const specChanged = !deepEqual(specOf(existing), specOf(object));
    const updated: StoredObject = {
      ...clone(object),
      metadata: {
        ...clone(object.metadata),
        name,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        generation: (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0),
        resourceVersion: existing.metadata.resourceVersion,
      },
    };
    if (!existing.metadata.namespace) {
      delete updated.metadata.namespace;
    }
    if (
      options.dryRun ||
      deepEqual(
        withoutResourceVersion(updated),
        withoutResourceVersion(existing),
      )
    ) {
      return options.dryRun ? deepFreeze(updated) : existing;
    }
    updated.metadata.resourceVersion = String(this.revision + 1);
    this.put(type, updated);
    this.emit({
      type: 'MODIFIED',
      resource: resourceKey(type),
      object: updated,
      previous: existing,
    });
    return updated;
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: WriteOptions = {},
  ): StoredObject {
    const existing = this.get(type, namespace, name);
    if (!existing) {
      throw notFound({ group: type.group, plural: type.plural, name });
    }
    if (options.dryRun) {
      return existing;
    }
    const deleted: StoredObject = deepFreeze({
      ...existing,
      metadata: {
        ...existing.metadata,
        resourceVersion: String(this.revision + 1),
      },
    });
    this.data
      .get(resourceKey(type))
      ?.get(namespace ?? '')
      ?.delete(name);
    this.emit({
      type: 'DELETED',
      resource: resourceKey(type),
      object: deleted,
      previous: existing,
    });
    return deleted;
  }

  /**
   * Events of one resource type after `revision`, oldest first. Throws 410 Expired when events
   * after that revision have already been dropped from the log.
   */
  eventsSince(resource: string, revision: number): StoreEvent[] {
    if (!this.isRetained(revision)) {
      throw expired(
        `too old resource version: ${revision} (${this.compactedRevision})`,
      );
    }
    const events: StoreEvent[] = [];
    for (let i = this.log.length - 1; i >= this.logStart; i--) {
      const event = this.log[i];
      if (event.revision <= revision) {
        break;
      }
      if (event.resource === resource) {
        events.push(event);
      }
    }
    return events.reverse();
  }

  /**
   * Resolves once the store has reached `revision`, or after `timeoutMs`; true when reached.
   * The API server waits this way, briefly, for a resourceVersion it has not seen yet.
   */
  async waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.revision >= revision) {
      return true;
    }
    if (timeoutMs <= 0) {
      return false;
    }
    return new Promise(resolve => {
      const stops: Array<() => void> = [];
      const finish = (reached: boolean) => {
        stops.forEach(stop => stop());
        resolve(reached);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      stops.push(() => clearTimeout(timer));
      stops.push(
        this.subscribe(() => {
          if (this.revision >= revision) {
            finish(true);
          }
        }),
      );
    });
  }

  /** Whether every event after `revision` is still in the log. */
  isRetained(revision: number): boolean {
    return revision >= this.compactedRevision;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Drops every object and the event log without emitting events. The revision keeps growing,
   * so clients resuming from an older revision get 410 Expired and list again.
   */
  clear(): void {
    this.data.clear();
    this.log = [];
    this.logStart = 0;
    this.compactedRevision = this.revision;
  }

  private put(type: ResourceType, object: StoredObject): void {
    const key = resourceKey(type);
    const byNamespace =
      this.data.get(key) ?? new Map<string, Map<string, StoredObject>>();
    this.data.set(key, byNamespace);
    const namespace = object.metadata.namespace ?? '';
    const byName =
      byNamespace.get(namespace) ?? new Map<string, StoredObject>();
    byNamespace.set(namespace, byName);
    byName.set(object.metadata.name, deepFreeze(object));
  }

  private emit(change: Omit<StoreEvent, 'revision'>): void {
    this.revision++;
    const event: StoreEvent = { ...change, revision: this.revision };
    this.log.push(event);
    if (this.log.length - this.logStart > this.window) {
      this.compactedRevision = this.log[this.logStart].revision;
      this.logStart++;
      if (this.logStart >= COMPACTION_BATCH) {
        this.log = this.log.slice(this.logStart);
        this.logStart = 0;
      }
    }
    this.undelivered.push(event);
    if (this.delivering) {
      return;
    }
    // A listener may write (the controller does): the events of those writes wait until the
    // current event has reached every listener, so everyone sees events in revision order.
    this.delivering = true;
    try {
      for (
        let next = this.undelivered.shift();
        next;
        next = this.undelivered.shift()
      ) {
        for (const listener of [...this.listeners]) {
          listener(next);
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
