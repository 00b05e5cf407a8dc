import Button, { ButtonProps } from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';

/** A button that shows it is busy while its call is in flight (and cannot be pressed again). */
export function ProgressButton(props: ButtonProps & { busy: boolean }) {
  const { busy, disabled, children, ...rest } = props;
  return (
    <Button
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy}
      startIcon={
        busy ? <CircularProgress size={16} color="inherit" /> : rest.startIcon
      }
    >
      {children}
    </Button>
  );
}
