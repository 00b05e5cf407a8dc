import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { bluegreenPermissions } from '@internal/plugin-bluegreen-common';
import { BlueGreenStateService } from './service/BlueGreenStateService';
import { ClusterObjectSource } from './service/ClusterObjectSource';
import { readClusterDetails } from './service/clusters';
import { createRouter } from './service/router';

/** The blue/green plugin: the Istio blue/green state of annotated catalog entities. */
export const bluegreenPlugin = createBackendPlugin({
  pluginId: 'bluegreen',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        lifecycle,
        catalog,
      }) {
        permissionsRegistry.addPermissions(bluegreenPermissions);

        const settings = config.getOptionalConfig('bluegreen');
        const sources = readClusterDetails(config, logger).map(
          cluster =>
            new ClusterObjectSource(cluster, {
              istioApiVersion:
                settings?.getOptionalString('istioApiVersion') ?? 'v1beta1',
              timeoutMs:
                (settings?.getOptionalNumber('clusterTimeoutSeconds') ?? 10) *
                1000,
              watch: settings?.getOptionalBoolean('watchCache') ?? true,
              logger,
            }),
        );
        lifecycle.addShutdownHook(async () => {
          await Promise.all(sources.map(s => s.close()));
        });

        const state = new BlueGreenStateService({
          catalog,
          auth,
          logger,
          sources,
          entityCacheMs:
            (settings?.getOptionalNumber('entityCacheSeconds') ?? 5) * 1000,
        });
        httpRouter.use(await createRouter({ httpAuth, permissions, state }));
      },
    });
  },
});
