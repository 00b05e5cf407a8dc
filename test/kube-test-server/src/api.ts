import { Admission } from './admission';
import {
  FieldError,
  KubeError,
  badRequest,
  conflict,
  expired,
  invalid,
  notFound,
  tooLargeResourceVersion,
} from './errors';
import { StrategicMerge, applyJsonPatch, applyMergePatch } from './patch';
import { ResourceRegistry, ResourceType, groupVersion } from './registry';
import { FieldValidation, Schemas } from './schema';
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

/** What a pod without terminationGracePeriodSeconds gets, as in Kubernetes. */
const DEFAULT_POD_GRACE_SECONDS = 30;

/** Which resource a request addresses: type, the version it was asked at, and the namespace. */
export interface Scope {
  type: ResourceType;
  version: string;
  /** Undefined for cluster-scoped resources and for lists across all namespaces. */
  namespace?: string;
}

export type Subresource = 'status' | 'scale';

export type PatchType = 'merge' | 'json' | 'strategic';

export type ResourceVersionMatch = 'NotOlderThan' | 'Exact';

export interface ListOptions {
  filter: ObjectFilter;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** How a write treats the object's schema, and where warnings for the client go. */
export interface ObjectWriteOptions extends WriteOptions {
  /** Unknown fields: Strict fails, Warn (the default) and Ignore drop them. */
  fieldValidation?: FieldValidation;
  /** Collects the warnings the response carries in `Warning` headers. */
  warnings?: string[];
  /** JSON Patches of mutating admission webhooks, applied before validation. */
  mutations?: unknown[][];
}

export interface DeleteOptions extends WriteOptions {
  preconditions?: { resourceVersion?: string; uid?: string };
  /** For pods: how long they stay Terminating; 0 deletes at once. Default: the pod's own. */
  gracePeriodSeconds?: number;
}

/**
 * The object with a mutating webhook's JSON Patch applied; one that does not apply fails the
 * write with 500, as the API server answers a webhook whose patch it cannot apply.
 */
function mutatedByWebhook(object: KubeObject, patch: unknown[]): KubeObject {
  try {
    return applyJsonPatch(object, patch) as KubeObject;
  } catch (error) {
    throw new KubeError(
      500,
      'InternalError',
      `Internal error occurred: JSON Patch of the mutating admission webhook: ${
        (error as Error).message
      }`,
    );
  }
}

/** The API server's validation of list options, answered as 422 on `ListOptions`. */
function validateListOptions(
  options: ListOptions,
): ResourceVersionMatch | undefined {
  const match = options.resourceVersionMatch;
  if (!match) {
    return undefined;
  }
  const errors: FieldError[] = [];
  const forbidden = (message: string) =>
    errors.push({
      field: 'resourceVersionMatch',
      reason: 'FieldValueForbidden',
      message: `Forbidden: ${message}`,
    });
  if (match !== 'NotOlderThan' && match !== 'Exact') {
    errors.push({
      field: 'resourceVersionMatch',
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""`,
    });
  } else {
    if (!options.resourceVersion) {
      forbidden(
        'resourceVersionMatch is forbidden unless resourceVersion is provided',
      );
    }
    if (options.continueToken) {
      forbidden('resourceVersionMatch is forbidden when continue is provided');
    }
    if (match === 'Exact' && options.resourceVersion === '0') {
      forbidden(
        'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      );
    }
  }
  if (errors.length > 0) {
    const error = invalid('ListOptions', 'meta.k8s.io', '', errors);
    throw new KubeError(error.code, error.reason, error.message, {
      ...error.details,
      kind: 'ListOptions',
    });
  }
  return match as ResourceVersionMatch;
}

/** A resourceVersion a client sent, which must be one this server handed out. */
export function parseRevision(resourceVersion: string): number {
  if (!/^\d+$/.test(resourceVersion)) {
    throw badRequest(`invalid resource version "${resourceVersion}"`);
  }
  return Number(resourceVersion);
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
  private readonly schemas = new Schemas();

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

  /**
   * Lists the current objects or, with `resourceVersion` and Exact semantics (also what an unset
   * match with a limit means), the objects as they were at that revision.
   */
  list(scope: Scope, options: ListOptions): KubeList {
    const revision = this.listRevision(options);
    const token =
      options.continueToken !== undefined
        ? this.decodeContinue(options.continueToken)
        : undefined;
    let items = this.store
      .listAt(scope.type, scope.namespace, revision)
      .filter(object => matchesFilter(options.filter, object))
      .filter(object => !token || objectKey(object) > token.after);
    const metadata: KubeList['metadata'] = {
      resourceVersion: String(revision),
    };
    if (options.limit && options.limit > 0 && items.length > options.limit) {
      metadata.remainingItemCount = items.length - options.limit;
      items = items.slice(0, options.limit);
      const next: ContinueToken = {
        revision,
        after: objectKey(items[items.length - 1]),
      };
      metadata.continue = Buffer.from(JSON.stringify(next)).toString(
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

  create(
    scope: Scope,
    body: unknown,
    options: ObjectWriteOptions = {},
  ): KubeObject {
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
    const admitted = this.admit(scope, object, options);
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
    options: ObjectWriteOptions & { subresource?: Subresource } = {},
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
      // Graceful deletion is the server's state, not the client's to change.
      for (const field of ['deletionTimestamp', 'deletionGracePeriodSeconds']) {
        if (existing.metadata[field] !== undefined) {
          candidate.metadata[field] = existing.metadata[field];
        } else {
          delete candidate.metadata[field];
        }
      }
    }
    const admitted = this.admit(scope, candidate, options, existing);
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
    options: ObjectWriteOptions & { subresource?: Subresource } = {},
  ): KubeObject {
    const current = this.get(scope, name, options.subresource);
    if (patchType === 'merge' && !isJsonObject(patch)) {
      throw badRequest('a merge patch must be a JSON object');
    }
    let patched: unknown;
    switch (patchType) {
      case 'merge':
        patched = applyMergePatch(current, patch);
        break;
      case 'strategic':
        patched = new StrategicMerge(
          options.subresource === 'scale' ? 'Scale' : scope.type.kind,
        ).apply(current, patch);
        break;
      default:
        patched = applyJsonPatch(current, patch);
        break;
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
    if (scope.type.kind === 'Pod') {
      const terminating = this.terminatePod(existing, options);
      if (terminating) {
        return present(scope.type, scope.version, terminating);
      }
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
   * Graceful pod deletion: the pod gets a deletionTimestamp and stays, Terminating, until the
   * kubelet (the workload controller) removes it. Returns undefined when the pod is to go now
   * (a grace period of 0, or a pod that never started).
   */
  private terminatePod(
    pod: StoredObject,
    options: DeleteOptions,
  ): StoredObject | undefined {
    const spec = (pod.spec ?? {}) as JsonObject;
    const requested =
      options.gracePeriodSeconds ??
      (spec.terminationGracePeriodSeconds as number | undefined) ??
      DEFAULT_POD_GRACE_SECONDS;
    if (requested === 0 || !spec.nodeName) {
      return undefined;
    }
    const current = pod.metadata.deletionGracePeriodSeconds as
      | number
      | undefined;
    // A second delete may shorten the grace period, never lengthen it.
    if (current !== undefined && current <= requested) {
      return pod;
    }
    const deadline = new Date(Date.now() + requested * 1000);
    return this.store.update(
      this.registry.get('', 'pods'),
      {
        ...pod,
        metadata: {
          ...pod.metadata,
          deletionTimestamp: timestamp(deadline),
          deletionGracePeriodSeconds: requested,
        },
      },
      options,
    );
  }

  /**
   * Decoding and validation: unknown fields are refused, reported or dropped as
   * `fieldValidation` says, undecodable values are 400, schema and admission errors one 422.
   */
  private admit(
    scope: Scope,
    object: KubeObject,
    options: ObjectWriteOptions,
    existing?: StoredObject,
  ): KubeObject {
    const { type } = scope;
    const stored = (options.mutations ?? []).reduce<KubeObject>(
      (mutated, patch) => mutatedByWebhook(mutated, patch),
      this.toStorageVersion(type, object),
    );
    const checked = this.schemas.check(type, stored);
    const cannotHandle = `${type.kind} in version "${scope.version}" cannot be handled as a ${type.kind}`;
    if (checked.decodeError) {
      throw badRequest(`${cannotHandle}: ${checked.decodeError}`);
    }
    const directive = options.fieldValidation ?? 'Warn';
    const unknown = checked.unknownFields.map(f => `unknown field "${f}"`);
    if (unknown.length > 0 && directive === 'Strict') {
      throw badRequest(
        `${cannotHandle}: strict decoding error: ${unknown.join(', ')}`,
      );
    }
    if (directive === 'Warn') {
      options.warnings?.push(...unknown);
    }
    return this.admission.admit(type, checked.pruned, existing, checked.causes);
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

  /**
   * The revision a list is served at. Unset or "0": the newest. Otherwise the revision must have
   * been reached (else the API server's "Too large resource version"); NotOlderThan serves the
   * newest, Exact (and, as in Kubernetes, an unset match with a limit) that revision, if its
   * events are still retained (else 410). A continue token carries the first page's revision.
   */
  private listRevision(options: ListOptions): number {
    const match = validateListOptions(options);
    const current = Number(this.store.resourceVersion);
    const rv = options.resourceVersion;
    if (options.continueToken !== undefined) {
      return this.decodeContinue(options.continueToken).revision;
    }
    if (!rv || rv === '0') {
      return current;
    }
    const requested = parseRevision(rv);
    if (requested > current) {
      throw tooLargeResourceVersion(requested, current);
    }
    const exact = match === 'Exact' || (match === undefined && !!options.limit);
    if (!exact) {
      return current;
    }
    if (!this.store.isRetained(requested)) {
      throw expired('The resourceVersion for the provided list is too old.');
    }
    return requested;
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
