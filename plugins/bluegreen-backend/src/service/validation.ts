import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Longer than any valid `kind:namespace/name` (each part at most 63 characters). */
const MAX_ENTITY_REF_LENGTH = 200;
/** How much of a refused value a message repeats, so a 10 KB value is not echoed back. */
const QUOTED_LENGTH = 40;

const catalogNames = makeValidator();

/** The value as JSON (so CR, LF and the like stay visible), cut short. */
function quote(value: string): string {
  const shown =
    value.length > QUOTED_LENGTH ? `${value.slice(0, QUOTED_LENGTH)}…` : value;
  return JSON.stringify(shown);
}

/** What is wrong with each part, by the catalog's own rules, so the catalog is never asked. */
function namingProblem(ref: {
  kind: string;
  namespace: string;
  name: string;
}): string | undefined {
  if (!catalogNames.isValidKind(ref.kind)) {
    return `kind ${quote(
      ref.kind,
    )} is not a valid kind (a letter, then letters and digits)`;
  }
  if (!catalogNames.isValidNamespace(ref.namespace)) {
    return `namespace ${quote(
      ref.namespace,
    )} is not a valid namespace (at most 63 lowercase letters, digits and dashes)`;
  }
  if (!catalogNames.isValidEntityName(ref.name)) {
    return `name ${quote(
      ref.name,
    )} is not a valid entity name (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`;
  }
  return undefined;
}

/** An entity reference in any accepted spelling, normalised to `kind:namespace/name`. */
export const entityRefSchema = z
  .string({ required_error: 'entityRef is required' })
  .min(1, 'entityRef is required')
  .max(
    MAX_ENTITY_REF_LENGTH,
    `entityRef is longer than ${MAX_ENTITY_REF_LENGTH} characters, which no entity reference is`,
  )
  .transform((value, ctx) => {
    let ref;
    try {
      ref = parseEntityRef(value, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${quote(
          value,
        )} is not an entity reference; expected kind:namespace/name, e.g. component:default/pii-demo`,
      });
      return z.NEVER;
    }
    const problem = namingProblem(ref);
    if (problem) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      return z.NEVER;
    }
    return stringifyEntityRef(ref);
  });

/** Parses input with a schema; a failure is a 400 naming every field and what is wrong. */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
      .join('; ');
    throw new InputError(`Invalid request: ${issues}`);
  }
  return result.data;
}
