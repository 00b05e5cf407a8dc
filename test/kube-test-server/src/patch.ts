import { clone, deepEqual, isJsonObject } from './util';

/** A patch that cannot be applied to the target document (RFC 6902 section 5). */
export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

/** JSON merge patch (RFC 7386): objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) {
    return clone(patch);
  }
  const result = isJsonObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw new PatchError(`invalid JSON pointer "${pointer}"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(token => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function arrayIndex(
  array: unknown[],
  token: string,
  pointer: string,
  forInsert: boolean,
): number {
  if (forInsert && token === '-') {
    return array.length;
  }
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    throw new PatchError(`invalid array index "${token}" in "${pointer}"`);
  }
  const index = Number(token);
  if (index > array.length || (!forInsert && index === array.length)) {
    throw new PatchError(`array index ${index} out of bounds in "${pointer}"`);
  }
  return index;
}

/** The container holding the pointer's last token, and that token. */
function resolveParent(doc: unknown, pointer: string): [Container, string] {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) {
    throw new PatchError('operations on the document root are not supported');
  }
  let current: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) {
      current = current[arrayIndex(current, token, pointer, false)];
    } else if (isJsonObject(current) && token in current) {
      current = current[token];
    } else {
      throw new PatchError(`path "${pointer}" does not exist`);
    }
  }
  if (!Array.isArray(current) && !isJsonObject(current)) {
    throw new PatchError(`path "${pointer}" does not exist`);
  }
  return [current, tokens[tokens.length - 1]];
}

function getValue(doc: unknown, pointer: string): unknown {
  if (pointer === '') {
    return doc;
  }
  const [parent, token] = resolveParent(doc, pointer);
  if (Array.isArray(parent)) {
    return parent[arrayIndex(parent, token, pointer, false)];
  }
  if (!(token in parent)) {
    throw new PatchError(`path "${pointer}" does not exist`);
  }
  return parent[token];
}

function addValue(doc: unknown, pointer: string, value: unknown): void {
  const [parent, token] = resolveParent(doc, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, token, pointer, true), 0, value);
  } else {
    parent[token] = value;
  }
}

function removeValue(doc: unknown, pointer: string): unknown {
  const [parent, token] = resolveParent(doc, pointer);
  if (Array.isArray(parent)) {
    return parent.splice(arrayIndex(parent, token, pointer, false), 1)[0];
  }
  if (!(token in parent)) {
    throw new PatchError(
      `unable to remove nonexistent key "${token}" at "${pointer}"`,
    );
  }
  const removed = parent[token];
  delete parent[token];
  return removed;
}

function validateOperation(operation: unknown): JsonPatchOperation {
  if (
    !isJsonObject(operation) ||
    typeof operation.op !== 'string' ||
    typeof operation.path !== 'string'
  ) {
    throw new PatchError('each operation needs an "op" and a "path"');
  }
  if (
    !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(operation.op)
  ) {
    throw new PatchError(`unknown operation "${operation.op}"`);
  }
  if (
    ['move', 'copy'].includes(operation.op) &&
    typeof operation.from !== 'string'
  ) {
    throw new PatchError(`operation "${operation.op}" needs a "from"`);
  }
  if (
    ['add', 'replace', 'test'].includes(operation.op) &&
    !('value' in operation)
  ) {
    throw new PatchError(`operation "${operation.op}" needs a "value"`);
  }
  return operation as unknown as JsonPatchOperation;
}

/**
 * JSON patch (RFC 6902), applied atomically: on any failure (including a failed `test`) the
 * target is left untouched and a PatchError is thrown.
 */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw new PatchError('a JSON patch must be an array of operations');
  }
  const doc = clone(target);
  for (const operation of operations.map(validateOperation)) {
    switch (operation.op) {
      case 'add':
        addValue(doc, operation.path, clone(operation.value));
        break;
      case 'remove':
        removeValue(doc, operation.path);
        break;
      case 'replace':
        removeValue(doc, operation.path);
        addValue(doc, operation.path, clone(operation.value));
        break;
      case 'move':
        addValue(doc, operation.path, removeValue(doc, operation.from!));
        break;
      case 'copy':
        addValue(doc, operation.path, clone(getValue(doc, operation.from!)));
        break;
      case 'test':
        if (!deepEqual(getValue(doc, operation.path), operation.value)) {
          throw new PatchError(
            `test operation for path "${
              operation.path
            }" failed: expected ${JSON.stringify(operation.value)}`,
          );
        }
        break;
      default:
        break;
    }
  }
  return doc;
}
