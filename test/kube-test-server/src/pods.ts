import { createHash, randomBytes } from 'node:crypto';
import { timestamp } from './store';
import { JsonObject, KubeObject } from './types';

/** Where the simulated kubelet "runs" pods. */
export const NODE_NAME = 'kube-test-node';
const NODE_IP = '192.168.49.2';

interface Container {
  name: string;
  image?: string;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  lastProbeTime?: null;
  reason?: string;
  message?: string;
}

function containersOf(pod: KubeObject): Container[] {
  const spec = (pod.spec ?? {}) as { containers?: Container[] };
  return spec.containers ?? [];
}

function conditionsOf(pod: KubeObject): Condition[] {
  return (
    ((pod.status as JsonObject | undefined)?.conditions as
      | Condition[]
      | undefined) ?? []
  );
}

export function isPodReady(pod: KubeObject): boolean {
  return conditionsOf(pod).some(c => c.type === 'Ready' && c.status === 'True');
}

export function podIp(pod: KubeObject): string | undefined {
  return (pod.status as JsonObject | undefined)?.podIP as string | undefined;
}

/** The status the kubelet reports for a pod whose containers all started and pass readiness. */
export function runningPodStatus(pod: KubeObject, ip: string): JsonObject {
  const now = timestamp();
  const conditions: Condition[] = [
    'PodReadyToStartContainers',
    'Initialized',
    'Ready',
    'ContainersReady',
    'PodScheduled',
  ].map(type => ({
    type,
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: now,
  }));
  return {
    phase: 'Running',
    conditions,
    hostIP: NODE_IP,
    hostIPs: [{ ip: NODE_IP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    containerStatuses: containersOf(pod).map(container => ({
      name: container.name,
      image: container.image,
      imageID: `${container.image}@sha256:${createHash('sha256')
        .update(container.image ?? '')
        .digest('hex')}`,
      containerID: `containerd://${randomBytes(32).toString('hex')}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
      lastState: {},
    })),
    qosClass: 'BestEffort',
  };
}

/**
 * The status after readiness probes start passing (ready) or failing (not ready): the containers
 * keep running, only readiness changes, as when a probe fails in a real cluster.
 */
export function statusWithReadiness(
  pod: KubeObject,
  ready: boolean,
): JsonObject {
  const status = (pod.status ?? {}) as JsonObject;
  const now = timestamp();
  const names = containersOf(pod).map(c => c.name);
  const containerStatuses = (
    (status.containerStatuses as JsonObject[] | undefined) ?? []
  ).map(cs => ({ ...cs, ready }));
  const conditions = conditionsOf(pod).map(condition => {
    if (condition.type !== 'Ready' && condition.type !== 'ContainersReady') {
      return condition;
    }
    const { reason: _reason, message: _message, ...rest } = condition;
    return {
      ...rest,
      status: ready ? 'True' : 'False',
      lastTransitionTime: now,
      ...(!ready && {
        reason: 'ContainersNotReady',
        message: `containers with unready status: [${names.join(' ')}]`,
      }),
    };
  });
  return { ...status, conditions, containerStatuses };
}
