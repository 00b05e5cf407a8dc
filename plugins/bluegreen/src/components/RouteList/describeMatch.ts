import {
  RouteDestination,
  RouteMatch,
  RouteRule,
  RuleClassification,
  StringMatch,
} from '@bluegreen-istio/plugin-bluegreen-common';

function describeStringMatch(match: StringMatch): string {
  if (match.exact !== undefined) {
    return `= ${match.exact}`;
  }
  if (match.prefix !== undefined) {
    return `starts with ${match.prefix}`;
  }
  if (match.regex !== undefined) {
    return `matches /${match.regex}/`;
  }
  return 'is present';
}

/**
 * The conditions of one match block, in words; all of them must hold. Istio writes the Host
 * header as `authority` or as a `host` header, both read "host" here.
 */
export function describeMatchConditions(match: RouteMatch): string[] {
  const conditions: string[] = [];
  if (match.authority) {
    conditions.push(`host ${describeStringMatch(match.authority)}`);
  }
  for (const [name, value] of Object.entries(match.headers ?? {})) {
    const label = name.toLowerCase() === 'host' ? 'host' : `header ${name}`;
    conditions.push(`${label} ${describeStringMatch(value)}`);
  }
  if (match.uri) {
    conditions.push(`path ${describeStringMatch(match.uri)}`);
  }
  if (match.hosts?.length) {
    conditions.push(`SNI host ${match.hosts.join(' or ')}`);
  }
  if (match.port !== undefined) {
    conditions.push(`port ${match.port}`);
  }
  if (match.sourceLabels) {
    const labels = Object.entries(match.sourceLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    conditions.push(`caller pod labelled ${labels}`);
  }
  if (match.gateways?.length) {
    conditions.push(
      `entering via ${match.gateways
        .map(g => (g === 'mesh' ? 'the mesh (sidecars)' : g))
        .join(' or ')}`,
    );
  }
  return conditions;
}

export function describeDestination(destination: RouteDestination): string {
  const target = destination.subset
    ? `${destination.host} subset ${destination.subset}`
    : `${destination.host} (every pod, round robin)`;
  const port = destination.port !== undefined ? `:${destination.port}` : '';
  const weight =
    destination.weight !== undefined ? `, weight ${destination.weight}` : '';
  return `${target}${port}${weight}`;
}

/** `HTTP rule 1`, numbered from 1 as people count, in the VirtualService's list for that protocol. */
export function ruleLabel(rule: Pick<RouteRule, 'protocol' | 'index'>) {
  return `${rule.protocol.toUpperCase()} rule ${rule.index + 1}`;
}

export interface RuleKind {
  classification: RuleClassification;
  title: string;
  explanation: string;
}

/** The kinds in the order the tab shows them, with what each means for someone new to Istio. */
export const RULE_KINDS: RuleKind[] = [
  {
    classification: 'colour-host',
    title: 'Colour hosts',
    explanation:
      'A host that always reaches one colour, whatever the split: use it to test a colour directly.',
  },
  {
    classification: 'shared-split',
    title: 'Shared split',
    explanation:
      'The rule deciding how the shared host spreads traffic between colours.',
  },
  {
    classification: 'mesh-affinity',
    title: 'Mesh affinity',
    explanation:
      'In-mesh HTTP callers of a colour stay on that colour (matched on the caller pod labels).',
  },
  {
    classification: 'tcp-affinity',
    title: 'TCP affinity',
    explanation:
      'The same for TCP connections, e.g. a colour talking to its own database.',
  },
  {
    classification: 'other',
    title: 'Other rules',
    explanation: 'Rules that are none of the above.',
  },
];
