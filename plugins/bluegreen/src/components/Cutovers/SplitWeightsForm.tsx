import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ColourChip } from '../colours';
import { LABELS, REASONS } from './wording';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  field: {
    width: '10em',
  },
}));

export type WeightsCheck =
  | { valid: true; weights: Record<string, number>; sum: number }
  | { valid: false; problem: string; sum: number };

/** Whole numbers from 0 to 100 that add up to 100, or what is wrong with them. */
export function validateWeights(weights: Record<string, string>): WeightsCheck {
  const parsed: Record<string, number> = {};
  let sum = 0;
  let wholeNumbers = true;
  for (const [colour, text] of Object.entries(weights)) {
    const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(value) || value > 100) {
      wholeNumbers = false;
    } else {
      parsed[colour] = value;
      sum += value;
    }
  }
  if (!wholeNumbers) {
    return { valid: false, problem: REASONS.splitWholeNumbers, sum };
  }
  if (sum !== 100) {
    return { valid: false, problem: REASONS.splitSum(sum), sum };
  }
  return { valid: true, weights: parsed, sum };
}

/** One field per colour and the live total. */
export function SplitWeightsForm(props: {
  weights: Record<string, string>;
  onChange: (weights: Record<string, string>) => void;
}) {
  const { weights, onChange } = props;
  const classes = useStyles();
  const check = validateWeights(weights);
  return (
    <>
      {Object.entries(weights).map(([colour, value]) => (
        <div key={colour} className={classes.row}>
          <ColourChip colour={colour} size="medium" />
          <TextField
            className={classes.field}
            id={`bluegreen-split-weight-${colour}`}
            label={`${colour} %`}
            type="number"
            value={value}
            variant="outlined"
            size="small"
            inputProps={{ min: 0, max: 100, step: 1 }}
            onChange={e => onChange({ ...weights, [colour]: e.target.value })}
          />
        </div>
      ))}
      <Typography
        variant="body1"
        role="status"
        aria-live="polite"
        color={check.valid ? 'textPrimary' : 'error'}
      >
        {LABELS.splitTotal}: {check.sum}%
      </Typography>
    </>
  );
}
