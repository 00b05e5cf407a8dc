import { RuleClassification } from '@bluegreen-istio/plugin-bluegreen-common';

interface RuleKind {
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
