import { useApi } from '@backstage/core-plugin-api';
import { Cutover } from '@bluegreen-istio/plugin-bluegreen-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useCallback, useState } from 'react';
import { bluegreenApiRef } from '../../api';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { ApiErrorAlert } from './ApiErrorAlert';
import { ProgressButton } from './ProgressButton';
import {
  DECISION_BUTTONS,
  LABELS,
  REASONS,
  actorName,
  decisionTitle,
} from './wording';

export type Decision = 'approve' | 'reject' | 'cancel';

const TITLE_ID = 'bluegreen-decision-dialog-title';

/** Confirms approving, rejecting (a comment required) or cancelling a request, then does it. */
export function DecisionDialog(props: {
  cutover: Cutover;
  decision: Decision;
  onClose: () => void;
  onDecided: (cutover: Cutover) => void;
}) {
  const { cutover, decision, onClose, onDecided } = props;
  const api = useApi(bluegreenApiRef);
  const [comment, setComment] = useState('');
  const commentRequired = decision === 'reject';
  const send = useSingleFlight(
    useCallback(async () => {
      const body = comment.trim() ? { comment: comment.trim() } : {};
      let decided: Cutover;
      if (decision === 'approve') {
        decided = await api.approveCutover(cutover.id, body);
      } else if (decision === 'reject') {
        decided = await api.rejectCutover(cutover.id, body);
      } else {
        decided = await api.cancelCutover(cutover.id, body);
      }
      onDecided(decided);
      onClose();
      return decided;
    }, [api, cutover.id, decision, comment, onDecided, onClose]),
  );
  const blocked = commentRequired && !comment.trim();
  return (
    <Dialog
      open
      onClose={send.busy ? undefined : onClose}
      aria-labelledby={TITLE_ID}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={TITLE_ID}>
        {decisionTitle(decision, cutover.action, cutover.entityRef)}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          {actorName(cutover.requestedBy)}: “{cutover.reason}”
        </DialogContentText>
        {send.error && <ApiErrorAlert error={send.error} />}
        <TextField
          id="bluegreen-decision-comment"
          label={LABELS.comment}
          value={comment}
          onChange={e => setComment(e.target.value)}
          required={commentRequired}
          fullWidth
          multiline
          minRows={2}
          variant="outlined"
        />
      </DialogContent>
      <DialogActions>
        {blocked && (
          <Typography variant="caption" color="textSecondary">
            {REASONS.commentRequiredToReject}
          </Typography>
        )}
        <Button onClick={onClose} disabled={send.busy}>
          {LABELS.close}
        </Button>
        <ProgressButton
          color={decision === 'approve' ? 'primary' : 'secondary'}
          variant="contained"
          busy={send.busy}
          disabled={blocked}
          onClick={() => send.run()}
        >
          {DECISION_BUTTONS[decision]}
        </ProgressButton>
      </DialogActions>
    </Dialog>
  );
}
