import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { ConflictError, InputError } from '@backstage/errors';
import {
  Cutover,
  RolloutEvaluation,
  RolloutState,
  RolloutStep,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { CutoverNotifier } from '../cutovers/CutoverNotifier';
import { CutoverService, PLUGIN_ACTOR } from '../cutovers/CutoverService';
import { planRollback, planSplit } from '../planner';
import {
  CutoverStore,
  RolloutRecord,
  RolloutRequest,
  RolloutWrite,
} from '../store/CutoverStore';
import {
  describeMeasurement,
  measure,
  queriesFor,
  verdictOf,
  QueryAnswer,
} from './gates';
import { PrometheusClient } from './PrometheusClient';
import { stepWeights } from './settings';
import { routesReadBack, snapshotPlan, withStepRoutes } from './state';

export interface RolloutEngineOptions {
  store: CutoverStore;
  cutovers: CutoverService;
  notifier: CutoverNotifier;
  auditor: AuditorService;
  logger: LoggerService;
  /** The Prometheus that measures a cluster's services; undefined when none is configured. */
  prometheusFor(cluster: string): PrometheusClient | undefined;
  /** Asks for a tick soon (the scheduler's triggerTask), after a person's request. */
  wake(): Promise<void>;
}

/**
 * Longer than one rollout's work in a tick (a few cluster reads and writes, three queries): a
 * claim older than this is a backend that stopped mid-tick, and another one takes over.
 */
const CLAIM_SECONDS = 60;

/** Rollouts a tick works on at the same time. */
const TICK_CONCURRENCY = 16;

function percentWords(weights: Record<string, number>): string {
  return Object.entries(weights)
    .map(([colour, weight]) => `${colour} ${weight}%`)
    .join(', ');
}

function later(now: Date, seconds: number): Date {
  return new Date(now.getTime() + seconds * 1000);
}

/** The state with the current step changed by `change`. */
function withCurrentStep(
  state: RolloutState,
  change: Partial<RolloutStep>,
  evaluation?: RolloutEvaluation,
): RolloutState {
  return {
    ...state,
    history: state.history.map((step, i) =>
      i === state.current
        ? {
            ...step,
            ...change,
            evaluations: evaluation
              ? [...step.evaluations, evaluation]
              : step.evaluations,
          }
        : step,
    ),
  };
}

/** The engine's state without the people's requests, which live in their own columns. */
function engineState(state: RolloutState): RolloutState {
  const {
    pausedBy: _pausedBy,
    promoteRequestedBy: _promote,
    abortRequestedBy: _abort,
    ...rest
  } = state;
  return rest;
}

/**
 * Drives progressive rollouts. `tick` runs in one global scheduler task: the scheduler locks it
 * in the database so one replica at a time runs it, and every write here is conditional on the
 * revision read, so even a tick that outlived its lock cannot apply a step twice. All state is
 * read from the database on every tick; nothing lives in memory between ticks.
 */
export class RolloutEngine {
  /** Names this backend's claims in the database, for whoever finds one abandoned. */
  private readonly claimOwner = `rollout-engine-${randomUUID()}`;

  constructor(private readonly options: RolloutEngineOptions) {}

  /** Looks at every rollout that is due (or has a request) and moves it on. */
  async tick(now: Date = new Date()): Promise<void> {
    const queue = await this.options.store.dueRollouts(now);
    // Each rollout is its own claim, queries and writes, so several move on at once; a bounded
    // number, not to crowd the clusters' API servers and Prometheus.
    const worker = async () => {
      for (let record = queue.shift(); record; record = queue.shift()) {
        try {
          await this.process(record, now);
        } catch (e) {
          // One rollout's trouble never stops the others; it is due again on the next tick.
          this.options.logger.error(
            `Rollout ${record.cutover.id} of ${record.cutover.entityRef}: ${
              (e as Error).message
            }`,
          );
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(TICK_CONCURRENCY, queue.length) }, worker),
    );
  }

  /** A person's promote, pause, resume or abort; the next tick acts on it. */
  async request(
    cutover: Cutover,
    request: RolloutRequest,
    caller: string,
  ): Promise<Cutover> {
    const state = cutover.rollout;
    if (cutover.status !== 'progressing' || !state) {
      throw new ConflictError(
        `Cutover ${cutover.id} is ${cutover.status}, not a running progressive rollout: it cannot be ${request}d.`,
      );
    }
    if (request === 'promote') {
      const step = state.history[state.current];
      if (state.mode !== 'manual') {
        throw new ConflictError(
          `Rollout ${cutover.id} is in auto mode: it advances by itself when its gates pass.`,
        );
      }
      if (step.verdict !== 'passed') {
        throw new ConflictError(
          `Step ${state.current + 1} of rollout ${
            cutover.id
          } has not passed its gates yet (next evaluation ${
            state.nextEvaluationAt ?? 'when resumed'
          }): it can be promoted once they pass.`,
        );
      }
    }
    if (request === 'resume' && !state.pausedBy && !state.paused) {
      throw new InputError(`Rollout ${cutover.id} is not paused.`);
    }
    const after = await this.options.store.requestRollout(
      cutover.id,
      request,
      caller,
    );
    if (!after) {
      throw new ConflictError(
        `Cutover ${cutover.id} is no longer a running rollout.`,
      );
    }
    await this.options.wake();
    return after;
  }

  /**
   * Takes the rollout before anything that writes the cluster: one conditional write that moves
   * its revision on, so a replica that read the same revision (a tick outliving its lock) finds
   * it taken and touches nothing, instead of patching routes the winner already changed. Until
   * the tick writes its result, no replica sees it due, whatever a person requests meanwhile;
   * after CLAIM_SECONDS without a result (its backend stopped) the next tick resumes it.
   */
  private async claim(
    record: RolloutRecord,
    now: Date,
  ): Promise<RolloutRecord | undefined> {
    const claimed = await this.options.store.claimRollout(
      record.cutover.id,
      record.revision,
      this.claimOwner,
      later(now, CLAIM_SECONDS),
    );
    return claimed
      ? { ...record, revision: record.revision + 1, interrupted: false }
      : undefined;
  }

  private async process(record: RolloutRecord, now: Date): Promise<void> {
    if (record.interrupted) {
      const claimed = await this.claim(record, now);
      if (claimed) await this.resume(claimed, now);
      return;
    }
    const state = record.cutover.rollout;
    const step = state.history[state.current];
    if (step.verified === false) {
      const claimed = await this.claim(record, now);
      if (!claimed) return;
      await this.rollBack(
        claimed,
        engineState(state),
        'failed',
        PLUGIN_ACTOR,
        `Step ${step.index + 1} (${percentWords(
          step.weights,
        )}) was written, but the routes the cluster stored do not show it: something changed them on the way in (a mutating admission webhook, or a controller that owns them), and the gates would measure a split nobody chose.`,
        undefined,
        { routesAsStored: true },
      );
      return;
    }
    if (state.abortRequestedBy) {
      const claimed = await this.claim(record, now);
      if (!claimed) return;
      await this.rollBack(
        claimed,
        engineState(state),
        'aborted',
        state.abortRequestedBy,
        `Aborted by ${state.abortRequestedBy} at step ${
          state.current + 1
        } (${percentWords(state.history[state.current].weights)}).`,
      );
      return;
    }
    if (state.pausedBy && !state.paused) {
      await this.write(
        record,
        {
          state: {
            ...engineState(state),
            paused: true,
            nextEvaluationAt: undefined,
          },
          routes: record.routes,
          // Looked at again now and then, so a resume is never missed.
          dueAt: later(now, state.intervalSeconds),
        },
        {
          actor: state.pausedBy,
          type: 'paused',
          comment: `Paused at step ${state.current + 1}.`,
        },
      );
      return;
    }
    if (!state.pausedBy && state.paused) {
      const next = later(now, state.intervalSeconds);
      await this.write(
        record,
        {
          state: {
            ...engineState(state),
            paused: false,
            nextEvaluationAt: next.toISOString(),
          },
          routes: record.routes,
          dueAt: next,
        },
        {
          actor: PLUGIN_ACTOR,
          type: 'resumed',
          comment: `Resumed at step ${
            state.current + 1
          }: its gates are evaluated after a full interval, at ${next.toISOString()}.`,
        },
      );
      return;
    }
    if (state.paused) {
      return;
    }
    if (state.promoteRequestedBy && step.verdict === 'passed') {
      const claimed = await this.claim(record, now);
      if (!claimed) return;
      await this.advance(
        claimed,
        engineState(state),
        state.promoteRequestedBy,
        now,
        {
          promoteBy: state.promoteRequestedBy,
        },
      );
      return;
    }
    if (!state.nextEvaluationAt || now < new Date(state.nextEvaluationAt)) {
      return;
    }
    const claimed = await this.claim(record, now);
    if (!claimed) return;
    await this.evaluate(claimed, now);
  }

  /**
   * After a tick that claimed the rollout and never wrote its result: the step it was applying
   * may be live though unrecorded. The cluster is the truth (as Flagger reads it): routes at the
   * next step's weights are that step, recorded now without a second write; otherwise nothing
   * landed that the record lacks, and the rollout goes on from its record.
   */
  private async resume(record: RolloutRecord, now: Date) {
    const state = engineState(record.cutover.rollout);
    const { cutover } = record;
    const index = state.current + 1;
    if (index < state.steps.length) {
      // Whether the step is live is a question for the cluster itself, not a cache.
      const { weights, inputs, refused } = await this.planStep(
        cutover,
        state,
        index,
        true,
      );
      const live =
        refused.length > 0 && refused.every(c => c.id === 'changes-something');
      if (live) {
        const next = later(now, state.intervalSeconds);
        await this.write(
          record,
          {
            state: {
              ...state,
              current: index,
              noDataCount: 0,
              nextEvaluationAt: next.toISOString(),
              history: [
                ...state.history,
                {
                  index,
                  weights,
                  appliedAt: now.toISOString(),
                  appliedBy: PLUGIN_ACTOR,
                  evaluations: [],
                  verdict: 'watching',
                },
              ],
            },
            routes: routesReadBack(record.routes, inputs),
            dueAt: next,
            handled: { promoteBy: record.cutover.rollout.promoteRequestedBy },
          },
          {
            actor: PLUGIN_ACTOR,
            type: 'step',
            comment: `Step ${index + 1}: ${percentWords(
              weights,
            )}, found in the cluster after the backend that applied it stopped before recording it; watched from now, not written again.`,
          },
        );
        return;
      }
    }
    await this.write(record, {
      state,
      routes: record.routes,
      dueAt: now,
    });
  }

  private async evaluate(record: RolloutRecord, now: Date) {
    const state = engineState(record.cutover.rollout);
    const evaluation = await this.measure(state, now);
    const step = state.history[state.current];
    if (evaluation.verdict === 'fail') {
      const failed = evaluation.measurements.filter(m => m.result === 'fail');
      await this.rollBack(
        record,
        withCurrentStep(state, { verdict: 'failed' }, evaluation),
        'failed',
        PLUGIN_ACTOR,
        `Step ${state.current + 1} (${percentWords(
          step.weights,
        )}) failed its gates: ${failed.map(describeMeasurement).join('; ')}.`,
      );
      return;
    }
    if (evaluation.verdict === 'no-data') {
      const noDataCount = state.noDataCount + 1;
      if (noDataCount > state.gates.noDataIntervals) {
        await this.rollBack(
          record,
          withCurrentStep(
            { ...state, noDataCount },
            { verdict: 'failed' },
            evaluation,
          ),
          'failed',
          PLUGIN_ACTOR,
          `Step ${state.current + 1} (${percentWords(
            step.weights,
          )}) had no data for ${noDataCount} interval${
            noDataCount === 1 ? '' : 's'
          } in a row (the policy waits ${
            state.gates.noDataIntervals
          }): ${evaluation.measurements
            .filter(m => m.result === 'no-data')
            .map(describeMeasurement)
            .join('; ')}.`,
        );
        return;
      }
      const next = later(now, state.intervalSeconds);
      await this.write(record, {
        state: {
          ...withCurrentStep({ ...state, noDataCount }, {}, evaluation),
          nextEvaluationAt: next.toISOString(),
        },
        routes: record.routes,
        dueAt: next,
      });
      return;
    }
    const passed = withCurrentStep(
      { ...state, noDataCount: 0 },
      { verdict: 'passed' },
      evaluation,
    );
    if (state.current === state.steps.length - 1) {
      await this.finish(record, passed);
      return;
    }
    if (state.mode === 'auto') {
      await this.advance(record, passed, PLUGIN_ACTOR, now);
      return;
    }
    // Manual: the gates keep being evaluated while the step waits for its promote.
    const next = later(now, state.intervalSeconds);
    await this.write(
      record,
      {
        state: { ...passed, nextEvaluationAt: next.toISOString() },
        routes: record.routes,
        dueAt: next,
      },
      step.verdict === 'passed'
        ? undefined
        : {
            actor: PLUGIN_ACTOR,
            type: 'step',
            comment: `Step ${state.current + 1} (${percentWords(
              step.weights,
            )}) passed its gates; waiting for a promote.`,
          },
    );
  }

  /**
   * Step `index`'s weights planned on the clusters' objects (`fresh`: read now; otherwise from the
   * watch cache when live), with the checks that refuse it (a plan that changes nothing is
   * refused by `changes-something`).
   */
  private async planStep(
    cutover: Cutover,
    state: RolloutState,
    index: number,
    fresh: boolean,
  ) {
    const weights = stepWeights(state.colour, state.from, state.steps[index]);
    const { inputs, checks } = await this.options.cutovers.readInputs(
      cutover.entityRef,
      cutover.plan.clusters,
      { fresh },
    );
    const plan = planSplit({ action: 'split', weights }, inputs);
    const refused = [...checks, ...plan.checks].filter(
      c => c.result === 'fail',
    );
    return { weights, inputs, plan, refused };
  }

  /** One query per gate per service, all at once, each answer or failure recorded. */
  private async measure(
    state: RolloutState,
    now: Date,
  ): Promise<RolloutEvaluation> {
    const measurements = (
      await Promise.all(
        queriesFor(state.targets, state.intervalSeconds).map(async queries => {
          const prometheus = this.options.prometheusFor(queries.target.cluster);
          const ask = async (query: string): Promise<QueryAnswer> =>
            prometheus
              ? prometheus.query(query, now)
              : {
                  ok: false,
                  message: `no Prometheus is configured for cluster ${queries.target.cluster} (bluegreen.prometheus.baseUrl)`,
                };
          const [requestCount, successRate, latencyP99] = await Promise.all([
            ask(queries.requestCount),
            ask(queries.successRate),
            ask(queries.latencyP99),
          ]);
          return measure(
            queries,
            { requestCount, successRate, latencyP99 },
            state.gates,
          );
        }),
      )
    ).flat();
    if (measurements.length === 0) {
      measurements.push({
        gate: 'request-count',
        service: '(none)',
        version: state.colour,
        query: '',
        value: null,
        threshold: state.gates.minRequests,
        result: 'no-data',
        message: `no Kubernetes Service behind the shared hosts has a subset ${state.colour} to measure`,
      });
    }
    return {
      at: now.toISOString(),
      verdict: verdictOf(measurements),
      measurements,
    };
  }

  private async advance(
    record: RolloutRecord,
    state: RolloutState,
    by: string,
    now: Date,
    handled?: RolloutWrite['handled'],
  ) {
    const { cutover } = record;
    const index = state.current + 1;
    const attempt = async (fresh: boolean) => {
      const planned = await this.planStep(cutover, state, index, fresh);
      const result =
        planned.refused.length === 0
          ? await this.options.cutovers.applyPlan(
              cutover,
              planned.plan,
              planned.inputs,
            )
          : undefined;
      return { ...planned, result };
    };
    // Planned on the watch cache: a tick over many rollouts then reads each cluster once per
    // object written, not whole namespaces per rollout. A step the cache could not plan or write
    // (it lagged a change: the write found an object changed, or the plan was refused on what
    // it showed) is planned once more on a fresh read, so a cache's lag never rolls back.
    let applied = await attempt(false);
    if (applied.result?.status !== 'applied') {
      applied = await attempt(true);
    }
    const { weights, plan, refused, result } = applied;
    if (!result || result.status !== 'applied') {
      await this.rollBack(
        record,
        state,
        'failed',
        PLUGIN_ACTOR,
        `Step ${index + 1} (${percentWords(weights)}) could not be applied: ${
          result?.outcome.message ?? refused.map(c => c.message).join(' ')
        }`,
        handled,
      );
      return;
    }
    const next = later(now, state.intervalSeconds);
    const step: RolloutStep = {
      index,
      weights,
      appliedAt: now.toISOString(),
      appliedBy: by,
      evaluations: [],
      verdict: 'watching',
      verified: result.outcome.verified !== false,
    };
    await this.write(
      record,
      {
        state: {
          ...state,
          current: index,
          noDataCount: 0,
          nextEvaluationAt: next.toISOString(),
          history: [...state.history, step],
        },
        routes: withStepRoutes(record.routes, plan.changes),
        dueAt: step.verified ? next : now,
        handled,
      },
      {
        actor: by,
        type: 'step',
        comment: `Step ${index + 1}: ${percentWords(weights)}.`,
        objects: result.objects,
        outcome: result.outcome,
      },
    );
    if (!step.verified) {
      // Rolled back now, not a tick later: its gates would measure a split nobody chose.
      const recorded = await this.options.store.getRollout(cutover.id);
      if (recorded) await this.process(recorded, now);
    }
  }

  /** The last step held through its interval: the cutover is applied. */
  private async finish(record: RolloutRecord, state: RolloutState) {
    const ended = await this.options.store.transition(
      record.cutover.id,
      ['progressing'],
      'applied',
      {
        actor: PLUGIN_ACTOR,
        type: 'applied',
        outcome: {
          message: `${state.colour} has 100% and held its gates for ${state.intervalSeconds} s: the rollout is complete.`,
          verified: true,
        },
        rollout: {
          state: { ...state, nextEvaluationAt: undefined },
          routes: record.routes,
          dueAt: null,
          expectedRevision: record.revision,
        },
      },
    );
    await this.announce(ended, 'rollout-complete');
  }

  /** Back to the routes before the rollout, at once; the cutover ends `rolled-back`. */
  private async rollBack(
    record: RolloutRecord,
    state: RolloutState,
    verdict: 'failed' | 'aborted',
    actor: string,
    why: string,
    handled?: RolloutWrite['handled'],
    options: {
      /** The last step's routes are restored from what the cluster stored, not what was sent. */
      routesAsStored?: boolean;
    } = {},
  ) {
    const { cutover } = record;
    const final = withCurrentStep(
      { ...state, nextEvaluationAt: undefined },
      { verdict },
    );
    // A fresh read: a cache that has not yet seen the last step's write would show the routes
    // already back, and the rollback would write nothing.
    const { inputs, checks } = await this.options.cutovers.readInputs(
      cutover.entityRef,
      cutover.plan.clusters,
      { fresh: true },
    );
    const routes = options.routesAsStored
      ? routesReadBack(record.routes, inputs)
      : record.routes;
    const plan = planRollback(
      {
        id: cutover.id,
        plan: snapshotPlan(routes, cutover.plan.clusters),
      },
      inputs,
    );
    const refused = [...checks, ...plan.checks].filter(
      c => c.result === 'fail',
    );
    // Routes already as they were before the rollout (a step never landed) need no write.
    const alreadyBack =
      refused.length > 0 && refused.every(c => c.id === 'changes-something');
    const result =
      refused.length === 0
        ? await this.options.cutovers.applyPlan(cutover, plan, inputs)
        : undefined;
    const back = alreadyBack || result?.status === 'applied';
    const ended = await this.options.store.transition(
      cutover.id,
      ['progressing'],
      back ? 'rolled-back' : 'failed',
      {
        actor,
        type: back ? 'rolled-back' : 'failed',
        outcome: {
          message: back
            ? `${why} The routes are back as they were before the rollout.`
            : `${why} Rolling back failed: ${
                result?.outcome.message ?? refused.map(c => c.message).join(' ')
              } The routes are as the last step left them: fix them in the Blue/Green tab.`,
          ...(result
            ? {
                objects: result.outcome.objects,
                verified: result.outcome.verified,
              }
            : {}),
        },
        objects: result?.objects,
        rollout: {
          state: final,
          routes,
          dueAt: null,
          handled,
          expectedRevision: record.revision,
        },
      },
    );
    await this.announce(
      ended,
      back ? 'rollout-rolled-back' : 'rollout-rollback-failed',
    );
  }

  private async write(
    record: RolloutRecord,
    write: RolloutWrite,
    event?: Parameters<CutoverStore['updateRollout']>[3],
  ) {
    const after = await this.options.store.updateRollout(
      record.cutover.id,
      record.revision,
      write,
      event,
    );
    if (event) {
      await this.announce(after, `rollout-${event.type}`);
    } else if (after) {
      await this.options.notifier.transitioned(after);
    }
  }

  /** A signal (and, for an outcome, a notification) and an audit event with who and what. */
  private async announce(cutover: Cutover | undefined, eventId: string) {
    if (!cutover) {
      // Another write came first: it announced itself.
      return;
    }
    await this.options.notifier.transitioned(cutover);
    const state = cutover.rollout;
    const event = await this.options.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      meta: {
        cutoverId: cutover.id,
        entityRef: cutover.entityRef,
        requestedBy: cutover.requestedBy,
        approvedBy: cutover.approvals.map(a => a.by),
        status: cutover.status,
        step: state ? state.current + 1 : null,
        weights: state ? state.history[state.current].weights : null,
      },
    });
    await event.success({});
  }
}
