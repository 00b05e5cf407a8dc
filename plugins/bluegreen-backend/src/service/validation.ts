import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** An entity reference in any accepted spelling, normalised to `kind:namespace/name`. */
export const entityRefSchema = z
  .string({ required_error: 'entityRef is required' })
  .min(1, 'entityRef is required')
  .transform((value, ctx) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(value, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        }),
      );
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `'${value}' is not an entity reference; expected kind:namespace/name, e.g. component:default/pii-demo`,
      });
      return z.NEVER;
    }
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
