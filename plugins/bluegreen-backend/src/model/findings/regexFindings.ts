import type {
  Finding,
  StringMatch,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { regexProblem } from '../regex';
import { MatchBlock } from '../rules';
import { ruleRef } from '../wording';
import { finding } from './finding';

/** Every regex a match block holds, with where it stands. */
function regexesOf(block: MatchBlock): Array<[string, string]> {
  const entries: Array<[string, StringMatch | undefined]> = [
    ['uri', block.uri],
    ['authority', block.authority],
    ...Object.entries(block.headers ?? {}).map(
      ([name, match]): [string, StringMatch] => [`header ${name}`, match],
    ),
  ];
  return entries.flatMap(([where, match]) =>
    match?.regex !== undefined ? [[where, match.regex]] : [],
  );
}

/**
 * Envoy evaluates regex matches with RE2, which has no lookaround or backreferences: such a
 * pattern is refused by Istio's validation or never matches, so the rule does not do what it says.
 */
export function regexFindings({ rules }: Analysis): Finding[] {
  return rules.flatMap(rule =>
    rule.blocks.flatMap(block =>
      regexesOf(block).flatMap(([where, regex]) => {
        const problem = regexProblem(regex);
        return problem
          ? [
              finding(
                'invalid-regex',
                'error',
                'VirtualService',
                rule.vs,
                `The ${where} regex ${JSON.stringify(regex)} of ${ruleRef(
                  rule,
                )} is not RE2, the syntax Envoy matches with (${problem}): the rule never matches it.`,
                `Rewrite it in RE2 syntax (no lookahead, lookbehind or backreferences), or use an exact or prefix match.`,
              ),
            ]
          : [];
      }),
    ),
  );
}
