import { useApi } from '@backstage/core-plugin-api';
import {
  Cutover,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useCallback } from 'react';
import { BlueGreenApi, bluegreenApiRef } from '../../api';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { ApiErrorAlert } from './ApiErrorAlert';
import { Facts } from './Facts';
import { ProgressButton } from './ProgressButton';
import { RolloutCharts } from './RolloutCharts';
import { RolloutPlanSummary } from './RolloutPlanSummary';
import { RolloutStepTimeline } from './RolloutStepTimeline';
import {
  ROLLOUT_LABELS,
  ROLLOUT_REASONS,
  pendingLabel,
  relativeOrPaused,
  stepOf,
  weightsLabel,
} from './rolloutWording';
import { actorName } from './wording';

const useStyles = makeStyles(theme => ({
  buttons: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    margin: theme.spacing(1, 0, 2),
  },
  section: {
    marginBottom: theme.spacing(3),
  },
}));

type Command = 'promote' | 'pause' | 'resume' | 'abort';

const CALLS: Record<Command, keyof BlueGreenApi> = {
  promote: 'promoteRollout',
  pause: 'pauseRollout',
  resume: 'resumeRollout',
  abort: 'abortRollout',
};

const COMMAND_LABELS: Record<Command, string> = {
  promote: ROLLOUT_LABELS.promote,
  pause: ROLLOUT_LABELS.pause,
  resume: ROLLOUT_LABELS.resume,
  abort: ROLLOUT_LABELS.abort,
};

/** The commands that mean something now, as the backend would accept them. */
function commandsFor(rollout: RolloutState): Command[] {
  const step = rollout.history[rollout.current];
  const held = rollout.paused || rollout.pausedBy !== undefined;
  const commands: Command[] = [];
  if (
    rollout.mode === 'manual' &&
    step?.verdict === 'passed' &&
    !held &&
    !rollout.promoteRequestedBy
  ) {
    commands.push('promote');
  }
  commands.push(held ? 'resume' : 'pause');
  if (!rollout.abortRequestedBy) {
    commands.push('abort');
  }
  return commands;
}

function SteerButtons(props: {
  cutover: Cutover;
  rollout: RolloutState;
  onSteered: (cutover: Cutover) => void;
}) {
  const { cutover, rollout, onSteered } = props;
  const classes = useStyles();
  const api = useApi(bluegreenApiRef);
  const steer = useSingleFlight(
    useCallback(
      async (command: Command) => {
        const call = api[CALLS[command]] as (id: string) => Promise<Cutover>;
        const after = await call.call(api, cutover.id);
        onSteered(after);
        return after;
      },
      [api, cutover.id, onSteered],
    ),
  );
  const commands = commandsFor(rollout);
  const step = rollout.history[rollout.current];
  const promoteWaits =
    rollout.mode === 'manual' && step?.verdict === 'watching';
  return (
    <>
      <div className={classes.buttons}>
        {commands.map(command => (
          <ProgressButton
            key={command}
            busy={steer.busy}
            variant={command === 'promote' ? 'contained' : 'outlined'}
            color={command === 'abort' ? 'secondary' : 'primary'}
            onClick={() => steer.run(command)}
          >
            {COMMAND_LABELS[command]}
          </ProgressButton>
        ))}
        {promoteWaits && (
          <Typography variant="caption" color="textSecondary">
            {ROLLOUT_REASONS.promoteWhenPassed}
          </Typography>
        )}
      </div>
      {steer.error && <ApiErrorAlert error={steer.error} />}
    </>
  );
}

/**
 * A rolled-back rollout's routes are the plan's "before" again: the snapshot the rollback restored,
 * not the weights of the step that failed.
 */
function weightsBeforeRollout(
  cutover: Cutover,
): Record<string, number> | undefined {
  const split = cutover.plan.splits[0];
  if (!split) return undefined;
  return Object.fromEntries(
    split.before
      .filter(share => share.colour !== null)
      .map(share => [share.colour as string, share.percent]),
  );
}

/**
 * A progressive rollout: where it is (the weights now, the step, when its gates are judged next,
 * who paused it), promote / pause / resume / abort for whom the backend lets steer it, every
 * step with its gates' measurements, and the per-colour charts over the rollout.
 */
export function RolloutPanel(props: {
  cutover: Cutover & { rollout: RolloutState };
  /**
   * Whether the signed-in user may steer it: the backend lets the requester (with the request
   * permission) or an approver. Undefined while asking, or where nobody steers (the history).
   */
  maySteer?: boolean;
  onSteered?: (cutover: Cutover) => void;
}) {
  const { cutover, maySteer, onSteered } = props;
  const { rollout } = cutover;
  const classes = useStyles();
  const running = cutover.status === 'progressing';
  const step = rollout.history[rollout.current];
  const weightsNow =
    cutover.status === 'rolled-back'
      ? weightsBeforeRollout(cutover)
      : step?.weights;
  return (
    <section aria-label={ROLLOUT_LABELS.rollout}>
      <Facts>
        <dt>{ROLLOUT_LABELS.weightsNow}</dt>
        <dd aria-label={ROLLOUT_LABELS.weightsNow}>
          {weightsNow ? weightsLabel(weightsNow, rollout.colour) : '—'}
        </dd>
        <dt>{ROLLOUT_LABELS.step}</dt>
        <dd>{stepOf(rollout.current, rollout.steps.length)}</dd>
        {running && (
          <>
            <dt>{ROLLOUT_LABELS.nextEvaluation}</dt>
            <dd>{relativeOrPaused(rollout.nextEvaluationAt)}</dd>
          </>
        )}
        {running && rollout.pausedBy && (
          <>
            <dt>{ROLLOUT_LABELS.pausedBy}</dt>
            <dd>{actorName(rollout.pausedBy)}</dd>
          </>
        )}
      </Facts>
      <RolloutPlanSummary action={rollout} />
      {running && rollout.promoteRequestedBy && (
        <Typography variant="body2">
          {pendingLabel('promote', actorName(rollout.promoteRequestedBy))}
        </Typography>
      )}
      {running && rollout.abortRequestedBy && (
        <Typography variant="body2">
          {pendingLabel('abort', actorName(rollout.abortRequestedBy))}
        </Typography>
      )}
      {running && maySteer && onSteered && (
        <SteerButtons
          cutover={cutover}
          rollout={rollout}
          onSteered={onSteered}
        />
      )}
      {running && maySteer === false && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {ROLLOUT_LABELS.noSteerPermission}
        </Typography>
      )}
      <div className={classes.section}>
        <RolloutCharts cutover={cutover} />
      </div>
      <Typography variant="subtitle1" component="h3" gutterBottom>
        {ROLLOUT_LABELS.stepTimeline}
      </Typography>
      <RolloutStepTimeline rollout={rollout} ended={!running} />
    </section>
  );
}
