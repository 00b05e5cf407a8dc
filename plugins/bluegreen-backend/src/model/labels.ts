import type { V1Pod } from '@kubernetes/client-node';

export type Labels = Record<string, string>;

/** Whether `labels` carry every key/value of `required`; an empty requirement always holds. */
export function hasLabels(
  labels: Labels | undefined,
  required: Labels | undefined,
): boolean {
  return Object.entries(required ?? {}).every(
    ([key, value]) => labels?.[key] === value,
  );
}

/** `version=blue, app=web` */
export function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0
    ? '(none)'
    : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** Ready and not terminating: the pods Kubernetes keeps in the Service's endpoints. */
export function isPodReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) {
    return false;
  }
  return (pod.status?.conditions ?? []).some(
    c => c.type === 'Ready' && c.status === 'True',
  );
}

export function podName(pod: V1Pod): string {
  return pod.metadata?.name ?? '';
}
