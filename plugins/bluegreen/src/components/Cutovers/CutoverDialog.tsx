import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import {
  Cutover,
  CutoverAction,
  CutoverPreview,
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
  const { plan } = props.preview;
  const multiCluster = plan.clusters.length > 1;
  return (
    <>
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
  /** What to preview; for a split, the weights the form starts from. */
  action: CutoverAction;
  onClose: () => void;
  /** The request went through (it may already be applied). */
  onRequested: (cutover: Cutover) => void;
  /** The backend refused for want of the request permission; the message names it. */
  onForbidden?: (error: ErrorLike) => void;
}

/**
 * Preview, then request: the checks, the split before → after, each object's diff, the reason
 * and, for warnings, the acknowledgement. A split starts with its weights form.
 */
export function CutoverDialog(props: CutoverDialogProps) {
  const { entityRef, onClose, onRequested, onForbidden } = props;
  const api = useApi(bluegreenApiRef);
  const [action, setAction] = useState(props.action);
  const [editingWeights, setEditingWeights] = useState(
    props.action.action === 'split',
  );
  const [weights, setWeights] = useState<Record<string, string>>(() =>
    props.action.action === 'split'
      ? Object.fromEntries(
          Object.entries(props.action.weights).map(([c, w]) => [c, String(w)]),
        )
      : {},
  );
  const [preview, setPreview] = useState<CutoverPreview>();
  const [previewError, setPreviewError] = useState<ErrorLike>();
  const [reason, setReason] = useState('');
  const [acknowledged, setAcknowledged] = useState(false);

  useEffect(() => {
    if (editingWeights) {
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
  }, [api, entityRef, action, editingWeights, onForbidden]);

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

  const weightsCheck = validateWeights(weights);
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
        {editingWeights ? LABELS.setSplit : previewTitle(action)}
      </DialogTitle>
      <DialogContent dividers>
        {editingWeights && (
          <SplitWeightsForm weights={weights} onChange={setWeights} />
        )}
        {!editingWeights && !preview && !previewError && (
          <>
            <Typography variant="body2">{LABELS.previewLoading}</Typography>
            <Progress />
          </>
        )}
        {previewError && <ApiErrorAlert error={previewError} />}
        {!editingWeights && preview && (
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
        {!editingWeights && blocker && (
          <Typography variant="caption" color="textSecondary">
            {blocker}
          </Typography>
        )}
        {editingWeights && !weightsCheck.valid && (
          <Typography variant="caption" color="error">
            {weightsCheck.problem}
          </Typography>
        )}
        <Button onClick={onClose} disabled={submit.busy}>
          {LABELS.close}
        </Button>
        {props.action.action === 'split' && !editingWeights && (
          <Button
            onClick={() => setEditingWeights(true)}
            disabled={submit.busy}
          >
            {LABELS.back}
          </Button>
        )}
        {editingWeights ? (
          <Button
            color="primary"
            variant="contained"
            disabled={!weightsCheck.valid}
            onClick={() => {
              if (weightsCheck.valid) {
                setAction({ action: 'split', weights: weightsCheck.weights });
                setEditingWeights(false);
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
