import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  CUTOVER_SIGNAL_CHANNEL,
  Cutover,
  CutoverSignal,
  describeCutoverAction,
} from '@bluegreen-istio/plugin-bluegreen-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';

const OUTCOME_WORDS: Partial<Record<Cutover['status'], string>> = {
  applied: 'applied',
  failed: 'failed',
  rejected: 'rejected',
  superseded: 'superseded (the cluster changed)',
  expired: 'expired',
  'rolled-back': 'rolled back',
};

/** The entity's Blue/Green tab, where a cutover is seen and decided. */
function tabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/bluegreen`;
}

/**
 * Tells people about cutovers: a Backstage notification to whoever must act (the owners on a
 * request, the requester on an outcome) and a signal on every transition so open pages follow.
 * Delivery failures are logged, never fail the cutover: the database is the record.
 */
export class CutoverNotifier {
  constructor(
    private readonly options: {
      notifications: NotificationService;
      signals: SignalsService;
      logger: LoggerService;
    },
  ) {}

  async transitioned(cutover: Cutover): Promise<void> {
    const signal: CutoverSignal = {
      cutoverId: cutover.id,
      entityRef: cutover.entityRef,
      status: cutover.status,
    };
    await this.quietly('signal', () =>
      this.options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: CUTOVER_SIGNAL_CHANNEL,
        message: { ...signal },
      }),
    );
    if (cutover.status === 'requested') {
      await this.requested(cutover);
    } else if (OUTCOME_WORDS[cutover.status]) {
      await this.concluded(cutover);
    }
  }

  private async requested(cutover: Cutover) {
    const { name } = parseEntityRef(cutover.entityRef);
    await this.quietly('notification', () =>
      this.options.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: cutover.entityRef,
          excludeEntityRef: cutover.requestedBy,
        },
        payload: {
          title: `Approval needed: ${describeCutoverAction(
            cutover.action,
          )} of ${name}`,
          description: `${cutover.requestedBy} asks: ${cutover.reason}`,
          link: tabLink(cutover.entityRef),
          severity: 'high',
          topic: 'bluegreen-cutover',
          scope: `bluegreen-cutover:${cutover.id}`,
        },
      }),
    );
  }

  private async concluded(cutover: Cutover) {
    const { name } = parseEntityRef(cutover.entityRef);
    await this.quietly('notification', () =>
      this.options.notifications.send({
        recipients: { type: 'entity', entityRef: cutover.requestedBy },
        payload: {
          title: `Your cutover of ${name} was ${
            OUTCOME_WORDS[cutover.status]
          }: ${describeCutoverAction(cutover.action)}`,
          description: cutover.outcome?.message,
          link: tabLink(cutover.entityRef),
          severity: cutover.status === 'applied' ? 'normal' : 'high',
          topic: 'bluegreen-cutover',
          scope: `bluegreen-cutover:${cutover.id}:outcome`,
        },
      }),
    );
  }

  private async quietly(what: string, send: () => Promise<void>) {
    try {
      await send();
    } catch (e) {
      this.options.logger.warn(
        `Could not deliver a cutover ${what}: ${(e as Error).message}`,
      );
    }
  }
}
