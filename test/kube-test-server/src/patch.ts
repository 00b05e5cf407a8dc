import { Operation, applyPatch } from 'fast-json-patch';
import { apply as applyMerge } from 'json-merge-patch';
import { KubeError, badRequest } from './errors';
import { JsonObject } from './types';
import { clone, deepEqual, isJsonObject } from './util';

/**
 * What the API server answers when a well-formed JSON patch cannot be applied (a failed `test`,
 * a path that does not exist): 422 with a generic message and empty details.
 */
function unprocessable(): KubeError {
  return new KubeError(
    422,
    'Invalid',
    'the server rejected our request due to an error in our request',
    {},
  );
}

/** JSON merge patch (RFC 7386): objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return applyMerge(clone(target), clone(patch));
}

/**
 * JSON patch (RFC 6902), applied atomically. A body that is not a list of operations cannot be
 * decoded (400 BadRequest); operations that cannot be applied, a failed `test` among them, are
 * 422, as the API server answers.
 */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (
    !Array.isArray(operations) ||
    !operations.every(
      op =>
        isJsonObject(op) &&
        typeof op.op === 'string' &&
        typeof (op.path ?? '') === 'string',
    )
  ) {
    throw badRequest(
      `json: cannot unmarshal ${
        Array.isArray(operations) ? 'array element' : typeof operations
      } into Go value of type jsonpatch.Patch`,
    );
  }
  try {
    return applyPatch(clone(target), operations as Operation[], true, true)
      .newDocument;
  } catch {
    throw unprocessable();
  }
}

const LIST_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';
const PATCH = '$patch';

function isDirective(key: string): boolean {
  return (
    key === PATCH ||
    key === RETAIN_KEYS ||
    key.startsWith(LIST_ORDER) ||
    key.startsWith(DELETE_FROM_PRIMITIVE)
  );
}

/** A value from the patch with its directives taken out: directives are never stored. */
function withoutDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value
      .filter(item => !(isJsonObject(item) && item[PATCH] === 'replace'))
      .map(withoutDirectives);
  }
  if (isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !isDirective(key))
        .map(([key, child]) => [key, withoutDirectives(child)]),
    );
  }
  return value;
}

type ListStrategy = { mergeKey: string } | { primitive: true };

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/**
 * The lists of the built-in kinds that strategic merge merges instead of replacing, with their
 * merge keys (`patchMergeKey` in the Kubernetes types). `path` holds field names only.
 */
function listStrategy(kind: string, path: string[]): ListStrategy | undefined {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return { mergeKey: 'name' };
    case 'volumeMounts':
      return { mergeKey: 'mountPath' };
    case 'volumeDevices':
      return { mergeKey: 'devicePath' };
    case 'hostAliases':
      return { mergeKey: 'ip' };
    case 'topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'ownerReferences':
      return { mergeKey: 'uid' };
    case 'conditions':
      return { mergeKey: 'type' };
    case 'finalizers':
      return path.length === 2 && path[0] === 'metadata'
        ? { primitive: true }
        : undefined;
    case 'ports':
      if (CONTAINER_LISTS.includes(parent)) {
        return { mergeKey: 'containerPort' };
      }
      return kind === 'Service' && path.join('.') === 'spec.ports'
        ? { mergeKey: 'port' }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Strategic merge patch for the built-in kinds: maps merge, lists with a merge key merge their
 * elements by that key, other lists are replaced, and the `$patch` (replace, delete, merge),
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and `$retainKeys` directives are
 * applied and never stored.
 */
export class StrategicMerge {
  constructor(private readonly kind: string) {}

  apply(target: unknown, patch: unknown): unknown {
    if (!isJsonObject(patch)) {
      throw badRequest('a strategic merge patch must be a JSON object');
    }
    return this.mergeMap(isJsonObject(target) ? target : {}, patch, []);
  }

  private mergeMap(
    original: JsonObject,
    patch: JsonObject,
    path: string[],
  ): JsonObject {
    const directive = patch[PATCH];
    if (directive === 'replace') {
      return withoutDirectives(patch) as JsonObject;
    }
    if (directive !== undefined && directive !== 'merge') {
      throw badRequest(`Unknown patch type: ${String(directive)}`);
    }
    const result = clone(original);
    for (const [key, value] of Object.entries(patch)) {
      if (isDirective(key)) {
        continue;
      }
      const current = result[key];
      if (value === null) {
        delete result[key];
      } else if (isJsonObject(value)) {
        if (value[PATCH] === 'delete') {
          delete result[key];
        } else {
          result[key] = this.mergeMap(
            isJsonObject(current) ? current : {},
            value,
            [...path, key],
          );
        }
      } else if (Array.isArray(value)) {
        result[key] = this.mergeList(
          Array.isArray(current) ? current : [],
          value,
          [...path, key],
        );
      } else {
        result[key] = value;
      }
    }
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith(DELETE_FROM_PRIMITIVE)) {
        const field = key.slice(DELETE_FROM_PRIMITIVE.length);
        if (Array.isArray(result[field]) && Array.isArray(value)) {
          result[field] = (result[field] as unknown[]).filter(
            item => !value.some(v => deepEqual(v, item)),
          );
        }
      }
    }
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith(LIST_ORDER) && Array.isArray(value)) {
        const field = key.slice(LIST_ORDER.length);
        if (Array.isArray(result[field])) {
          result[field] = this.order(
            result[field] as unknown[],
            value,
            listStrategy(this.kind, [...path, field]),
          );
        }
      }
    }
    const retain = patch[RETAIN_KEYS];
    if (Array.isArray(retain)) {
      for (const key of Object.keys(result)) {
        if (!retain.includes(key)) {
          delete result[key];
        }
      }
    }
    return result;
  }

  private mergeList(
    original: unknown[],
    patch: unknown[],
    path: string[],
  ): unknown[] {
    const strategy = listStrategy(this.kind, path);
    if (
      !strategy ||
      patch.some(item => isJsonObject(item) && item[PATCH] === 'replace')
    ) {
      return withoutDirectives(patch) as unknown[];
    }
    if ('primitive' in strategy) {
      return [
        ...original,
        ...patch.filter(item => !original.some(o => deepEqual(o, item))),
      ];
    }
    const key = strategy.mergeKey;
    const result = original.map(item => clone(item));
    for (const item of patch) {
      if (!isJsonObject(item) || item[key] === undefined) {
        throw badRequest(
          `map: ${JSON.stringify(
            item,
          )} does not contain declared merge key: ${key}`,
        );
      }
      const index = result.findIndex(
        existing => isJsonObject(existing) && existing[key] === item[key],
      );
      if (item[PATCH] === 'delete') {
        if (index >= 0) {
          result.splice(index, 1);
        }
      } else if (index >= 0) {
        result[index] = this.mergeMap(result[index] as JsonObject, item, path);
      } else {
        result.push(this.mergeMap({}, item, path));
      }
    }
    return result;
  }

  /**
   * `$setElementOrder`: the elements it names take the order it gives, in the places those
   * elements occupy; elements it does not name keep their places.
   */
  private order(
    list: unknown[],
    order: unknown[],
    strategy: ListStrategy | undefined,
  ): unknown[] {
    const identity = (item: unknown) =>
      strategy && 'mergeKey' in strategy && isJsonObject(item)
        ? item[strategy.mergeKey]
        : item;
    const rank = (item: unknown) =>
      order.findIndex(o => deepEqual(identity(o), identity(item)));
    const slots = list
      .map((item, index) => ({ item, index }))
      .filter(({ item }) => rank(item) >= 0);
    const sorted = [...slots].sort((a, b) => rank(a.item) - rank(b.item));
    const result = [...list];
    slots.forEach((slot, i) => {
      result[slot.index] = sorted[i].item;
    });
    return result;
  }
}
