/*
 * Colour affinity: rules that send in-mesh callers of a colour (matched by `sourceLabels`) to one
 * subset. The affinity is kept when the callers' colour and the subset's are the same.
 */
import { MESH_GATEWAY } from '@bluegreen-istio/plugin-bluegreen-common';
import { Labels } from './labels';
import { pinnedSubset } from './routing';
import { Rule, blockGateways } from './rules';

export interface Affinity {
  rule: Rule;
  /** The colour of the callers the rule's sourceLabels select. */
  callerColour: string;
  /** The subset all their traffic goes to. */
  subset: string;
  sourceLabels: Labels;
}

/** Whether two label sets can describe the same pods: they share a key and agree on every one. */
function agree(a: Labels, b: Labels): boolean {
  const shared = Object.keys(a).filter(key => key in b);
  return shared.length > 0 && shared.every(key => a[key] === b[key]);
}

/**
 * The colour whose pods carry `labels`: the only colour with a subset (in any tier) agreeing with
 * them. `version: blue` is blue's whether the subset is httpd-server's or mysql-server's.
 */
function colourOfLabels(
  labels: Labels,
  colourLabels: Map<string, Labels[]>,
): string | undefined {
  const colours = [...colourLabels].filter(([, sets]) =>
    sets.some(set => agree(labels, set)),
  );
  return colours.length === 1 ? colours[0][0] : undefined;
}

/** The affinities a rule expresses, one per in-mesh sourceLabels block whose callers have a colour. */
export function affinitiesOf(
  rule: Rule,
  colourLabels: Map<string, Labels[]>,
): Affinity[] {
  const subset = pinnedSubset(rule.route);
  if (subset === undefined) {
    return [];
  }
  return rule.blocks.flatMap(block => {
    if (
      !block.sourceLabels ||
      !blockGateways(rule, block).includes(MESH_GATEWAY)
    ) {
      return [];
    }
    const callerColour = colourOfLabels(block.sourceLabels, colourLabels);
    return callerColour
      ? [{ rule, callerColour, subset, sourceLabels: block.sourceLabels }]
      : [];
  });
}

export function keepsAffinity(affinity: Affinity): boolean {
  return affinity.callerColour === affinity.subset;
}
