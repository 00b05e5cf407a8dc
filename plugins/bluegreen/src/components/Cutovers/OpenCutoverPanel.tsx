import { InfoCard } from '@backstage/core-components';
import {
  Cutover,
  OPEN_CUTOVER_STATUSES,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { Decision, DecisionDialog } from './DecisionDialog';
import { Facts } from './Facts';
import { objectName } from './ObjectDiff';
import { RolloutPanel } from './RolloutPanel';
import {
  DECISION_BUTTONS,
  LABELS,
  STATUS_LABELS,
  actionLabel,
  actorName,
  approvalsProgress,
  relativeTime,
} from './wording';

const useStyles = makeStyles(theme => ({
  buttons: {
    display: 'flex',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
  outcome: {
    marginTop: theme.spacing(1),
  },
}));

function Time(props: { at: string }) {
  return (
    <time dateTime={props.at} title={new Date(props.at).toLocaleString()}>
      {relativeTime(props.at)}
    </time>
  );
}

/** How the cutover ended, when it did: the reason a failure or a supersession gives. */
function Outcome(props: { cutover: Cutover }) {
  const classes = useStyles();
  const { status, outcome } = props.cutover;
  if (!outcome) {
    return null;
  }
  const severity = (() => {
    switch (status) {
      case 'applied':
        return 'success' as const;
      case 'failed':
        return 'error' as const;
      case 'superseded':
      case 'rolled-back':
        return 'warning' as const;
      default:
        return 'info' as const;
    }
  })();
  return (
    <Alert severity={severity} className={classes.outcome}>
      <Typography variant="body2">{outcome.message}</Typography>
      {outcome.changed && outcome.changed.length > 0 && (
        <>
          <Typography variant="body2">
            <strong>{LABELS.changedSincePlanned}:</strong>
          </Typography>
          <ul>
            {outcome.changed.map(key => (
              <li key={key}>
                <code>{key}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {outcome.objects && outcome.objects.length > 0 && (
        <>
          <Typography variant="body2">
            <strong>{LABELS.objectsOutcome}:</strong>
          </Typography>
          <ul>
            {outcome.objects.map(o => (
              <li key={`${o.cluster}/${objectName(o)}`}>
                {objectName(o)} ({o.cluster}): {o.result}
                {o.message ? ` — ${o.message}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </Alert>
  );
}

/**
 * The entity's open request (or the one just followed to its end): what, who, when, why, the
 * approvals, its status; approve and reject for approvers, cancel for the requester.
 */
export function OpenCutoverPanel(props: {
  cutover: Cutover;
  currentUser?: string;
  /** Whether the signed-in user may approve it (permitted, and listed `approvableBy=me`). */
  approvable: boolean;
  /** Whether the permission policy lets the signed-in user approve this entity's cutovers. */
  mayApprove?: boolean;
  /** Whether the permission policy lets the signed-in user request this entity's cutovers. */
  mayRequest?: boolean;
  /** Whether it updates through signals (else by polling). */
  live: boolean;
  onDecided: (cutover: Cutover) => void;
  onDismiss: () => void;
}) {
  const {
    cutover,
    currentUser,
    approvable,
    mayApprove,
    mayRequest,
    live,
    onDecided,
    onDismiss,
  } = props;
  const classes = useStyles();
  const [decision, setDecision] = useState<Decision>();
  const isOpen = OPEN_CUTOVER_STATUSES.includes(cutover.status);
  const mine = currentUser !== undefined && currentUser === cutover.requestedBy;
  const waiting = cutover.status === 'requested';
  const decisions: Decision[] = [];
  if (waiting && mine) {
    decisions.push('cancel');
  } else if (waiting && approvable) {
    decisions.push('approve', 'reject');
  }
  const title = isOpen ? LABELS.openRequest : LABELS.lastRequest;
  let subheader: string | undefined;
  if (isOpen) {
    subheader = live ? LABELS.followingLive : LABELS.followingByPolling;
  }
  return (
    <InfoCard
      title={`${title}: ${actionLabel(cutover.action)}`}
      subheader={subheader}
    >
      <section aria-label={title}>
        <Facts>
          <dt>{LABELS.status}</dt>
          <dd>
            <Chip size="small" label={STATUS_LABELS[cutover.status]} />
          </dd>
          <dt>{LABELS.requester}</dt>
          <dd>
            {actorName(cutover.requestedBy)}, <Time at={cutover.createdAt} />
          </dd>
          <dt>{LABELS.reason}</dt>
          <dd>{cutover.reason}</dd>
          <dt>{LABELS.approvals}</dt>
          <dd>
            {approvalsProgress(
              cutover.approvals.length,
              cutover.approvalsRequired,
            )}
            {cutover.approvals.map(a => (
              <Typography variant="body2" key={`${a.by}-${a.at}`}>
                {actorName(a.by)}, <Time at={a.at} />
                {a.comment ? `: “${a.comment}”` : ''}
              </Typography>
            ))}
          </dd>
        </Facts>
        {(cutover.status === 'approved' || cutover.status === 'applying') && (
          <LinearProgress aria-label={STATUS_LABELS[cutover.status]} />
        )}
        <Outcome cutover={cutover} />
        {cutover.rollout && (
          <RolloutPanel
            cutover={{ ...cutover, rollout: cutover.rollout }}
            maySteer={mine ? mayRequest : mayApprove}
            onSteered={onDecided}
          />
        )}
        {waiting && mine && (
          <Typography variant="body2" color="textSecondary">
            {LABELS.cannotApproveOwn}
          </Typography>
        )}
        {waiting && !mine && mayApprove === false && (
          <Typography variant="body2" color="textSecondary">
            {LABELS.noApprovePermission}
          </Typography>
        )}
        <div className={classes.buttons}>
          {decisions.map(d => (
            <Button
              key={d}
              variant={d === 'approve' ? 'contained' : 'outlined'}
              color={d === 'approve' ? 'primary' : 'secondary'}
              onClick={() => setDecision(d)}
            >
              {DECISION_BUTTONS[d]}
            </Button>
          ))}
          {!isOpen && <Button onClick={onDismiss}>{LABELS.dismiss}</Button>}
        </div>
      </section>
      {decision && (
        <DecisionDialog
          cutover={cutover}
          decision={decision}
          onClose={() => setDecision(undefined)}
          onDecided={onDecided}
        />
      )}
    </InfoCard>
  );
}
