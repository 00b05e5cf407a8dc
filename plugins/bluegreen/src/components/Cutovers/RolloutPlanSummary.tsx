import {
  DEFAULT_ROLLOUT_GATES,
  DEFAULT_ROLLOUT_STEPS,
  RolloutGates,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { Facts } from './Facts';
import { ROLLOUT_LABELS, intervalLabel, stepsLabel } from './rolloutWording';

/** A rollout's settings as facts: colour, steps, interval, mode, gates. */
export function RolloutPlanSummary(props: {
  action: {
    colour: string;
    steps?: readonly number[];
    intervalSeconds?: number;
    mode?: 'auto' | 'manual';
    gates?: RolloutGates;
  };
}) {
  const { action } = props;
  const gates = { ...DEFAULT_ROLLOUT_GATES, ...action.gates };
  return (
    <Facts aria-label={ROLLOUT_LABELS.settings}>
      <dt>{ROLLOUT_LABELS.colour}</dt>
      <dd>{action.colour}</dd>
      <dt>{ROLLOUT_LABELS.steps}</dt>
      <dd>{stepsLabel(action.steps ?? DEFAULT_ROLLOUT_STEPS)}</dd>
      {action.intervalSeconds !== undefined && (
        <>
          <dt>{ROLLOUT_LABELS.interval}</dt>
          <dd>{intervalLabel(action.intervalSeconds)}</dd>
        </>
      )}
      <dt>{ROLLOUT_LABELS.mode}</dt>
      <dd>
        {action.mode === 'manual'
          ? ROLLOUT_LABELS.modeManual
          : ROLLOUT_LABELS.modeAuto}
      </dd>
      <dt>{ROLLOUT_LABELS.gates}</dt>
      <dd>
        {ROLLOUT_LABELS.minSuccessRate} {gates.minSuccessRatePercent} ·{' '}
        {ROLLOUT_LABELS.maxLatencyP99} {gates.maxLatencyP99Ms} ·{' '}
        {ROLLOUT_LABELS.minRequests} {gates.minRequests} ·{' '}
        {ROLLOUT_LABELS.noDataIntervals} {gates.noDataIntervals}
      </dd>
    </Facts>
  );
}
