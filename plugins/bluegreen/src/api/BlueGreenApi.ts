import { createApiRef } from '@backstage/core-plugin-api';
import {
  BlueGreenStateResponse,
  Cutover,
  CutoverDecisionBody,
  CutoverHistory,
  CutoverList,
  CutoverPreview,
  CutoverRequestBody,
  CutoverStatus,
  ExplainRequest,
  ExplainResponse,
  RolloutDecisionBody,
  RolloutMetrics,
} from '@bluegreen-istio/plugin-bluegreen-common';

/**
 * Which cutovers to list; every field is optional.
 *
 * @public
 */
export interface ListCutoversQuery {
  entityRef?: string;
  status?: CutoverStatus[];
  /** Only the requests the signed-in user may approve (not their own, with the permission). */
  approvableBy?: 'me';
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * Which history events to read.
 *
 * @public
 */
export interface CutoverHistoryQuery {
  entityRef: string;
  limit?: number;
  cursor?: string;
}

/**
 * Reads blue/green state and routing explanations from the bluegreen backend, and requests,
 * decides and follows cutovers.
 *
 * @public
 */
export interface BlueGreenApi {
  /** The state of an entity in every cluster it is looked up in. */
  getState(request: { entityRef: string }): Promise<BlueGreenStateResponse>;
  /** How one request would be routed, per cluster. */
  explain(request: ExplainRequest): Promise<ExplainResponse>;
  /** What a cutover would change and whether it may go ahead; writes nothing. */
  previewCutover(body: CutoverRequestBody): Promise<CutoverPreview>;
  /** Requests a cutover (applied at once when the entity needs no approval). */
  requestCutover(body: CutoverRequestBody): Promise<Cutover>;
  /** Cutovers, newest first. */
  listCutovers(query: ListCutoversQuery): Promise<CutoverList>;
  getCutover(id: string): Promise<Cutover>;
  approveCutover(id: string, body?: CutoverDecisionBody): Promise<Cutover>;
  rejectCutover(id: string, body?: CutoverDecisionBody): Promise<Cutover>;
  cancelCutover(id: string, body?: CutoverDecisionBody): Promise<Cutover>;
  /** The entity's cutover events, newest first. */
  getCutoverHistory(query: CutoverHistoryQuery): Promise<CutoverHistory>;
  /** A manual rollout's next step, once the current one passed its gates. */
  promoteRollout(id: string, body?: RolloutDecisionBody): Promise<Cutover>;
  /** Holds a rollout at its step: no evaluation, no step, until resumed. */
  pauseRollout(id: string, body?: RolloutDecisionBody): Promise<Cutover>;
  resumeRollout(id: string, body?: RolloutDecisionBody): Promise<Cutover>;
  /** Rolls a rollout back to the routes before it. */
  abortRollout(id: string, body?: RolloutDecisionBody): Promise<Cutover>;
  /** Per-colour request rate, error rate and p99 latency over a rollout, from Prometheus. */
  getRolloutMetrics(id: string): Promise<RolloutMetrics>;
}

/** @public */
export const bluegreenApiRef = createApiRef<BlueGreenApi>({
  id: 'plugin.bluegreen.api',
});
