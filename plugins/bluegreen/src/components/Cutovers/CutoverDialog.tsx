import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import {
  Cutover,
  CutoverAction,
  CutoverPreview,
  ProgressiveAction,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useCallback, useEffect, useState } from 'react';
import { bluegreenApiRef } from '../../api';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { ApiErrorAlert, isForbidden } from './ApiErrorAlert';
import { ObjectChangeView } from './ObjectDiff';
import { PreflightCheckList } from './PreflightCheckList';
import { ProgressButton } from './ProgressButton';
import { SplitChangeList } from './SplitChangeList';
import { SplitWeightsForm, validateWeights } from './SplitWeightsForm';
import {
  RolloutFormValues,
  RolloutSettingsForm,
  rolloutFormValues,
  validateRolloutForm,
} from './RolloutSettingsForm';
import { RolloutPlanSummary } from './RolloutPlanSummary';
import { ROLLOUT_LABELS } from './rolloutWording';
import { LABELS, REASONS, actionLabel, previewTitle } from './wording';

const TITLE_ID = 'bluegreen-cutover-dialog-title';

const useStyles = makeStyles(theme => ({
  section: {
    marginBottom: theme.spacing(3),
  },
}));

function Section(props: { title: string; children: React.ReactNode }) {
  const classes = useStyles();
  return (
    <section className={classes.section} aria-label={props.title}>
      <Typography variant="subtitle1" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </section>
  );
}

function PreviewBody(props: { preview: CutoverPreview }) {
  const { action, plan } = props.preview;
  const multiCluster = plan.clusters.length > 1;
  return (
    <>
      {action.action === 'progressive' && (
        <Section title={ROLLOUT_LABELS.plan}>
          <RolloutPlanSummary action={action} />
          <Typography variant="subtitle2" component="p">
            {ROLLOUT_LABELS.firstStepPreview}
          </Typography>
        </Section>
      )}
      <Section title={LABELS.checks}>
        <PreflightCheckList checks={plan.checks} />
      </Section>
      <Section title={LABELS.splitChanges}>
        <SplitChangeList splits={plan.splits} showCluster={multiCluster} />
      </Section>
      <Section title={LABELS.objectChanges}>
        {plan.changes.length === 0 ? (
          <Typography variant="body2">{LABELS.noChanges}</Typography>
        ) : (
          plan.changes.map(change => (
            <ObjectChangeView
              key={`${change.cluster}/${change.object.kind}/${change.object.namespace}/${change.object.name}`}
              change={change}
              showCluster={multiCluster}
            />
          ))
        )}
      </Section>
    </>
  );
}

export interface CutoverDialogProps {
  entityRef: string;
  /**
   * What to preview; for a split, the weights the form starts from; for a progressive rollout,
   * the colour its form starts from (the other settings are the backend's defaults).
   */
  action: CutoverAction;
  /** The colours a progressive rollout may move traffic to. */
  colours?: string[];
  onClose: () => void;
  /** The request went through (it may already be applied). */
  onRequested: (cutover: Cutover) => void;
  /** The backend refused for want of the request permission; the message names it. */
  onForbidden?: (error: ErrorLike) => void;
}

/**
 * The settings a progressive rollout gets when the request names none, as the backend resolves
 * them for the entity (annotations over configuration): read from a preview of the bare action.
 */
function useRolloutDefaults(
  entityRef: string,
  action: CutoverAction,
  onForbidden?: (error: ErrorLike) => void,
) {
  const api = useApi(bluegreenApiRef);
  const [defaults, setDefaults] = useState<{
    action?: ProgressiveAction;
    error?: ErrorLike;
  }>({});
  const colour = action.action === 'progressive' ? action.colour : undefined;
  useEffect(() => {
    if (colour === undefined) {
      return undefined;
    }
    let stale = false;
    api
      .previewCutover({ entityRef, action: { action: 'progressive', colour } })
      .then(
        preview =>
          !stale &&
          setDefaults({
            action:
              preview.action.action === 'progressive'
                ? preview.action
                : { action: 'progressive', colour },
          }),
        e => {
          if (!stale) {
            setDefaults({ error: toError(e) });
            if (isForbidden(e)) {
              onForbidden?.(e);
            }
          }
        },
      );
    return () => {
      stale = true;
    };
  }, [api, entityRef, colour, onForbidden]);
  return defaults;
}

/**
 * Preview, then request: the checks, the split before → after, each object's diff, the reason
 * and, for warnings, the acknowledgement. A split starts with its weights form, a progressive
 * rollout with its settings (filled with the backend's defaults for the entity).
 */
export function CutoverDialog(props: CutoverDialogProps) {
  const { entityRef, colours = [], onClose, onRequested, onForbidden } = props;
  const api = useApi(bluegreenApiRef);
  const [action, setAction] = useState(props.action);
  const form =
    props.action.action === 'split' || props.action.action === 'progressive'
      ? props.action.action
      : undefined;
  const [editing, setEditing] = useState(form !== undefined);
  const [weights, setWeights] = useState<Record<string, string>>(() =>
    props.action.action === 'split'
      ? Object.fromEntries(
          Object.entries(props.action.weights).map(([c, w]) => [c, String(w)]),
        )
      : {},
  );
  const rolloutDefaults = useRolloutDefaults(
    entityRef,
    props.action,
    onForbidden,
  );
  const [rolloutValues, setRolloutValues] = useState<RolloutFormValues>();
  useEffect(() => {
    if (rolloutDefaults.action) {
      setRolloutValues(
        previous => previous ?? rolloutFormValues(rolloutDefaults.action!),
      );
    }
  }, [rolloutDefaults.action]);
  const [preview, setPreview] = useState<CutoverPreview>();
  const [previewError, setPreviewError] = useState<ErrorLike>();
  const [reason, setReason] = useState('');
  const [acknowledged, setAcknowledged] = useState(false);

  useEffect(() => {
    if (editing) {
      return undefined;
    }
    let stale = false;
    setPreview(undefined);
    setPreviewError(undefined);
    setAcknowledged(false);
    api.previewCutover({ entityRef, action }).then(
      answer => !stale && setPreview(answer),
      e => {
        if (!stale) {
          setPreviewError(toError(e));
          if (isForbidden(e)) {
            onForbidden?.(e);
          }
        }
      },
    );
    return () => {
      stale = true;
    };
  }, [api, entityRef, action, editing, onForbidden]);

  const submit = useSingleFlight(
    useCallback(async () => {
      const cutover = await api.requestCutover({
        entityRef,
        action,
        reason: reason.trim(),
        acknowledgeWarnings: preview?.needsAcknowledgement || undefined,
      });
      onRequested(cutover);
      onClose();
      return cutover;
    }, [api, entityRef, action, reason, preview, onRequested, onClose]),
  );
  useEffect(() => {
    if (submit.error && isForbidden(submit.error)) {
      onForbidden?.(submit.error);
    }
  }, [submit.error, onForbidden]);

  const formCheck = (():
    | { valid: true; action: CutoverAction }
    | { valid: false; problem?: string } => {
    if (form === 'split') {
      const check = validateWeights(weights);
      return check.valid
        ? { valid: true, action: { action: 'split', weights: check.weights } }
        : check;
    }
    if (form === 'progressive') {
      return rolloutValues
        ? validateRolloutForm(rolloutValues)
        : { valid: false };
    }
    return { valid: false };
  })();
  const blocker = (() => {
    if (!preview) {
      return undefined;
    }
    if (!preview.canRequest) {
      return REASONS.checksFailed;
    }
    if (preview.needsAcknowledgement && !acknowledged) {
      return REASONS.acknowledgeFirst;
    }
    if (!reason.trim()) {
      return REASONS.reasonRequired;
    }
    return undefined;
  })();

  return (
    <Dialog
      open
      onClose={submit.busy ? undefined : onClose}
      aria-labelledby={TITLE_ID}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={TITLE_ID}>
        {editing && form === 'split' && LABELS.setSplit}
        {editing && form === 'progressive' && ROLLOUT_LABELS.settings}
        {!editing && previewTitle(action)}
      </DialogTitle>
      <DialogContent dividers>
        {editing && form === 'split' && (
          <SplitWeightsForm weights={weights} onChange={setWeights} />
        )}
        {editing && form === 'progressive' && rolloutValues && (
          <RolloutSettingsForm
            values={rolloutValues}
            colours={colours}
            onChange={setRolloutValues}
          />
        )}
        {editing &&
          form === 'progressive' &&
          !rolloutValues &&
          !rolloutDefaults.error && (
            <>
              <Typography variant="body2">
                {ROLLOUT_LABELS.defaultsLoading}
              </Typography>
              <Progress />
            </>
          )}
        {editing && rolloutDefaults.error && (
          <ApiErrorAlert error={rolloutDefaults.error} />
        )}
        {!editing && !preview && !previewError && (
          <>
            <Typography variant="body2">{LABELS.previewLoading}</Typography>
            <Progress />
          </>
        )}
        {previewError && <ApiErrorAlert error={previewError} />}
        {!editing && preview && (
          <>
            <PreviewBody preview={preview} />
            <TextField
              id="bluegreen-cutover-reason"
              label={LABELS.reason}
              helperText={LABELS.reasonHelp}
              value={reason}
              onChange={e => setReason(e.target.value)}
              required
              fullWidth
              multiline
              minRows={2}
              variant="outlined"
              disabled={!preview.canRequest}
            />
            {preview.needsAcknowledgement && (
              <FormControlLabel
                control={
                  <Checkbox
                    checked={acknowledged}
                    onChange={e => setAcknowledged(e.target.checked)}
                    disabled={!preview.canRequest}
                  />
                }
                label={LABELS.acknowledgeWarnings}
              />
            )}
          </>
        )}
        {submit.error && <ApiErrorAlert error={submit.error} />}
      </DialogContent>
      <DialogActions>
        {!editing && blocker && (
          <Typography variant="caption" color="textSecondary">
            {blocker}
          </Typography>
        )}
        {editing && !formCheck.valid && formCheck.problem && (
          <Typography variant="caption" color="error">
            {formCheck.problem}
          </Typography>
        )}
        <Button onClick={onClose} disabled={submit.busy}>
          {LABELS.close}
        </Button>
        {form && !editing && (
          <Button onClick={() => setEditing(true)} disabled={submit.busy}>
            {LABELS.back}
          </Button>
        )}
        {editing ? (
          <Button
            color="primary"
            variant="contained"
            disabled={!formCheck.valid}
            onClick={() => {
              if (formCheck.valid) {
                setAction(formCheck.action);
                setEditing(false);
              }
            }}
          >
            {LABELS.preview}
          </Button>
        ) : (
          <ProgressButton
            color="primary"
            variant="contained"
            busy={submit.busy}
            disabled={!preview || blocker !== undefined}
            onClick={() => submit.run()}
            aria-label={`${
              preview?.approvalsRequired === 0
                ? LABELS.apply
                : LABELS.requestApproval
            }: ${actionLabel(action)}`}
          >
            {preview?.approvalsRequired === 0
              ? LABELS.apply
              : LABELS.requestApproval}
          </ProgressButton>
        )}
      </DialogActions>
    </Dialog>
  );
}
