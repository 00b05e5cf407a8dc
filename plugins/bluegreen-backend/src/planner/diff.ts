import { createTwoFilesPatch } from 'diff';
import yaml from 'js-yaml';

interface Manifest {
  metadata?: { name?: string; namespace?: string; managedFields?: unknown };
}

/** Bookkeeping the API server writes, which says nothing about what the cutover changes. */
function readable(object: Manifest): unknown {
  const { managedFields: _managedFields, ...metadata } = object.metadata ?? {};
  return { ...object, metadata };
}

/** Unified diff of an object's YAML, before → after, with three lines of context. */
export function objectDiff(before: Manifest, after: Manifest): string {
  const name = `${before.metadata?.namespace ?? ''}/${
    before.metadata?.name ?? ''
  }`;
  return createTwoFilesPatch(
    name,
    name,
    yaml.dump(readable(before), { lineWidth: -1, noRefs: true }),
    yaml.dump(readable(after), { lineWidth: -1, noRefs: true }),
    'before',
    'after',
    { context: 3 },
  );
}
