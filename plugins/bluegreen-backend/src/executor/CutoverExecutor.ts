import type {
  CutoverEvent,
  CutoverOutcome,
  CutoverPlan,
  ObjectChange,
  ObjectOutcome,
  ObjectRef,
  PreflightCheck,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { getValueByPointer } from 'fast-json-patch';
import { isDeepStrictEqual } from 'node:util';
import { appliedEdits } from '../planner/plan';
import {
  ClusterWriter,
  IstioObject,
  ObjectChangedError,
  WriteFailedError,
} from './ClusterWriter';

/** How an apply ended, before the service records it. */
export interface ApplyResult {
  status: 'applied' | 'failed' | 'superseded';
  outcome: CutoverOutcome;
  /** Every object written (or attempted), with before/after, for the history. */
  objects: NonNullable<CutoverEvent['objects']>;
  /** The objects as they are now, for verification; keyed by {@link objectKey}. */
  current: Map<string, IstioObject>;
}

export function objectKey(cluster: string, ref: ObjectRef): string {
  return `${cluster}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

function describe(change: ObjectChange): string {
  return `${change.object.kind} ${change.object.namespace}/${change.object.name}`;
}

/** Whether the object holds, at every path the change edits, the value written (or replaced). */
function holds(
  object: IstioObject,
  change: ObjectChange,
  side: 'written' | 'previous',
): boolean {
  return appliedEdits(change).every(edit => {
    try {
      return isDeepStrictEqual(
        getValueByPointer(object, edit.path),
        edit[side],
      );
    } catch {
      return false;
    }
  });
}

/** Whether a change is in place, not yet made, or neither (someone else changed the object). */
function stateOf(
  object: IstioObject | undefined,
  change: ObjectChange,
): 'written' | 'previous' | 'diverged' {
  if (object && holds(object, change, 'written')) return 'written';
  if (object && holds(object, change, 'previous')) return 'previous';
  return 'diverged';
}

function revertSummary(landed: number, reverted: ObjectOutcome[]): string {
  if (landed === 0) {
    return 'Nothing was changed.';
  }
  const failed = reverted.filter(o => o.result === 'revert-failed');
  if (failed.length > 0) {
    return `Reverting failed for ${failed
      .map(o => `${o.object.namespace}/${o.object.name}`)
      .join(', ')}: see each object's message.`;
  }
  return `The ${landed} write${
    landed === 1 ? ' that had landed was' : 's that had landed were'
  } reverted: the routes are as before.`;
}

interface Landed {
  change: ObjectChange;
  written: IstioObject;
}

/**
 * Applies a plan: each change is one JSON Patch that tests the resourceVersion and the values it
 * replaces, in the plan's (make-before-break) order. When a write fails, the writes before it are
 * undone with their own tested patches, so the cluster ends as it was, or says exactly where not.
 */
export class CutoverExecutor {
  constructor(private readonly writers: Map<string, ClusterWriter>) {}

  private writer(cluster: string): ClusterWriter {
    const writer = this.writers.get(cluster);
    if (!writer) {
      throw new WriteFailedError(
        `cluster '${cluster}' is not configured any more: add it back under kubernetes.clusterLocatorMethods`,
        false,
      );
    }
    return writer;
  }

  /**
   * Re-reads every Istio object the plan was computed from. Returns the ones whose
   * resourceVersion changed (or that are gone), and the objects read.
   */
  async changedSincePlanned(
    plan: CutoverPlan,
  ): Promise<{ changed: string[]; current: Map<string, IstioObject> }> {
    const current = new Map<string, IstioObject>();
    const changed: string[] = [];
    await Promise.all(
      Object.entries(plan.resourceVersions).map(async ([key, version]) => {
        const [cluster, kind, namespace, name] = key.split('/');
        const apiVersion =
          plan.changes.find(c => c.object.kind === kind)?.object.apiVersion ??
          plan.changes[0]?.object.apiVersion ??
          'networking.istio.io/v1';
        const object = await this.writer(cluster).get({
          apiVersion,
          kind,
          namespace,
          name,
        });
        if (object) {
          current.set(key, object);
        }
        if (object?.metadata.resourceVersion !== version) {
          changed.push(key);
        }
      }),
    );
    return { changed: changed.sort(), current };
  }

  /** The `dry-run` pre-flight check: the API server validates every patch and stores nothing. */
  async dryRun(plan: CutoverPlan): Promise<PreflightCheck> {
    const refused: string[] = [];
    await Promise.all(
      plan.changes.map(async change => {
        try {
          await this.writer(change.cluster).jsonPatch(
            change.object,
            change.patch,
            { dryRun: true },
          );
        } catch (e) {
          refused.push((e as Error).message);
        }
      }),
    );
    if (refused.length > 0) {
      return {
        id: 'dry-run',
        result: 'fail',
        message: `The Kubernetes API refused a patch in a dry run: ${refused.join(
          '; ',
        )}. Preview again; if it persists, fix the object the message names.`,
      };
    }
    return {
      id: 'dry-run',
      result: 'pass',
      message:
        plan.changes.length > 0
          ? `The Kubernetes API accepts every patch (dryRun=All).`
          : 'Nothing to send to the Kubernetes API.',
    };
  }

  /** Writes the plan. `before` holds the objects as re-read just before, for the history. */
  async apply(
    plan: CutoverPlan,
    before: Map<string, IstioObject>,
  ): Promise<ApplyResult> {
    const landed: Landed[] = [];
    for (const [i, change] of plan.changes.entries()) {
      try {
        const written = await this.writer(change.cluster).jsonPatch(
          change.object,
          change.patch,
        );
        landed.push({ change, written });
      } catch (e) {
        const error = e as Error;
        let failedLanded = false;
        if (e instanceof WriteFailedError && e.uncertain) {
          // No answer in time: wait for the request still in flight, then only the object
          // itself says whether the write landed.
          const now = (await e.late) ?? (await this.readQuietly(change));
          if (now && holds(now, change, 'written')) {
            landed.push({ change, written: now });
            failedLanded = true;
          }
        }
        const reverted = await this.revert(landed);
        const untouched = plan.changes.slice(i + (failedLanded ? 1 : 0)).map(
          (c): ObjectOutcome => ({
            cluster: c.cluster,
            object: c.object,
            result: 'not-written',
            message: c === change ? error.message : undefined,
          }),
        );
        const objects = [...reverted, ...untouched];
        const superseded = e instanceof ObjectChangedError;
        return {
          status: superseded ? 'superseded' : 'failed',
          outcome: {
            message: [
              superseded
                ? `${describe(
                    change,
                  )} changed since the cutover was planned, so nothing was overwritten: ${
                    error.message
                  }.`
                : `Writing ${describe(change)} failed: ${error.message}.`,
              revertSummary(landed.length, reverted),
              superseded
                ? 'Request the cutover again to plan it on the current objects.'
                : '',
            ]
              .filter(Boolean)
              .join(' '),
            objects,
          },
          objects: this.historyOf(landed, before),
          current: new Map(),
        };
      }
    }
    return {
      status: 'applied',
      outcome: {
        message: `Applied: ${landed.length} object${
          landed.length === 1 ? '' : 's'
        } written.`,
        objects: landed.map(l => ({
          cluster: l.change.cluster,
          object: l.change.object,
          result: 'written',
          resourceVersion: l.written.metadata.resourceVersion,
        })),
      },
      objects: this.historyOf(landed, before),
      current: new Map(
        landed.map(l => [
          objectKey(l.change.cluster, l.change.object),
          l.written,
        ]),
      ),
    };
  }

  /**
   * Finishes a cutover whose applier stopped half-way: reads every object; when every write
   * landed, the cutover is applied; otherwise the writes that landed are reverted.
   */
  async reconcile(plan: CutoverPlan): Promise<ApplyResult> {
    const states = await Promise.all(
      plan.changes.map(async change => {
        const now = await this.writer(change.cluster).get(change.object);
        return { change, now, state: stateOf(now, change) };
      }),
    );
    const landed = states
      .filter(s => s.state === 'written')
      .map(s => ({ change: s.change, written: s.now! }));
    if (landed.length === plan.changes.length) {
      return {
        status: 'applied',
        outcome: {
          message: `Applied: the backend stopped while applying, and on restart found all ${landed.length} write(s) in place.`,
          objects: landed.map(l => ({
            cluster: l.change.cluster,
            object: l.change.object,
            result: 'written',
            resourceVersion: l.written.metadata.resourceVersion,
          })),
        },
        objects: this.historyOf(landed, new Map()),
        current: new Map(
          landed.map(l => [
            objectKey(l.change.cluster, l.change.object),
            l.written,
          ]),
        ),
      };
    }
    const reverted = await this.revert(landed);
    const others = states
      .filter(s => s.state !== 'written')
      .map(
        (s): ObjectOutcome => ({
          cluster: s.change.cluster,
          object: s.change.object,
          result: 'not-written',
          message:
            s.state === 'diverged'
              ? `${describe(
                  s.change,
                )} holds neither the planned nor the previous routes (someone changed it): left as it is`
              : undefined,
        }),
      );
    return {
      status: 'failed',
      outcome: {
        message: `The backend stopped while applying this cutover. On restart ${landed.length} of ${plan.changes.length} write(s) had landed; they were reverted, so the routes are as before. Request the cutover again.`,
        objects: [...reverted, ...others],
      },
      objects: this.historyOf(landed, new Map()),
      current: new Map(),
    };
  }

  private async readQuietly(change: ObjectChange) {
    try {
      return await this.writer(change.cluster).get(change.object);
    } catch {
      return undefined;
    }
  }

  /** Undoes landed writes, last first, each tested against the resourceVersion it produced. */
  private async revert(landed: Landed[]): Promise<ObjectOutcome[]> {
    const outcomes: ObjectOutcome[] = [];
    for (const { change, written } of [...landed].reverse()) {
      try {
        const restored = await this.writer(change.cluster).jsonPatch(
          change.object,
          [
            {
              op: 'test',
              path: '/metadata/resourceVersion',
              value: written.metadata.resourceVersion,
            },
            ...change.revertPatch,
          ],
        );
        outcomes.unshift({
          cluster: change.cluster,
          object: change.object,
          result: 'reverted',
          resourceVersion: restored.metadata.resourceVersion,
        });
      } catch (e) {
        outcomes.unshift({
          cluster: change.cluster,
          object: change.object,
          result: 'revert-failed',
          message: `${(e as Error).message}. Restore ${change.paths.join(
            ', ',
          )} of ${describe(
            change,
          )} by hand: the previous value is in this cutover's history.`,
        });
      }
    }
    return outcomes;
  }

  private historyOf(
    landed: Landed[],
    before: Map<string, IstioObject>,
  ): NonNullable<CutoverEvent['objects']> {
    return landed.map(({ change, written }) => ({
      cluster: change.cluster,
      object: change.object,
      resourceVersionBefore: change.resourceVersion,
      resourceVersionAfter: written.metadata.resourceVersion,
      before: before.get(objectKey(change.cluster, change.object))?.spec,
      after: written.spec,
    }));
  }
}
