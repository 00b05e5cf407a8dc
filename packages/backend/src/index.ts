import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
// Sign-in through OpenID Connect: the demo's provider (test/oidc-provider) or the adopter's own.
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@bluegreen-istio/plugin-scaffolder-backend-module-bluegreen'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// The stock Kubernetes plugin and the blue/green plugin read the same
// `kubernetes.clusterLocatorMethods`, so clusters are configured once.
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@bluegreen-istio/plugin-bluegreen-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));

// The bell's notifications, and signals that push live updates to the browser.
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.start();
