import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ANNOTATION_APPROVALS,
  Cutover,
  CutoverAction,
  CutoverHistory,
  CutoverList,
  CutoverPlan,
  CutoverPreview,
  CutoverRequestBody,
  PreflightCheck,
  describeCutoverAction,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { computeClusterState, objectsDecidingState } from '../model';
import { VirtualService } from '../model/istio';
import { namespaceOf } from '../model/mesh';
import { ClusterInput, planRollback, planSplit } from '../planner';
import { BlueGreenStateService } from '../service/BlueGreenStateService';
import { classifyClusterError } from '../service/errors';
import { ListQuery, CutoverStore } from '../store/CutoverStore';
import { IstioObject } from '../executor/ClusterWriter';
import {
  ApplyResult,
  CutoverExecutor,
  objectKey,
} from '../executor/CutoverExecutor';
import { CutoverNotifier } from './CutoverNotifier';
import {
  RolloutDefaults,
  RolloutSettings,
  gateTargets,
  resolveSettings,
  sourceColour,
  stepWeights,
} from '../rollouts/settings';
import { initialRollout } from '../rollouts/state';

/** The actor of work the backend does on its own (expiry, recovery after a restart). */
export const PLUGIN_ACTOR = 'plugin:bluegreen';

export interface CutoverServiceOptions {
  store: CutoverStore;
  state: BlueGreenStateService;
  executor: CutoverExecutor;
  notifier: CutoverNotifier;
  logger: LoggerService;
  /** Identifies this backend instance in apply leases. */
  instanceId: string;
  /** How long a requested cutover waits for approvals. */
  expireAfterMs: number;
  /** How long an apply may run before another instance may take it over. */
  applyLeaseMs: number;
  /** Progressive rollouts' defaults and limits. */
  rollouts: RolloutDefaults;
}

interface PlannedRequest {
  preview: CutoverPreview;
}

/** An apply's result, with the objects its plan was checked on moments before writing. */
interface Written {
  result: ApplyResult;
  plannedOn?: ClusterInput[];
}

function approvalsOf(
  annotations: Record<string, string>,
  entityRef: string,
): number {
  const value = annotations[ANNOTATION_APPROVALS];
  if (value === undefined || value.trim() === '') {
    return 1;
  }
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > 10) {
    throw new InputError(
      `${entityRef} has annotation ${ANNOTATION_APPROVALS}: '${value}', which is not a whole number from 0 to 10: fix it in the entity's catalog-info.yaml`,
    );
  }
  return count;
}

function failures(checks: PreflightCheck[]) {
  return checks.filter(c => c.result === 'fail');
}

function warnings(checks: PreflightCheck[]) {
  return checks.filter(c => c.result === 'warn');
}

/** Colours that would get traffic from the plan but have no ready pods in some tier now. */
function coloursWithoutReadyPods(
  plan: CutoverPlan,
  inputs: ClusterInput[],
): string[] {
  const problems: string[] = [];
  for (const input of inputs) {
    const state = computeClusterState(input);
    const receiving = new Set(
      plan.splits
        .filter(s => s.cluster === input.cluster)
        .flatMap(s => s.after.filter(a => a.percent > 0).map(a => a.colour)),
    );
    for (const colour of state.colours) {
      if (
        receiving.has(colour.name) &&
        colour.tiers.some(t => t.readyPods === 0)
      ) {
        problems.push(`${colour.name} (cluster ${input.cluster})`);
      }
    }
  }
  return problems;
}

/**
 * Cutovers end to end: plan and check (preview), request, approve by others, apply through the
 * executor, verify through the model, record every step in the store and tell people. Permission
 * checks are the router's; the rules that hold whatever the policy says (no self-approval, one
 * open cutover per entity, the requester cancels) are enforced here.
 */
export class CutoverService {
  constructor(private readonly options: CutoverServiceOptions) {}

  async preview(body: CutoverRequestBody): Promise<CutoverPreview> {
    return (await this.plan(body)).preview;
  }

  async request(body: CutoverRequestBody, caller: string): Promise<Cutover> {
    const { preview } = await this.plan(body);
    const failed = failures(preview.plan.checks);
    const open = failed.find(c => c.id === 'no-open-cutover');
    if (open) {
      throw new ConflictError(open.message);
    }
    if (failed.length > 0) {
      throw new InputError(
        `The cutover cannot be requested: ${failed
          .map(c => c.message)
          .join(' ')}`,
      );
    }
    const warned = warnings(preview.plan.checks);
    if (warned.length > 0 && !body.acknowledgeWarnings) {
      throw new InputError(
        `acknowledgeWarnings: the checks warn, and the request must acknowledge them (acknowledgeWarnings: true): ${warned
          .map(c => c.message)
          .join(' ')}`,
      );
    }
    const now = Date.now();
    const created = await this.options.store.create({
      entityRef: preview.entityRef,
      action: preview.action,
      reason: body.reason ?? '',
      requestedBy: caller,
      approvalsRequired: preview.approvalsRequired,
      plan: preview.plan,
      rollbackOf: preview.rollbackOf,
      createdAt: new Date(now),
      expiresAt: new Date(now + this.options.expireAfterMs),
    });
    await this.options.notifier.transitioned(created);
    if (preview.approvalsRequired > 0) {
      return created;
    }
    const approved = await this.options.store.transition(
      created.id,
      ['requested'],
      'approved',
      {
        actor: caller,
        type: 'approved',
        comment:
          body.action.action === 'rollback'
            ? 'A rollback restores routes that were live and approved: it needs no approval.'
            : `${preview.entityRef} needs no approval (annotation ${ANNOTATION_APPROVALS}: 0).`,
      },
    );
    return approved ? this.applyApproved(approved) : this.mustGet(created.id);
  }

  async get(id: string): Promise<Cutover> {
    return this.mustGet(id);
  }

  async list(query: ListQuery): Promise<CutoverList> {
    return this.options.store.list(query);
  }

  async history(
    entityRef: string,
    page: { limit: number; cursor?: string },
  ): Promise<CutoverHistory> {
    return this.options.store.history(entityRef, page);
  }

  /** The permission to approve is checked by the caller; this enforces who may never approve. */
  async approve(
    id: string,
    caller: string,
    comment?: string,
  ): Promise<Cutover> {
    const cutover = await this.mustGet(id);
    if (cutover.requestedBy === caller) {
      throw new NotAllowedError(
        `You requested cutover ${id}: another person must approve it.`,
      );
    }
    const { cutover: after, complete } = await this.options.store.approve(
      id,
      caller,
      comment,
    );
    if (!complete) {
      await this.options.notifier.transitioned(after);
      return after;
    }
    return this.applyApproved(after);
  }

  async reject(id: string, caller: string, comment?: string): Promise<Cutover> {
    const cutover = await this.mustGet(id);
    if (cutover.requestedBy === caller) {
      throw new NotAllowedError(
        `You requested cutover ${id}: cancel it instead of rejecting it.`,
      );
    }
    return this.end(cutover, 'rejected', caller, comment);
  }

  async cancel(id: string, caller: string, comment?: string): Promise<Cutover> {
    const cutover = await this.mustGet(id);
    if (cutover.requestedBy !== caller) {
      throw new NotAllowedError(
        `Only ${cutover.requestedBy}, who requested cutover ${id}, may cancel it; reject it instead.`,
      );
    }
    return this.end(cutover, 'cancelled', caller, comment);
  }

  /** Ends requests that waited too long for approvals. */
  async expireDue(): Promise<Cutover[]> {
    const expired = await this.options.store.expireDue(new Date());
    for (const cutover of expired) {
      await this.options.notifier.transitioned(cutover);
    }
    return expired;
  }

  /** Finishes or reverts cutovers whose applier stopped (a crash, a killed replica). */
  async recoverAbandoned(): Promise<Cutover[]> {
    const claimed = await this.options.store.claimAbandoned(
      this.options.instanceId,
      this.options.applyLeaseMs,
    );
    const results: Cutover[] = [];
    for (const cutover of claimed) {
      this.options.logger.warn(
        `Cutover ${cutover.id} of ${cutover.entityRef} was left applying; reconciling it with the cluster`,
      );
      results.push(
        await this.finish(cutover, async () => ({
          result: await this.options.executor.reconcile(cutover.plan),
        })),
      );
    }
    return results;
  }

  private async end(
    cutover: Cutover,
    to: 'rejected' | 'cancelled',
    caller: string,
    comment?: string,
  ): Promise<Cutover> {
    const ended = await this.options.store.transition(
      cutover.id,
      ['requested'],
      to,
      { actor: caller, type: to, comment },
    );
    if (!ended) {
      const now = await this.mustGet(cutover.id);
      throw new ConflictError(
        `Cutover ${cutover.id} is ${now.status}, not awaiting approval: it can no longer be ${to}.`,
      );
    }
    await this.options.notifier.transitioned(ended);
    return ended;
  }

  private async mustGet(id: string): Promise<Cutover> {
    const cutover = await this.options.store.get(id);
    if (!cutover) {
      throw new NotFoundError(`No cutover ${id}`);
    }
    return cutover;
  }

  /**
   * Reads the entity's clusters for planning; clusters that cannot be read fail a check. `fresh`
   * (the default) reads them now; otherwise a live watch cache serves them.
   */
  private async readClusters(
    entityRef: string,
    clusters?: string[],
    fresh = true,
  ) {
    const target = await this.options.state.resolveTarget(entityRef);
    const known = target.sources.map(s => s.cluster.name);
    const unknown = (clusters ?? []).filter(c => !known.includes(c));
    if (unknown.length > 0) {
      throw new InputError(
        `clusters: ${unknown.join(', ')} ${
          unknown.length > 1 ? 'are not clusters' : 'is not a cluster'
        } of ${target.entityRef}; its clusters are ${known.join(', ')}`,
      );
    }
    const sources = clusters?.length
      ? target.sources.filter(s => clusters.includes(s.cluster.name))
      : target.sources;
    const checks: PreflightCheck[] = [];
    const inputs: ClusterInput[] = [];
    await Promise.all(
      sources.map(async source => {
        try {
          inputs.push({
            cluster: source.cluster.name,
            hosts: target.hosts,
            namespace: target.namespace,
            objects: await target.objectsIn(source, { fresh }),
          });
        } catch (e) {
          checks.push({
            id: 'cluster-readable',
            result: 'fail',
            cluster: source.cluster.name,
            message: `${
              classifyClusterError(e, source.cluster.name).message
            }. A cutover needs every cluster it changes: fix access or name the other clusters in clusters.`,
          });
        }
      }),
    );
    // Promise.all resolves in completion order; plans read best in configuration order.
    inputs.sort((a, b) => known.indexOf(a.cluster) - known.indexOf(b.cluster));
    return { target, inputs, checks };
  }

  /** The cutover to undo: the entity's last applied one, unless a rollback already undid it. */
  private async rollbackTarget(entityRef: string) {
    const { items } = await this.options.store.list({
      entityRef,
      statuses: ['applied'],
      limit: 100,
    });
    const last = items.find(c => c.action.action !== 'rollback');
    const undoneBy = last && items.find(c => c.rollbackOf === last.id);
    return { last, undoneBy };
  }

  private async plan(body: CutoverRequestBody): Promise<PlannedRequest> {
    const { target, inputs, checks } = await this.readClusters(
      body.entityRef,
      body.clusters,
    );
    const entityRef = target.entityRef;
    let plan: CutoverPlan;
    let rollbackOf: string | undefined;
    let approvalsRequired = approvalsOf(target.annotations, entityRef);
    let action = body.action as CutoverAction;
    if (body.action.action === 'rollback') {
      approvalsRequired = 0;
      const { last, undoneBy } = await this.rollbackTarget(entityRef);
      if (!last || undoneBy) {
        plan = {
          clusters: inputs.map(i => i.cluster),
          changes: [],
          splits: [],
          resourceVersions: {},
          checks: [
            {
              id: 'rollback-target',
              result: 'fail',
              message: !last
                ? `${entityRef} has no applied cutover to roll back.`
                : `The last applied cutover of ${entityRef}, ${
                    last.id
                  } (${describeCutoverAction(
                    last.action,
                  )}), was already rolled back by ${undoneBy!.id}.`,
            },
          ],
        };
      } else {
        rollbackOf = last.id;
        plan = planRollback(last, inputs);
      }
    } else if (body.action.action === 'progressive') {
      // Resolved once, here: the preview shows, the approver approves and the engine runs the
      // same settings, whatever the annotations or the configuration say later.
      const settings = resolveSettings(
        body.action,
        this.options.rollouts,
        target,
      );
      action = { action: 'progressive', ...settings };
      plan = this.planFirstStep(settings, inputs);
    } else {
      plan = planSplit(body.action, inputs);
    }
    const open = await this.options.store.findOpen(entityRef);
    const dryRun =
      failures(plan.checks).length === 0
        ? await this.options.executor.dryRun(plan)
        : undefined;
    plan.checks = [
      ...checks,
      ...plan.checks,
      ...(dryRun ? [dryRun] : []),
      open
        ? {
            id: 'no-open-cutover',
            result: 'fail',
            message: `A request is open: cutover ${
              open.id
            } (${describeCutoverAction(open.action)}, ${open.status}) by ${
              open.requestedBy
            }. Approve, reject or cancel it first.`,
          }
        : {
            id: 'no-open-cutover',
            result: 'pass',
            message: `No other cutover of ${entityRef} is open.`,
          },
    ];
    return {
      preview: {
        entityRef,
        action,
        plan,
        approvalsRequired,
        canRequest: failures(plan.checks).length === 0,
        needsAcknowledgement: warnings(plan.checks).length > 0,
        rollbackOf,
      },
    };
  }

  /** A progressive rollout is planned, checked and approved as the split of its first step. */
  private planFirstStep(
    settings: RolloutSettings,
    inputs: ClusterInput[],
  ): CutoverPlan {
    const from = sourceColour(settings.colour, inputs);
    if (!from) {
      throw new InputError(
        `action.colour: no colour other than ${settings.colour} receives traffic on the shared hosts, so there is nothing to roll out from; request a switch instead`,
      );
    }
    return planSplit(
      {
        action: 'split',
        weights: stepWeights(settings.colour, from, settings.steps[0]),
      },
      inputs,
    );
  }

  /**
   * The clusters' objects as a plan needs them, for the rollout engine. `fresh: false` takes them
   * from the watch cache when it is live: a plan made on it is still written only if every Istio
   * object it was computed from is unchanged when read just before the write (see writeChecked),
   * so a cache that lags makes a plan superseded, never a wrong write.
   */
  async readInputs(
    entityRef: string,
    clusters: string[],
    options: { fresh: boolean },
  ) {
    return this.readClusters(entityRef, clusters, options.fresh);
  }

  /**
   * Applies a plan the rollout engine made for `cutover` (a step or a rollback) with the same
   * safety as an approved cutover: nothing is written when an object changed since planning or
   * a receiving colour has no ready pods, a refused write reverts the others, the result is
   * verified. Never throws: a failed read is a `failed` result. `plannedOn` are the objects the
   * plan was made from, read this moment: their pods are the ones checked for readiness, instead
   * of reading the clusters a second time.
   */
  async applyPlan(
    cutover: Cutover,
    plan: CutoverPlan,
    plannedOn?: ClusterInput[],
  ): Promise<ApplyResult> {
    return this.verified({ ...cutover, plan }, () =>
      this.writeChecked(cutover, plan, plannedOn),
    );
  }

  /** Applies an `approved` cutover, unless another caller or replica already took it. */
  private async applyApproved(cutover: Cutover): Promise<Cutover> {
    const claimed = await this.options.store.claimForApply(
      cutover.id,
      this.options.instanceId,
      this.options.applyLeaseMs,
    );
    if (!claimed) {
      return this.mustGet(cutover.id);
    }
    await this.options.notifier.transitioned(claimed);
    return this.finish(claimed, () => this.writeChecked(claimed, claimed.plan));
  }

  /**
   * Writes a plan unless it is stale: nothing is written when an Istio object changed since
   * planning (superseded) or a colour that would receive traffic has no ready pods now (failed).
   */
  private async writeChecked(
    cutover: Cutover,
    plan: CutoverPlan,
    plannedOn?: ClusterInput[],
  ): Promise<Written> {
    const { changed, current } =
      await this.options.executor.changedSincePlanned(plan);
    if (changed.length > 0) {
      return { result: this.supersededResult(changed) };
    }
    const inputs =
      plannedOn ??
      (await this.readClusters(cutover.entityRef, plan.clusters)).inputs;
    const unready = coloursWithoutReadyPods(plan, inputs);
    if (unready.length > 0) {
      return {
        result: {
          status: 'failed',
          outcome: {
            message: `Nothing was written: ${unready.join(
              ', ',
            )} would receive traffic but has no ready pods now. Wait until its pods are ready.`,
          },
          objects: [],
          current: new Map(),
        },
      };
    }
    return {
      result: await this.options.executor.apply(plan, current),
      plannedOn: inputs,
    };
  }

  /**
   * Runs an apply (or a reconciliation); a failed read is a `failed` result (every write's
   * failure is handled by the executor, so nothing changed), an applied one is verified.
   */
  private async verified(
    cutover: Cutover,
    run: () => Promise<Written>,
  ): Promise<ApplyResult> {
    let written: Written;
    try {
      written = await run();
    } catch (e) {
      written = {
        result: {
          status: 'failed',
          outcome: {
            message: `Nothing was written: ${(e as Error).message}`,
          },
          objects: [],
          current: new Map(),
        },
      };
    }
    const { result, plannedOn } = written;
    if (result.status === 'applied') {
      result.outcome.verified = await this.verify(
        cutover,
        result.current,
        plannedOn,
      );
      if (!result.outcome.verified) {
        result.outcome.message += ` The routes the cluster stored do not show the requested split on every shared host: something changed them on the way in (a mutating admission webhook, or a controller that owns them). Check the Blue/Green tab.`;
      }
    }
    return result;
  }

  private supersededResult(changed: string[]): ApplyResult {
    return {
      status: 'superseded',
      outcome: {
        message: `The cluster changed since this cutover was planned (${changed.join(
          ', ',
        )}): nothing was written. Request it again to plan it on the current objects.`,
        changed,
      },
      objects: [],
      current: new Map(),
    };
  }

  /** Runs an apply (or a reconciliation), verifies it and records how it ended. */
  private async finish(
    cutover: Cutover,
    run: () => Promise<Written>,
  ): Promise<Cutover> {
    const result = await this.verified(cutover, run);
    // A rollout's first step applied starts the rollout; every other result ends the cutover.
    const action = cutover.action;
    const rollout =
      action.action === 'progressive' && result.status === 'applied'
        ? initialRollout(
            {
              ...resolveSettings(action, this.options.rollouts),
              from: this.firstStepSource(cutover, action.colour),
              targets: gateTargets(
                action.colour,
                (
                  await this.readClusters(
                    cutover.entityRef,
                    cutover.plan.clusters,
                  ).catch(() => ({ inputs: [] }))
                ).inputs,
              ),
            },
            cutover,
            new Date(),
            result.outcome.verified !== false,
          )
        : undefined;
    const ended = await this.options.store.transition(
      cutover.id,
      ['applying'],
      rollout ? 'progressing' : result.status,
      {
        actor: PLUGIN_ACTOR,
        type: rollout ? 'step' : result.status,
        outcome: result.outcome,
        objects: result.objects,
        ...(rollout ? { rollout } : {}),
      },
    );
    if (!ended) {
      return this.mustGet(cutover.id);
    }
    await this.options.notifier.transitioned(ended);
    return ended;
  }

  /** The colour the first step took traffic from: the other colour of its planned split. */
  private firstStepSource(cutover: Cutover, colour: string): string {
    const shares = cutover.plan.splits.flatMap(s => s.after);
    return (
      shares.find(s => s.colour && s.colour !== colour && s.percent > 0)
        ?.colour ??
      cutover.plan.splits
        .flatMap(s => s.before)
        .find(s => s.colour && s.colour !== colour)?.colour ??
      colour
    );
  }

  /**
   * Whether the model, on the objects as the cluster holds them after the write, shows every
   * planned split. Only the VirtualServices the plan wrote changed, and `written` holds them as
   * the API server stored them (its answers to the writes, after its admission, or as found by a
   * reconciliation): the other objects are those of `plannedOn`, read moments before the write,
   * or without it (a reconciliation after a restart) the clusters read again.
   */
  private async verify(
    cutover: Cutover,
    written: Map<string, IstioObject>,
    plannedOn?: ClusterInput[],
  ): Promise<boolean> {
    try {
      const inputs =
        plannedOn ??
        (await this.readClusters(cutover.entityRef, cutover.plan.clusters))
          .inputs;
      const rewritten = new Set(
        cutover.plan.changes.map(c => objectKey(c.cluster, c.object)),
      );
      return inputs.every(input => {
        const deciding = objectsDecidingState(input);
        const objects = {
          ...deciding,
          virtualServices: deciding.virtualServices.flatMap(vs => {
            const key = objectKey(input.cluster, {
              apiVersion: vs.apiVersion ?? '',
              kind: 'VirtualService',
              namespace: namespaceOf(vs),
              name: vs.metadata.name,
            });
            if (!rewritten.has(key)) return [vs];
            const read = written.get(key) as unknown as
              | VirtualService
              | undefined;
            return read ? [read] : [];
          }),
        };
        const state = computeClusterState({ ...input, objects });
        return cutover.plan.splits
          .filter(s => s.cluster === input.cluster)
          .every(planned => {
            const now = state.splits.find(
              s =>
                s.host === planned.host &&
                s.virtualService === planned.virtualService &&
                s.ruleIndex === planned.ruleIndex,
            );
            return (
              !!now &&
              planned.after.every(
                share =>
                  share.percent ===
                  (now.destinations.find(d => d.colour === share.colour)
                    ?.percent ?? 0),
              )
            );
          });
      });
    } catch (e) {
      this.options.logger.warn(
        `Could not verify cutover ${cutover.id}: ${(e as Error).message}`,
      );
      return false;
    }
  }
}
