/*
 * Regular expressions of VirtualServices, evaluated as Envoy does: RE2, which cannot backtrack, so
 * matching is linear in the input whatever the pattern, and the whole value must match.
 */
import { LRUCache } from 'lru-cache';
import { RE2 } from 're2-wasm';

/** Compiled patterns are reused; a VirtualService has few, a cluster a bounded number. */
const compiled = new LRUCache<string, RE2 | Error>({ max: 1_000 });

function compile(regex: string, ignoreCase: boolean): RE2 | Error {
  const key = `${ignoreCase ? 'i' : '-'}${regex}`;
  let pattern = compiled.get(key);
  if (pattern === undefined) {
    try {
      pattern = new RE2(`^(?:${regex})$`, ignoreCase ? 'iu' : 'u');
    } catch (e) {
      pattern = e as Error;
    }
    compiled.set(key, pattern);
  }
  return pattern;
}

/** Whether `value` matches all of `regex`; a pattern RE2 refuses matches nothing, as in Envoy. */
export function regexMatches(
  regex: string,
  value: string,
  ignoreCase = false,
): boolean {
  const pattern = compile(regex, ignoreCase);
  return pattern instanceof Error ? false : pattern.test(value);
}

/** Why RE2 refuses `regex` (lookarounds, backreferences, …), or undefined when it compiles. */
export function regexProblem(regex: string): string | undefined {
  const pattern = compile(regex, false);
  return pattern instanceof Error
    ? pattern.message.replace(/^Invalid regular expression: /, '')
    : undefined;
}
