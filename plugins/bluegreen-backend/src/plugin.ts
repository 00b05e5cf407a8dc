import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { bluegreenPermissions } from '@bluegreen-istio/plugin-bluegreen-common';
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
import { PrometheusClient } from './rollouts/PrometheusClient';
import { RolloutMetricsReader } from './rollouts/RolloutMetrics';
import { RolloutEngine } from './rollouts/RolloutEngine';
import { rolloutDefaultsFromConfig } from './rollouts/settings';

/**
 * The blue/green plugin: the Istio blue/green state of annotated catalog entities, and cutovers
 * between their colours with approvals and a durable history.
 *
 * @public
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
        const rolloutSettings = settings?.getOptionalConfig('rollouts');
        const store = await DatabaseCutoverStore.create({ database });
        const notifier = new CutoverNotifier({
          notifications,
          signals,
          logger,
        });
        const cutovers = new CutoverService({
          store,
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
          notifier,
          logger,
          instanceId: randomUUID(),
          expireAfterMs:
            (cutoverSettings?.getOptionalNumber('expireAfterHours') ?? 24) *
            3_600_000,
          applyLeaseMs:
            (cutoverSettings?.getOptionalNumber('applyLeaseSeconds') ?? 120) *
            1000,
          rollouts: rolloutDefaultsFromConfig(rolloutSettings),
        });

        const prometheusSettings = settings?.getOptionalConfig('prometheus');
        const prometheusTimeoutMs =
          (prometheusSettings?.getOptionalNumber('timeoutSeconds') ?? 5) * 1000;
        const prometheusUrls = new Map(
          (prometheusSettings?.getOptionalConfigArray('clusters') ?? []).map(
            c => [c.getString('name'), c.getString('baseUrl')],
          ),
        );
        const defaultPrometheusUrl =
          prometheusSettings?.getOptionalString('baseUrl');
        const prometheusClients = new Map<string, PrometheusClient>();
        const ROLLOUT_TASK = 'bluegreen-rollouts';
        const prometheusFor = (cluster: string) => {
          const url = prometheusUrls.get(cluster) ?? defaultPrometheusUrl;
          if (!url) return undefined;
          if (!prometheusClients.has(url)) {
            prometheusClients.set(
              url,
              new PrometheusClient(url, prometheusTimeoutMs),
            );
          }
          return prometheusClients.get(url);
        };
        const rollouts = new RolloutEngine({
          store,
          cutovers,
          notifier,
          auditor,
          logger,
          prometheusFor,
          async wake() {
            // A running tick (ConflictError) acts on the request itself or on the next run.
            await scheduler.triggerTask(ROLLOUT_TASK).catch(() => undefined);
          },
        });
        // One run at a time across replicas (global: locked in the database); the timeout
        // must exceed one tick's work, a few cluster writes and queries per due rollout.
        await scheduler.scheduleTask({
          id: ROLLOUT_TASK,
          frequency: {
            seconds: rolloutSettings?.getOptionalNumber('tickSeconds') ?? 5,
          },
          timeout: { minutes: 5 },
          scope: 'global',
          fn: () => rollouts.tick(),
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
              rollouts,
              metrics: new RolloutMetricsReader({ cutovers, prometheusFor }),
            }),
          }),
        );
      },
    });
  },
});
