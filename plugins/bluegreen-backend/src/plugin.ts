import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { bluegreenPermissions } from '@internal/plugin-bluegreen-common';
import { randomUUID } from 'node:crypto';
import { CutoverNotifier } from './cutovers/CutoverNotifier';
import { CutoverService } from './cutovers/CutoverService';
import { createCutoverRouter } from './cutovers/router';
import { KubernetesClusterWriter } from './executor/ClusterWriter';
import { CutoverExecutor } from './executor/CutoverExecutor';
import { BlueGreenStateService } from './service/BlueGreenStateService';
import { ClusterObjectSource } from './service/ClusterObjectSource';
import { kubeConfigFor, readClusterDetails } from './service/clusters';
import { createRouter } from './service/router';
import { DatabaseCutoverStore } from './store/DatabaseCutoverStore';

/**
 * The blue/green plugin: the Istio blue/green state of annotated catalog entities, and cutovers
 * between their colours with approvals and a durable history.
 */
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
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
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
        database,
        scheduler,
        auditor,
        catalog,
        notifications,
        signals,
      }) {
        permissionsRegistry.addPermissions(bluegreenPermissions);

        const settings = config.getOptionalConfig('bluegreen');
        const timeoutMs =
          (settings?.getOptionalNumber('clusterTimeoutSeconds') ?? 10) * 1000;
        const clusters = readClusterDetails(config, logger);
        const sources = clusters.map(
          cluster =>
            new ClusterObjectSource(cluster, {
              istioApiVersion:
                settings?.getOptionalString('istioApiVersion') ?? 'v1beta1',
              timeoutMs,
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

        const cutoverSettings = settings?.getOptionalConfig('cutovers');
        const cutovers = new CutoverService({
          store: await DatabaseCutoverStore.create({ database }),
          state,
          executor: new CutoverExecutor(
            new Map(
              clusters.map(cluster => [
                cluster.name,
                new KubernetesClusterWriter(
                  cluster.name,
                  kubeConfigFor(cluster),
                  timeoutMs,
                ),
              ]),
            ),
          ),
          notifier: new CutoverNotifier({ notifications, signals, logger }),
          logger,
          instanceId: randomUUID(),
          expireAfterMs:
            (cutoverSettings?.getOptionalNumber('expireAfterHours') ?? 24) *
            3_600_000,
          applyLeaseMs:
            (cutoverSettings?.getOptionalNumber('applyLeaseSeconds') ?? 120) *
            1000,
        });

        // Expiry and recovery run on one replica at a time (the scheduler locks global tasks in
        // the database); the conditional updates make a second run harmless anyway.
        await scheduler.scheduleTask({
          id: 'bluegreen-cutover-sweep',
          frequency: {
            seconds:
              cutoverSettings?.getOptionalNumber('sweepIntervalSeconds') ?? 30,
          },
          timeout: { minutes: 5 },
          scope: 'global',
          fn: async () => {
            await cutovers.expireDue();
            await cutovers.recoverAbandoned();
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            state,
            cutovers: createCutoverRouter({
              httpAuth,
              permissions,
              auditor,
              cutovers,
            }),
          }),
        );
      },
    });
  },
});
