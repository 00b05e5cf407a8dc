import type { Finding } from '@bluegreen-istio/plugin-bluegreen-common';
import { Analysis } from '../analysis';
import { unroutedHostFindings } from './unroutedHostFindings';
import {
  missingAffinityFindings,
  tierAffinityFindings,
} from './affinityFindings';
import { portNameFindings } from './portNameFindings';
import { regexFindings } from './regexFindings';
import {
  gatewayHostFindings,
  sourceLabelsWithoutMeshFindings,
  unreachableRuleFindings,
} from './reachabilityFindings';
import { subsetReferenceFindings } from './subsetReferenceFindings';
import { subsetFindings } from './subsetFindings';
import { weightFindings } from './weightFindings';

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
    portNameFindings,
    weightFindings,
    unreachableRuleFindings,
    regexFindings,
  ].flatMap(check => check(analysis));
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  );
}
