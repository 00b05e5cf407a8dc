import type { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { RouteDestination } from '../istio';
import { Rule } from '../rules';
import { describeTarget, ruleRef } from '../wording';
import { finding } from './finding';

function target({ destination }: RouteDestination): string {
  return describeTarget(destination.host, destination.subset);
}

/** Weights scaled to add up to exactly 100, rounding error given to the largest. */
function normalised(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const scaled = weights.map(w => Math.round((w * 100) / total));
  const largest = scaled.indexOf(Math.max(...scaled));
  scaled[largest] += 100 - scaled.reduce((a, b) => a + b, 0);
  return scaled;
}

function ruleWeightFinding(rule: Rule): Finding | undefined {
  const { route } = rule;
  if (!route.some(r => r.weight !== undefined)) {
    return undefined;
  }
  const negative = route.filter(r => (r.weight ?? 0) < 0);
  if (negative.length > 0) {
    return finding(
      'negative-weight',
      'error',
      'VirtualService',
      rule.vs,
      `${ruleRef(rule)} gives ${negative
        .map(r => `${target(r)} weight ${r.weight}`)
        .join(', ')}; Istio rejects negative weights.`,
      `Use weights between 0 and 100 that add up to 100 in ${ruleRef(rule)}.`,
    );
  }
  const weights = route.map(r => r.weight ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0 && route.length > 1) {
    return finding(
      'all-zero-weights',
      'error',
      'VirtualService',
      rule.vs,
      `Every destination of ${ruleRef(
        rule,
      )} has weight 0, so no destination has a share of its traffic.`,
      `Give the destination that should serve the traffic weight 100 (e.g. ${target(
        route[route.length - 1],
      )}: 100) in ${ruleRef(rule)}.`,
    );
  }
  if (total === 100) {
    return undefined;
  }
  const suggestion = normalised(weights)
    .map((w, i) => `${target(route[i])}: ${w}`)
    .join(', ');
  return finding(
    'weights-not-100',
    'warning',
    'VirtualService',
    rule.vs,
    `The weights of ${ruleRef(
      rule,
    )} add up to ${total}, not 100. Istio uses them in proportion, so the configured numbers are not the percentages.`,
    `Set weights that add up to 100, keeping the proportions: ${suggestion}.`,
  );
}

export function weightFindings({ rules }: Analysis): Finding[] {
  return rules
    .map(ruleWeightFinding)
    .filter((f): f is Finding => f !== undefined);
}
