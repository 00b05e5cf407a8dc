import {
  DEFAULT_ROLLOUT_GATES,
  DEFAULT_ROLLOUT_STEPS,
  ProgressiveAction,
  RolloutGates,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import DeleteIcon from '@material-ui/icons/Delete';
import { ROLLOUT_LABELS, ROLLOUT_REASONS } from './rolloutWording';

/** The API's floor for a rollout's interval when the portal's configuration sets none. */
export const MIN_INTERVAL_SECONDS = 10;

/** The API takes a rollout's interval in whole seconds, at most a day. */
const MAX_INTERVAL_SECONDS = 86_400;

const useStyles = makeStyles(theme => ({
  group: {
    marginBottom: theme.spacing(3),
    display: 'block',
  },
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
  step: {
    display: 'flex',
    alignItems: 'center',
  },
  stepField: {
    width: '7em',
  },
  field: {
    width: '16em',
  },
}));

type GateName = keyof RolloutGates;

/** The form's fields as typed: numbers stay text until the form is valid. */
export interface RolloutFormValues {
  colour: string;
  steps: string[];
  intervalSeconds: string;
  mode: 'auto' | 'manual';
  gates: Record<GateName, string>;
}

/**
 * The fields filled from a rollout action the backend resolved: its defaults for the entity
 * (annotations over configuration). Steps and gates it leaves out are the API's own defaults.
 */
export function rolloutFormValues(
  action: ProgressiveAction,
): RolloutFormValues {
  const gates = { ...DEFAULT_ROLLOUT_GATES, ...action.gates };
  return {
    colour: action.colour,
    steps: (action.steps ?? DEFAULT_ROLLOUT_STEPS).map(String),
    intervalSeconds: action.intervalSeconds?.toString() ?? '',
    mode: action.mode ?? 'auto',
    gates: {
      minSuccessRatePercent: String(gates.minSuccessRatePercent),
      maxLatencyP99Ms: String(gates.maxLatencyP99Ms),
      minRequests: String(gates.minRequests),
      noDataIntervals: String(gates.noDataIntervals),
    },
  };
}

const GATE_FIELDS: Array<{
  name: GateName;
  label: string;
  help?: string;
  /** Whether the number is valid for the API. */
  accepts: (n: number) => boolean;
  step: number;
}> = [
  {
    name: 'minSuccessRatePercent',
    label: ROLLOUT_LABELS.minSuccessRate,
    accepts: n => n >= 0 && n <= 100,
    step: 0.1,
  },
  {
    name: 'maxLatencyP99Ms',
    label: ROLLOUT_LABELS.maxLatencyP99,
    accepts: n => n > 0,
    step: 1,
  },
  {
    name: 'minRequests',
    label: ROLLOUT_LABELS.minRequests,
    help: ROLLOUT_LABELS.minRequestsHelp,
    accepts: n => Number.isInteger(n) && n >= 0,
    step: 1,
  },
  {
    name: 'noDataIntervals',
    label: ROLLOUT_LABELS.noDataIntervals,
    help: ROLLOUT_LABELS.noDataIntervalsHelp,
    accepts: n => Number.isInteger(n) && n >= 0 && n <= 100,
    step: 1,
  },
];

function parseNumber(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** Indexes of the steps at fault: not a whole percent, not above the one before, a last not 100. */
export function invalidSteps(steps: string[]): number[] {
  const numbers = steps.map(parseNumber);
  return numbers.flatMap((n, i) => {
    const whole = Number.isInteger(n) && n >= 1 && n <= 100;
    const increasing = i === 0 || !(n <= numbers[i - 1]);
    const endsAt100 = i !== numbers.length - 1 || n === 100;
    return whole && increasing && endsAt100 ? [] : [i];
  });
}

export type RolloutFormCheck =
  | { valid: true; action: ProgressiveAction }
  | { valid: false; problem: string };

/** The rollout the form asks for, every setting spelled out, or the first thing wrong with it. */
export function validateRolloutForm(
  values: RolloutFormValues,
  minIntervalSeconds: number = MIN_INTERVAL_SECONDS,
): RolloutFormCheck {
  if (!values.colour) {
    return { valid: false, problem: ROLLOUT_REASONS.colourRequired };
  }
  if (values.steps.length === 0 || invalidSteps(values.steps).length > 0) {
    return { valid: false, problem: ROLLOUT_REASONS.stepsInvalid };
  }
  const interval = parseNumber(values.intervalSeconds);
  if (
    !Number.isInteger(interval) ||
    interval < minIntervalSeconds ||
    interval > MAX_INTERVAL_SECONDS
  ) {
    return {
      valid: false,
      problem: ROLLOUT_REASONS.intervalTooShort(minIntervalSeconds),
    };
  }
  const gates = {} as Required<RolloutGates>;
  for (const field of GATE_FIELDS) {
    const n = parseNumber(values.gates[field.name]);
    if (!field.accepts(n)) {
      return {
        valid: false,
        problem: ROLLOUT_REASONS.gateInvalid(field.label),
      };
    }
    gates[field.name] = n;
  }
  return {
    valid: true,
    action: {
      action: 'progressive',
      colour: values.colour,
      steps: values.steps.map(Number),
      intervalSeconds: interval,
      mode: values.mode,
      gates,
    },
  };
}

/** The colour, the steps (an editable list), the interval, the mode and the gates. */
export function RolloutSettingsForm(props: {
  values: RolloutFormValues;
  /** The colours the rollout may move traffic to. */
  colours: string[];
  onChange: (values: RolloutFormValues) => void;
  minIntervalSeconds?: number;
}) {
  const {
    values,
    colours,
    onChange,
    minIntervalSeconds = MIN_INTERVAL_SECONDS,
  } = props;
  const classes = useStyles();
  const badSteps = invalidSteps(values.steps);
  const interval = parseNumber(values.intervalSeconds);
  const setStep = (index: number, text: string) =>
    onChange({
      ...values,
      steps: values.steps.map((s, i) => (i === index ? text : s)),
    });

  return (
    <>
      <TextField
        select
        id="bluegreen-rollout-colour"
        className={`${classes.group} ${classes.field}`}
        label={ROLLOUT_LABELS.colour}
        helperText={ROLLOUT_LABELS.colourHelp}
        value={values.colour}
        variant="outlined"
        size="small"
        onChange={e => onChange({ ...values, colour: e.target.value })}
      >
        {colours.map(colour => (
          <MenuItem key={colour} value={colour}>
            {colour}
          </MenuItem>
        ))}
      </TextField>

      <FormControl component="fieldset" className={classes.group}>
        <FormLabel component="legend">{ROLLOUT_LABELS.steps}</FormLabel>
        <Typography variant="caption" color="textSecondary">
          {ROLLOUT_LABELS.stepsHelp}
        </Typography>
        <div className={classes.row}>
          {values.steps.map((step, i) => (
            <div key={i} className={classes.step}>
              <TextField
                className={classes.stepField}
                id={`bluegreen-rollout-step-${i}`}
                label={ROLLOUT_LABELS.stepPercent(i + 1)}
                type="number"
                value={step}
                error={badSteps.includes(i)}
                variant="outlined"
                size="small"
                inputProps={{ min: 1, max: 100, step: 1 }}
                onChange={e => setStep(i, e.target.value)}
              />
              <IconButton
                size="small"
                aria-label={ROLLOUT_LABELS.removeStep(i + 1)}
                disabled={values.steps.length === 1}
                onClick={() =>
                  onChange({
                    ...values,
                    steps: values.steps.filter((_, j) => j !== i),
                  })
                }
              >
                <DeleteIcon fontSize="small" />
              </IconButton>
            </div>
          ))}
          <Button
            size="small"
            onClick={() =>
              onChange({ ...values, steps: [...values.steps, ''] })
            }
          >
            {ROLLOUT_LABELS.addStep}
          </Button>
        </div>
      </FormControl>

      <TextField
        id="bluegreen-rollout-interval"
        className={`${classes.group} ${classes.field}`}
        label={ROLLOUT_LABELS.interval}
        helperText={ROLLOUT_LABELS.intervalHelp}
        type="number"
        value={values.intervalSeconds}
        error={!Number.isInteger(interval) || interval < minIntervalSeconds}
        variant="outlined"
        size="small"
        inputProps={{ min: minIntervalSeconds, step: 1 }}
        onChange={e => onChange({ ...values, intervalSeconds: e.target.value })}
      />

      <FormControl component="fieldset" className={classes.group}>
        <FormLabel component="legend">{ROLLOUT_LABELS.mode}</FormLabel>
        <RadioGroup
          value={values.mode}
          onChange={e =>
            onChange({
              ...values,
              mode: e.target.value === 'manual' ? 'manual' : 'auto',
            })
          }
        >
          <FormControlLabel
            value="auto"
            control={<Radio />}
            label={ROLLOUT_LABELS.modeAuto}
          />
          <FormControlLabel
            value="manual"
            control={<Radio />}
            label={ROLLOUT_LABELS.modeManual}
          />
        </RadioGroup>
      </FormControl>

      <FormControl component="fieldset" className={classes.group}>
        <FormLabel component="legend">{ROLLOUT_LABELS.gates}</FormLabel>
        <div className={classes.row}>
          {GATE_FIELDS.map(field => (
            <TextField
              key={field.name}
              id={`bluegreen-rollout-gate-${field.name}`}
              className={classes.field}
              label={field.label}
              helperText={field.help}
              type="number"
              value={values.gates[field.name]}
              error={!field.accepts(parseNumber(values.gates[field.name]))}
              variant="outlined"
              size="small"
              inputProps={{ step: field.step }}
              onChange={e =>
                onChange({
                  ...values,
                  gates: { ...values.gates, [field.name]: e.target.value },
                })
              }
            />
          ))}
        </div>
      </FormControl>
      <Typography variant="caption" color="textSecondary" component="p">
        {ROLLOUT_LABELS.defaultsFrom}
      </Typography>
    </>
  );
}
