import { InputError } from '@backstage/errors';
import { ClusterObjects } from '../model';

type Labels = Record<string, string> | undefined;
type Requirement = (labels: Labels) => boolean;

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

/** Splits on the commas between requirements, not on those inside `in (a,b)`. */
function requirementsOf(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '(') depth++;
    if (selector[i] === ')') depth--;
    if (selector[i] === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map(p => p.trim()).filter(Boolean);
}

function parseRequirement(text: string): Requirement | undefined {
  const equality = EQUALITY.exec(text);
  if (equality) {
    const [, key, op, value] = equality;
    return op === '!='
      ? labels => labels?.[key] !== value
      : labels => labels?.[key] === value;
  }
  const set = SET.exec(text);
  if (set) {
    const [, key, op, list] = set;
    const values = new Set(list.split(',').map(v => v.trim()));
    return op === 'in'
      ? labels => labels?.[key] !== undefined && values.has(labels[key])
      : labels => labels?.[key] === undefined || !values.has(labels[key]);
  }
  const exists = EXISTS.exec(text);
  if (exists) {
    const [, not, key] = exists;
    return not
      ? labels => labels?.[key] === undefined
      : labels => labels?.[key] !== undefined;
  }
  return undefined;
}

/**
 * A Kubernetes label selector (`app=myapp,tier in (web,db),!canary`), as the Kubernetes plugin
 * passes `backstage.io/kubernetes-label-selector` to the API server; matched here in memory since
 * the watch cache holds every pod of the cluster.
 */
export function parseLabelSelector(
  selector: string,
  annotation: string,
): (labels: Labels) => boolean {
  const requirements = requirementsOf(selector).map(text => {
    const requirement = parseRequirement(text);
    if (!requirement) {
      throw new InputError(
        `annotation '${annotation}' has '${text}', which is not a Kubernetes label selector requirement: write key=value, key!=value, key in (a,b), key notin (a,b), key or !key, separated by commas`,
      );
    }
    return requirement;
  });
  return labels => requirements.every(matches => matches(labels));
}

/** The objects with only the Deployments and pods whose own labels the selector matches. */
export function narrowWorkloads(
  objects: ClusterObjects,
  matches: (labels: Labels) => boolean,
): ClusterObjects {
  return {
    ...objects,
    deployments: objects.deployments.filter(d => matches(d.metadata?.labels)),
    pods: objects.pods.filter(p => matches(p.metadata?.labels)),
  };
}
