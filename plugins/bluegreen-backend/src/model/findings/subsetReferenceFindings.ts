import type { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { DestinationRule, VirtualService } from '../istio';
import { namespaceOf, qualifiedName } from '../mesh';
import { Rule } from '../rules';
import { ruleRef } from '../wording';
import { finding } from './finding';

/** The subsets one VirtualService names for one host, each with the first rule naming it. */
interface SubsetReferences {
  vs: VirtualService;
  host: string;
  subsets: Map<string, Rule>;
}

function referencesOf(rules: Rule[]): SubsetReferences[] {
  const references = new Map<string, SubsetReferences>();
  for (const rule of rules) {
    for (const { destination } of rule.route) {
      if (destination.subset === undefined) continue;
      const key = `${qualifiedName(rule.vs)}|${destination.host}`;
      const entry = references.get(key) ?? {
        vs: rule.vs,
        host: destination.host,
        subsets: new Map(),
      };
      if (!entry.subsets.has(destination.subset))
        entry.subsets.set(destination.subset, rule);
      references.set(key, entry);
    }
  }
  return [...references.values()];
}

function destinationRuleMissing({
  vs,
  host,
  subsets,
}: SubsetReferences): Finding {
  const names = [...subsets.keys()];
  const quoted = names.map(n => `'${n}'`).join(', ');
  return finding(
    'destination-rule-missing',
    'error',
    'VirtualService',
    vs,
    `VirtualService ${qualifiedName(
      vs,
    )} routes to subset(s) ${quoted} of ${host}, but no DestinationRule defines subsets for ${host}; those requests fail with 503.`,
    `Create a DestinationRule in namespace ${namespaceOf(
      vs,
    )} with host ${host} and subsets ${names
      .map(n => `${n} (labels e.g. version: ${n})`)
      .join(', ')}.`,
  );
}

function subsetNotFound(
  rule: Rule,
  host: string,
  subset: string,
  dr: DestinationRule,
): Finding {
  const defined = (dr.spec.subsets ?? []).map(s => s.name).join(', ') || 'none';
  return finding(
    'subset-not-found',
    'error',
    'VirtualService',
    rule.vs,
    `${ruleRef(
      rule,
    )} routes to subset '${subset}' of ${host}, which DestinationRule ${qualifiedName(
      dr,
    )} does not define (it has: ${defined}); those requests fail with 503.`,
    `Add subset '${subset}' with the labels of its pods to DestinationRule ${qualifiedName(
      dr,
    )}, or change the subset in ${ruleRef(
      rule,
    )} to one it defines (${defined}).`,
  );
}

function destinationRuleNotExported(
  { vs, host, subsets }: SubsetReferences,
  dr: DestinationRule,
): Finding {
  const namespace = namespaceOf(vs);
  const quoted = [...subsets.keys()].map(n => `'${n}'`).join(', ');
  return finding(
    'destination-rule-not-exported',
    'error',
    'DestinationRule',
    dr,
    `VirtualService ${qualifiedName(
      vs,
    )} routes to subset(s) ${quoted} of ${host}, but DestinationRule ${qualifiedName(
      dr,
    )} defining them is exported only to ${(dr.spec.exportTo ?? []).join(
      ', ',
    )}, not to namespace ${namespace}; those requests fail with 503.`,
    `Add '${namespace}' (or '*') to spec.exportTo of DestinationRule ${qualifiedName(
      dr,
    )}, or move VirtualService ${qualifiedName(
      vs,
    )} into namespace ${namespaceOf(dr)}.`,
  );
}

/** Routes naming a subset need a DestinationRule for the host that defines it. */
export function subsetReferenceFindings({ mesh, rules }: Analysis): Finding[] {
  return referencesOf(rules).flatMap(references => {
    const dr = mesh.destinationRuleFor(
      references.host,
      namespaceOf(references.vs),
    );
    if (!dr) {
      const hidden = mesh.hiddenDestinationRuleFor(
        references.host,
        namespaceOf(references.vs),
      );
      return [
        hidden
          ? destinationRuleNotExported(references, hidden)
          : destinationRuleMissing(references),
      ];
    }
    const defined = new Set((dr.spec.subsets ?? []).map(s => s.name));
    return [...references.subsets]
      .filter(([subset]) => !defined.has(subset))
      .map(([subset, rule]) =>
        subsetNotFound(rule, references.host, subset, dr),
      );
  });
}
