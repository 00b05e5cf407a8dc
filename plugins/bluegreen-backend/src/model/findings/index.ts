import type { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { unroutedHostFindings } from './hosts';
import { missingAffinityFindings, tierAffinityFindings } from './affinity';
import { portFindings } from './ports';
import { regexFindings } from './regex';
import {
  gatewayHostFindings,
  sourceLabelsWithoutMeshFindings,
  unreachableRuleFindings,
} from './reachability';
import { subsetReferenceFindings } from './references';
import { subsetFindings } from './subsets';
import { weightFindings } from './weights';

const SEVERITY_ORDER: Finding['severity'][] = ['error', 'warning', 'info'];

/** Every configuration problem of the analysed objects, errors first. */
export function findingsOf(analysis: Analysis): Finding[] {
  const findings = [
    unroutedHostFindings,
    subsetReferenceFindings,
    subsetFindings,
    sourceLabelsWithoutMeshFindings,
    missingAffinityFindings,
    tierAffinityFindings,
    gatewayHostFindings,
    portFindings,
    weightFindings,
    unreachableRuleFindings,
    regexFindings,
  ].flatMap(check => check(analysis));
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  );
}
