import { BlueGreenStateResponse } from '@bluegreen-istio/plugin-bluegreen-common';
import Grid from '@material-ui/core/Grid';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { EntityCutovers } from '../../hooks/useEntityCutovers';
import { ApiErrorAlert } from './ApiErrorAlert';
import { OpenCutoverPanel } from './OpenCutoverPanel';
import { ReleaseActions } from './ReleaseActions';

/** The top of the tab: the open request (or the one just ended) and the release actions. */
export function CutoverControls(props: {
  entityRef: string;
  state: BlueGreenStateResponse;
  cutovers: EntityCutovers;
}) {
  const { entityRef, state, cutovers } = props;
  const currentUser = useCurrentUser();
  return (
    <Grid container spacing={2}>
      {cutovers.error && (
        <Grid item xs={12}>
          <ApiErrorAlert error={cutovers.error} />
        </Grid>
      )}
      {cutovers.followed && (
        <Grid item xs={12}>
          <OpenCutoverPanel
            cutover={cutovers.followed}
            currentUser={currentUser}
            approvable={cutovers.approvable}
            mayApprove={cutovers.mayApprove}
            mayRequest={cutovers.mayRequest}
            live={cutovers.live}
            onDecided={cutovers.follow}
            onDismiss={cutovers.dismiss}
          />
        </Grid>
      )}
      {cutovers.loaded && (
        <Grid item xs={12}>
          <ReleaseActions
            entityRef={entityRef}
            state={state}
            open={cutovers.open}
            lastApplied={cutovers.lastApplied}
            onRequested={cutovers.follow}
          />
        </Grid>
      )}
    </Grid>
  );
}
