import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@internal/plugin-scaffolder-backend-module-bluegreen'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// The stock Kubernetes plugin and the blue/green plugin read the same
// `kubernetes.clusterLocatorMethods`, so clusters are configured once.
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@internal/plugin-bluegreen-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));

backend.start();
