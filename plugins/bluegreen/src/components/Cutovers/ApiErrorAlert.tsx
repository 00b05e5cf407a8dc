import { ErrorLike, ResponseError } from '@backstage/errors';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../BlueGreenErrorPanel';

/** Whether the backend refused for want of a permission (its message names which). */
export function isForbidden(error: Error | ErrorLike): boolean {
  return ResponseError.is(error) && error.statusCode === 403;
}

/** A failed call in the backend's own words: "a request is open: …", the missing permission. */
export function ApiErrorAlert(props: { error: Error | ErrorLike }) {
  return (
    <Alert severity="error" style={{ marginBottom: 16 }}>
      {errorMessage(props.error)}
    </Alert>
  );
}
