import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import {
  BlueGreenStateResponse,
  Cutover,
  CutoverAction,
  CutoverPreview,
  bluegreenCutoverRequestPermission,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import { bluegreenApiRef } from '../../api';
import { errorMessage } from '../BlueGreenErrorPanel';
import { isForbidden } from './ApiErrorAlert';
import { CutoverDialog } from './CutoverDialog';
import { ROLLOUT_LABELS } from './rolloutWording';
import { LABELS, REASONS, actionLabel, rollbackLabel } from './wording';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
  },
  action: {
    display: 'flex',
    flexDirection: 'column',
    maxWidth: '22em',
  },
}));

interface ActionButton {
  key: string;
  label: string;
  action: CutoverAction;
  /** Why it cannot be pressed now. */
  disabledReason?: string;
}

function colourNames(state: BlueGreenStateResponse): string[] {
  return [
    ...new Set(
      state.clusters
        .filter(c => !c.error)
        .flatMap(c => c.colours.map(colour => colour.name)),
    ),
  ];
}

function switchButtons(
  state: BlueGreenStateResponse,
  openReason?: string,
): ActionButton[] {
  const clusters = state.clusters.filter(c => !c.error);
  return colourNames(state)
    .filter(name => !clusters.every(c => c.activeColour === name))
    .map(name => {
      const empty = clusters.find(c =>
        c.colours.some(
          colour => colour.name === name && colour.readyPods === 0,
        ),
      );
      return {
        key: `switch-${name}`,
        label: actionLabel({ action: 'switch', colour: name }),
        action: { action: 'switch', colour: name },
        disabledReason:
          openReason ??
          (empty
            ? REASONS.noReadyPods(
                name,
                clusters.length > 1 ? empty.cluster : undefined,
              )
            : undefined),
      };
    });
}

function splitButton(
  state: BlueGreenStateResponse,
  openReason?: string,
): ActionButton {
  const cluster = state.clusters.find(c => !c.error);
  const names = cluster?.colours.map(c => c.name) ?? [];
  const current = cluster?.splits[0]?.destinations ?? [];
  const weights = Object.fromEntries(
    names.map(name => [
      name,
      current.find(d => d.colour === name)?.percent ?? 0,
    ]),
  );
  return {
    key: 'split',
    label: LABELS.setSplit,
    action: { action: 'split', weights },
    disabledReason:
      openReason ?? (names.length < 2 ? REASONS.oneColour : undefined),
  };
}

/**
 * A progressive rollout, starting from the colour with the least traffic on the first shared
 * host: the one a rollout most likely moves traffic to.
 */
function progressiveButton(
  state: BlueGreenStateResponse,
  openReason?: string,
): ActionButton {
  const cluster = state.clusters.find(c => !c.error);
  const names = cluster?.colours.map(c => c.name) ?? [];
  const share = (name: string) =>
    cluster?.splits[0]?.destinations.find(d => d.colour === name)?.percent ?? 0;
  const [candidate] = [...names].sort((a, b) => share(a) - share(b));
  return {
    key: 'progressive',
    label: ROLLOUT_LABELS.progressiveRollout,
    action: { action: 'progressive', colour: candidate ?? '' },
    disabledReason:
      openReason ?? (names.length < 2 ? REASONS.oneColour : undefined),
  };
}

/** What a rollback would restore, from its preview (which also says when there is nothing to). */
function useRollbackPreview(
  entityRef: string,
  lastApplied: Cutover | undefined,
  enabled: boolean,
  onForbidden: (error: ErrorLike) => void,
) {
  const api = useApi(bluegreenApiRef);
  const [result, setResult] = useState<{
    forId?: string;
    preview?: CutoverPreview;
    error?: ErrorLike;
  }>({});
  const id = lastApplied?.id;
  useEffect(() => {
    if (!id || !enabled) {
      return undefined;
    }
    let stale = false;
    api.previewCutover({ entityRef, action: { action: 'rollback' } }).then(
      preview => !stale && setResult({ forId: id, preview }),
      e => {
        if (!stale) {
          setResult({ forId: id, error: toError(e) });
          if (isForbidden(e)) {
            onForbidden(e);
          }
        }
      },
    );
    return () => {
      stale = true;
    };
  }, [api, entityRef, id, enabled, onForbidden]);
  return result.forId === id ? result : {};
}

function rollbackButton(
  rollback: { preview?: CutoverPreview; error?: ErrorLike },
  openReason?: string,
): ActionButton {
  const { preview, error } = rollback;
  const failed = preview?.plan.checks.find(c => c.result === 'fail');
  let disabledReason = openReason;
  if (!disabledReason) {
    if (error) {
      disabledReason = errorMessage(error);
    } else if (!preview) {
      disabledReason = REASONS.checkingRollback;
    } else if (failed) {
      disabledReason = failed.message;
    }
  }
  return {
    key: 'rollback',
    label: rollbackLabel(preview?.plan.splits[0]?.after),
    action: { action: 'rollback' },
    disabledReason,
  };
}

/**
 * "Switch to <colour>", "Set split…", "Progressive rollout…" and "Roll back", each disabled with its reason when it cannot
 * be requested now. Shown only to users the permission policy grants `bluegreen.cutover.request`
 * for the entity (hidden, saying so, otherwise); should the backend still refuse with a 403, they
 * are hidden with its message.
 */
export function ReleaseActions(props: {
  entityRef: string;
  state: BlueGreenStateResponse;
  open?: Cutover;
  lastApplied?: Cutover;
  onRequested: (cutover: Cutover) => void;
}) {
  const { entityRef, state, open, lastApplied, onRequested } = props;
  const classes = useStyles();
  const [dialogAction, setDialogAction] = useState<CutoverAction>();
  const [forbidden, setForbidden] = useState<ErrorLike>();
  const permission = usePermission({
    permission: bluegreenCutoverRequestPermission,
    resourceRef: entityRef,
  });
  const rollback = useRollbackPreview(
    entityRef,
    lastApplied,
    permission.allowed && !open && !forbidden,
    setForbidden,
  );

  const dialog = dialogAction && (
    <CutoverDialog
      entityRef={entityRef}
      action={dialogAction}
      colours={colourNames(state)}
      onClose={() => setDialogAction(undefined)}
      onRequested={onRequested}
      onForbidden={setForbidden}
    />
  );

  if (permission.loading) {
    return null;
  }
  if (!permission.allowed || forbidden) {
    return (
      <section aria-label={LABELS.releaseActions}>
        <Alert severity="info">
          {LABELS.noCutoverPermission}:{' '}
          {forbidden
            ? errorMessage(forbidden)
            : LABELS.noCutoverPermissionDetail}
        </Alert>
        {dialog}
      </section>
    );
  }

  const openReason = open ? REASONS.requestOpen : undefined;
  const buttons = [
    ...switchButtons(state, openReason),
    splitButton(state, openReason),
    progressiveButton(state, openReason),
    ...(lastApplied ? [rollbackButton(rollback, openReason)] : []),
  ];

  return (
    <section aria-label={LABELS.releaseActions}>
      <div className={classes.root}>
        {buttons.map(button => (
          <div key={button.key} className={classes.action}>
            <Tooltip title={button.disabledReason ?? ''}>
              <span>
                <Button
                  variant="outlined"
                  color="primary"
                  disabled={button.disabledReason !== undefined}
                  onClick={() => setDialogAction(button.action)}
                >
                  {button.label}
                </Button>
              </span>
            </Tooltip>
            {button.disabledReason && (
              <Typography variant="caption" color="textSecondary">
                {button.disabledReason}
              </Typography>
            )}
          </div>
        ))}
      </div>
      {dialog}
    </section>
  );
}
