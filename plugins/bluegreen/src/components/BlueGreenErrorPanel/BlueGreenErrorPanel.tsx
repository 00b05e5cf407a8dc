import { ErrorLike } from '@backstage/errors';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { errorMessage, errorTitle } from './errorMessage';

/** A failed request, with the backend's message in plain sight rather than behind an expander. */
export function BlueGreenErrorPanel(props: {
  error: Error | ErrorLike;
  title?: string;
}) {
  const { error, title } = props;
  return (
    <Alert severity="error">
      <AlertTitle>{title ?? errorTitle(error)}</AlertTitle>
      {errorMessage(error)}
    </Alert>
  );
}
