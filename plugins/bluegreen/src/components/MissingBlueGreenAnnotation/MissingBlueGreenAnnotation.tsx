import { CodeSnippet, EmptyState } from '@backstage/core-components';
import {
  ANNOTATION_ISTIO_HOSTS,
  ANNOTATION_KUBERNETES_CLUSTER,
  ANNOTATION_KUBERNETES_NAMESPACE,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Typography from '@material-ui/core/Typography';

const EXAMPLE = `metadata:
  annotations:
    # required: the host(s) users reach the service by, comma-separated
    ${ANNOTATION_ISTIO_HOSTS}: myapp.example.com
    # optional: the namespace to look in (default: all)
    ${ANNOTATION_KUBERNETES_NAMESPACE}: myapp
    # optional: the configured cluster(s) to read (default: all)
    ${ANNOTATION_KUBERNETES_CLUSTER}: production`;

/** What to add to catalog-info.yaml so the entity gets a blue/green view. */
export function MissingBlueGreenAnnotation() {
  return (
    <EmptyState
      missing="field"
      title="No blue/green hosts for this entity"
      description={
        <Typography variant="body1" component="span">
          Add the <code>{ANNOTATION_ISTIO_HOSTS}</code> annotation to this
          entity's catalog-info.yaml, with the host(s) users reach it by. The
          plugin then reads the Istio VirtualServices and DestinationRules
          serving those hosts.
        </Typography>
      }
      action={<CodeSnippet language="yaml" text={EXAMPLE} showCopyCodeButton />}
    />
  );
}
