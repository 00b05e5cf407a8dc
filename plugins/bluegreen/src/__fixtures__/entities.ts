import { Entity } from '@backstage/catalog-model';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team' },
  };
}

export const piiDemoEntity = component('pii-demo', {
  'bluegreen/istio-hosts': 'pii-demo.apps.hl.test, mysql-server',
  'backstage.io/kubernetes-namespace': 'pii-demo',
});

export const myappEntity = component('myapp', {
  'bluegreen/istio-hosts': 'myapp.example.com',
  'backstage.io/kubernetes-namespace': 'myapp',
});

export const progressiveEntity = component('progressive-app', {
  'bluegreen/istio-hosts': 'progressive.example.com',
  'backstage.io/kubernetes-namespace': 'progressive',
});

export const unannotatedEntity = component('legacy-service', {});
