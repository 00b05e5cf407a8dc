import type {
  Finding,
  FindingCode,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { namespaceOf } from '../mesh';

type Named = { metadata?: { name?: string; namespace?: string } };

export function resource(kind: string, object: Named): Finding['resource'] {
  return {
    kind,
    namespace: namespaceOf(object),
    name: object.metadata?.name ?? '',
  };
}

export function finding(
  code: FindingCode,
  severity: Finding['severity'],
  kind: string,
  object: Named,
  message: string,
  fix: string,
): Finding {
  return { code, severity, resource: resource(kind, object), message, fix };
}
