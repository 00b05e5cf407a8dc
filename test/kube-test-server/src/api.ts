import { Admission } from './admission';
import { badRequest, conflict, expired, invalid, notFound } from './errors';
import { PatchError, applyJsonPatch, applyMergePatch } from './patch';
import { ResourceRegistry, ResourceType, groupVersion } from './registry';
import {
  LabelSelector,
  ObjectFilter,
  formatLabelSelector,
  labelSelectorRequirements,
  matchesFilter,
} from './selectors';
import { Store, WriteOptions, timestamp } from './store';
import { JsonObject, KubeList, KubeObject, StoredObject } from './types';
import { clone, isJsonObject } from './util';

/** Which resource a request addresses: type, the version it was asked at, and the namespace. */
export interface Scope {
  type: ResourceType;
  version: string;
  /** Undefined for cluster-scoped resources and for lists across all namespaces. */
  namespace?: string;
}

export type Subresource = 'status' | 'scale';

export type PatchType = 'merge' | 'json';

export interface ListOptions {
  filter: ObjectFilter;
  limit?: number;
  continueToken?: string;
}

export interface DeleteOptions extends WriteOptions {
  preconditions?: { resourceVersion?: string; uid?: string };
}

/** The object as a client sees it at the version it asked for. */
export function present(
  type: ResourceType,
  version: string,
  object: KubeObject,
): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return {
    apiVersion: groupVersion(type.group, version),
    kind: type.kind,
    ...rest,
  };
}

interface ContinueToken {
  revision: number;
  after: string;
}

function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/**
 * The Kubernetes API semantics, independent of HTTP: version conversion, subresources,
 * admission, patching, optimistic concurrency and dry runs, on top of the store.
 */
export class KubeApi {
  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
    private readonly admission: Admission,
  ) {}

  get(scope: Scope, name: string, subresource?: Subresource): KubeObject {
    const object = this.require(scope, name);
    return subresource === 'scale'
      ? this.toScale(object)
      : present(scope.type, scope.version, object);
  }

  list(scope: Scope, options: ListOptions): KubeList {
    let items = this.store
      .list(scope.type, scope.namespace)
      .filter(object => matchesFilter(options.filter, object));
    if (options.continueToken) {
      const token = this.decodeContinue(options.continueToken);
      items = items.filter(object => objectKey(object) > token.after);
    }
    const metadata: KubeList['metadata'] = {
      resourceVersion: this.store.resourceVersion,
    };
    if (options.limit && options.limit > 0 && items.length > options.limit) {
      metadata.remainingItemCount = items.length - options.limit;
      items = items.slice(0, options.limit);
      const token: ContinueToken = {
        revision: Number(this.store.resourceVersion),
        after: objectKey(items[items.length - 1]),
      };
      metadata.continue = Buffer.from(JSON.stringify(token)).toString(
        'base64url',
      );
    }
    return {
      apiVersion: groupVersion(scope.type.group, scope.version),
      kind: `${scope.type.kind}List`,
      metadata,
      items: items.map(object => present(scope.type, scope.version, object)),
    };
  }

  create(scope: Scope, body: unknown, options: WriteOptions = {}): KubeObject {
    const object = this.checkBody(scope, body);
    if (scope.type.namespaced) {
      object.metadata.namespace = scope.namespace;
      this.requireNamespace(scope.namespace!);
    } else {
      delete object.metadata.namespace;
    }
    const { resourceVersion: _rv, uid: _uid, ...metadata } = object.metadata;
    object.metadata = metadata;
    if (scope.type.statusSubresource) {
      delete object.status;
    }
    const admitted = this.admission.admit(
      scope.type,
      this.toStorageVersion(scope.type, object),
    );
    return present(
      scope.type,
      scope.version,
      this.store.create(scope.type, admitted, options),
    );
  }

  update(
    scope: Scope,
    name: string,
    body: unknown,
    options: WriteOptions & { subresource?: Subresource } = {},
  ): KubeObject {
    const object = this.checkBody(scope, body, options.subresource === 'scale');
    if (object.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const existing = this.require(scope, name);
    if (options.subresource === 'scale') {
      return this.updateScale(scope, existing, object, options);
    }
    let candidate: KubeObject;
    if (options.subresource === 'status') {
      // Writes through /status change the status only.
      candidate = {
        ...clone(existing),
        status: object.status,
        metadata: {
          ...clone(existing.metadata),
          resourceVersion: object.metadata.resourceVersion,
        },
      };
    } else {
      candidate = {
        ...object,
        metadata: {
          ...object.metadata,
          namespace: existing.metadata.namespace,
        },
      };
      if (scope.type.statusSubresource) {
        candidate.status = clone(existing.status);
      }
    }
    const admitted = this.admission.admit(
      scope.type,
      this.toStorageVersion(scope.type, candidate),
      existing,
    );
    return present(
      scope.type,
      scope.version,
      this.store.update(scope.type, admitted, options),
    );
  }

  patch(
    scope: Scope,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: WriteOptions & { subresource?: Subresource } = {},
  ): KubeObject {
    const current = this.get(scope, name, options.subresource);
    if (patchType === 'merge' && !isJsonObject(patch)) {
      throw badRequest('a merge patch must be a JSON object');
    }
    let patched: unknown;
    try {
      patched =
        patchType === 'merge'
          ? applyMergePatch(current, patch)
          : applyJsonPatch(current, patch);
    } catch (error) {
      if (error instanceof PatchError) {
        throw invalid(scope.type.kind, scope.type.group, name, [
          { field: 'patch', message: error.message },
        ]);
      }
      throw error;
    }
    if (!isJsonObject(patched) || !isJsonObject(patched.metadata)) {
      throw badRequest('the patch removed the object metadata');
    }
    // A resourceVersion the patch did not touch is the one it was applied to; a changed one
    // (stale or made up) is a precondition that update() enforces.
    return this.update(scope, name, patched, options);
  }

  delete(scope: Scope, name: string, options: DeleteOptions = {}): KubeObject {
    const existing = this.require(scope, name);
    const target = { group: scope.type.group, plural: scope.type.plural, name };
    const { resourceVersion, uid } = options.preconditions ?? {};
    if (
      (resourceVersion &&
        resourceVersion !== existing.metadata.resourceVersion) ||
      (uid && uid !== existing.metadata.uid)
    ) {
      throw conflict(target);
    }
    if (scope.type.kind === 'Namespace' && !options.dryRun) {
      this.terminateNamespace(existing);
    }
    const deleted = this.store.delete(
      scope.type,
      scope.namespace,
      name,
      options,
    );
    if (scope.type.deleteReturnsStatus) {
      return {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name,
          group: scope.type.group,
          kind: scope.type.plural,
          uid: deleted.metadata.uid,
        },
      } as unknown as KubeObject;
    }
    return present(scope.type, scope.version, deleted);
  }

  /**
   * Marks the namespace terminating first, so controllers stop recreating what is being deleted,
   * then deletes everything in it.
   */
  private terminateNamespace(namespace: StoredObject): void {
    this.store.update(this.registry.get('', 'namespaces'), {
      ...namespace,
      metadata: { ...namespace.metadata, deletionTimestamp: timestamp() },
      status: { phase: 'Terminating' },
    });
    for (const type of this.registry.types.filter(t => t.namespaced)) {
      for (const object of this.store.list(type, namespace.metadata.name)) {
        if (
          this.store.get(type, namespace.metadata.name, object.metadata.name)
        ) {
          this.store.delete(
            type,
            namespace.metadata.name,
            object.metadata.name,
          );
        }
      }
    }
  }

  private require(scope: Scope, name: string): StoredObject {
    const object = this.store.get(scope.type, scope.namespace, name);
    if (!object) {
      throw notFound({
        group: scope.type.group,
        plural: scope.type.plural,
        name,
      });
    }
    return object;
  }

  private requireNamespace(namespace: string): void {
    if (
      !this.store.get(this.registry.get('', 'namespaces'), undefined, namespace)
    ) {
      throw notFound({ group: '', plural: 'namespaces', name: namespace });
    }
  }

  /** Parses a request body and checks it addresses this resource and namespace. */
  private checkBody(scope: Scope, body: unknown, isScale = false): KubeObject {
    if (!isJsonObject(body)) {
      throw badRequest('the request body must be a JSON object');
    }
    const object = clone(body) as KubeObject;
    if (!isJsonObject(object.metadata)) {
      object.metadata = {};
    }
    const expectedKind = isScale ? 'Scale' : scope.type.kind;
    if (object.kind !== undefined && object.kind !== expectedKind) {
      throw badRequest(
        `the body kind "${object.kind}" does not match the resource kind "${expectedKind}"`,
      );
    }
    if (
      scope.type.namespaced &&
      object.metadata.namespace !== undefined &&
      object.metadata.namespace !== '' &&
      object.metadata.namespace !== scope.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    return object;
  }

  private toStorageVersion(type: ResourceType, object: KubeObject): KubeObject {
    return present(type, type.versions[0], object);
  }

  private toScale(object: StoredObject): KubeObject {
    const spec = object.spec as JsonObject;
    const status = (object.status ?? {}) as JsonObject;
    const { name, namespace, uid, resourceVersion, creationTimestamp } =
      object.metadata;
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
      spec: { replicas: spec.replicas },
      status: {
        replicas: status.replicas ?? 0,
        selector: formatLabelSelector(
          labelSelectorRequirements(spec.selector as LabelSelector) ?? [],
        ),
      },
    };
  }

  private updateScale(
    scope: Scope,
    existing: StoredObject,
    scale: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    const replicas = (scale.spec as JsonObject | undefined)?.replicas;
    if (
      typeof replicas !== 'number' ||
      !Number.isInteger(replicas) ||
      replicas < 0
    ) {
      throw invalid('Scale', 'autoscaling', existing.metadata.name, [
        {
          field: 'spec.replicas',
          message: `Invalid value: ${JSON.stringify(
            replicas,
          )}: must be a non-negative integer`,
        },
      ]);
    }
    const candidate: KubeObject = {
      ...clone(existing),
      spec: { ...(existing.spec as JsonObject), replicas },
      metadata: {
        ...clone(existing.metadata),
        resourceVersion: scale.metadata.resourceVersion,
      },
    };
    return this.toScale(this.store.update(scope.type, candidate, options));
  }

  private decodeContinue(token: string): ContinueToken {
    let decoded: ContinueToken;
    try {
      decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      throw badRequest('invalid continue token');
    }
    if (!this.store.isRetained(decoded.revision)) {
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    return decoded;
  }
}
