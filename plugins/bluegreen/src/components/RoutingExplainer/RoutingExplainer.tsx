import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ClusterBlueGreenState } from '@bluegreen-istio/plugin-bluegreen-common';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { bluegreenApiRef } from '../../api';
import { BlueGreenErrorPanel } from '../BlueGreenErrorPanel';
import { ClusterExplanationView } from './ClusterExplanationView';
import { ExplainerForm, ExplainerQuery } from './ExplainerForm';
import { gatewaySuggestions, hostSuggestions } from './explainerOptions';

const useStyles = makeStyles(theme => ({
  result: {
    marginTop: theme.spacing(2),
  },
  cluster: {
    marginTop: theme.spacing(2),
  },
}));

/** Asks the backend how one request would be routed and shows the answer of every cluster. */
export function RoutingExplainer(props: {
  entityRef: string;
  entityHosts: string[];
  clusters: ClusterBlueGreenState[];
}) {
  const { entityRef, entityHosts, clusters } = props;
  const classes = useStyles();
  const api = useApi(bluegreenApiRef);
  const [result, explain] = useAsyncFn(
    (query: ExplainerQuery) => api.explain({ entityRef, ...query }),
    [api, entityRef],
  );
  const answers = result.value?.clusters ?? [];

  return (
    <InfoCard
      title="Explain a request"
      subheader="Which rule a request matches, why the rules before it did not, and where it lands"
    >
      <ExplainerForm
        hosts={hostSuggestions(entityHosts, clusters)}
        gateways={gatewaySuggestions(clusters)}
        clusters={clusters.map(c => c.cluster)}
        busy={result.loading}
        onExplain={explain}
      />
      <div className={classes.result} aria-live="polite">
        {result.loading && <Progress />}
        {result.error && (
          <BlueGreenErrorPanel
            error={result.error}
            title="The request could not be explained"
          />
        )}
        {!result.loading &&
          answers.map((answer, i) => (
            <div key={answer.cluster} className={classes.cluster}>
              {i > 0 && <Divider />}
              {answers.length > 1 && (
                <Typography variant="h6" component="h3">
                  Cluster {answer.cluster}
                </Typography>
              )}
              <ClusterExplanationView explanation={answer} />
            </div>
          ))}
      </div>
    </InfoCard>
  );
}
