import Chip from '@material-ui/core/Chip';

/** Kubernetes labels as `key=value` chips, the way selectors are written. */
export function LabelList(props: { labels: Record<string, string> }) {
  return (
    <>
      {Object.entries(props.labels).map(([key, value]) => (
        <Chip
          key={key}
          size="small"
          variant="outlined"
          label={`${key}=${value}`}
        />
      ))}
    </>
  );
}
