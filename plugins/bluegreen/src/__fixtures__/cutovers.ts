/*
 * Cutover answers for myapp (v1/v2 weighted 50/50 on myapp.example.com), in the shapes of
 * @bluegreen-istio/plugin-bluegreen-common's cutover API.
 */
import {
  Cutover,
  CutoverEvent,
  CutoverPlan,
  CutoverPreview,
} from '@bluegreen-istio/plugin-bluegreen-common';

export const MYAPP = 'component:default/myapp';
export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';

export const myappSwitchDiff = `--- VirtualService myapp/myapp
+++ VirtualService myapp/myapp
@@ -14,9 +14,9 @@
     route:
     - destination:
         host: myapp
         subset: v1
-      weight: 50
+      weight: 0
     - destination:
         host: myapp
         subset: v2
-      weight: 50
+      weight: 100
`;

export const myappSwitchPlan: CutoverPlan = {
  clusters: ['demo'],
  changes: [
    {
      cluster: 'demo',
      object: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        namespace: 'myapp',
        name: 'myapp',
      },
      resourceVersion: '1001',
      patch: [
        { op: 'test', path: '/metadata/resourceVersion', value: '1001' },
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 100 },
      ],
      revertPatch: [],
      diff: myappSwitchDiff,
      paths: ['spec.http[0].route'],
    },
  ],
  splits: [
    {
      cluster: 'demo',
      host: 'myapp.example.com',
      virtualService: 'myapp/myapp',
      protocol: 'http',
      ruleIndex: 0,
      viaGateways: ['myapp-gateway'],
      before: [
        { colour: 'v1', percent: 50 },
        { colour: 'v2', percent: 50 },
      ],
      after: [
        { colour: 'v1', percent: 0 },
        { colour: 'v2', percent: 100 },
      ],
    },
  ],
  checks: [
    {
      id: 'colours-exist',
      result: 'pass',
      message: 'v2 is a subset of every tier',
    },
    { id: 'ready-pods', result: 'pass', message: 'v2 has 2 ready pods' },
    {
      id: 'dry-run',
      result: 'pass',
      message: 'The Kubernetes API accepts every patch',
    },
  ],
  resourceVersions: { 'demo/VirtualService/myapp/myapp': '1001' },
};

export const myappSwitchPreview: CutoverPreview = {
  entityRef: MYAPP,
  action: { action: 'switch', colour: 'v2' },
  plan: myappSwitchPlan,
  approvalsRequired: 1,
  canRequest: true,
  needsAcknowledgement: false,
};

/** A myapp cutover to v2, requested by alice; override what a test needs. */
export function myappCutover(change: Partial<Cutover> = {}): Cutover {
  return {
    id: 'c-1',
    entityRef: MYAPP,
    action: { action: 'switch', colour: 'v2' },
    status: 'requested',
    reason: 'release v2 (JIRA-42)',
    requestedBy: ALICE,
    createdAt: new Date(Date.now() - 3 * 60_000).toISOString(),
    updatedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    approvalsRequired: 1,
    approvals: [],
    plan: myappSwitchPlan,
    ...change,
  };
}

export function cutoverEvent(
  change: Partial<CutoverEvent> & Pick<CutoverEvent, 'id' | 'type'>,
): CutoverEvent {
  return {
    cutoverId: 'c-1',
    entityRef: MYAPP,
    actor: ALICE,
    at: new Date(Date.now() - 60_000).toISOString(),
    status: change.type === 'requested' ? 'requested' : 'applied',
    ...change,
  } as CutoverEvent;
}
