import { Progress } from '@backstage/core-components';
import {
  Cutover,
  RolloutMetricName,
  RolloutMetricSeries,
  RolloutMetrics,
  RolloutState,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import Alert from '@material-ui/lab/Alert';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useRolloutMetrics } from '../../hooks/useRolloutMetrics';
import { useColourPalette } from '../colours';
import { ApiErrorAlert } from './ApiErrorAlert';
import { METRIC_LABELS, ROLLOUT_LABELS, metricValue } from './rolloutWording';

const METRICS: RolloutMetricName[] = [
  'request-rate',
  'error-rate',
  'latency-p99',
];

const CHART_HEIGHT = 180;
/** The size charts start at, before (or without, as in tests) a measured container. */
const INITIAL_SIZE = { width: 320, height: CHART_HEIGHT };

const useStyles = makeStyles(theme => ({
  charts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))',
    gap: theme.spacing(2),
  },
  figure: {
    margin: 0,
  },
  query: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    wordBreak: 'break-all',
  },
  queries: {
    display: 'block',
  },
}));

/** A line's name: the colour, and the Service when a colour has several. */
function lineNames(
  series: RolloutMetricSeries[],
): Map<RolloutMetricSeries, string> {
  const perColour = new Map<string, number>();
  for (const s of series) {
    perColour.set(s.colour, (perColour.get(s.colour) ?? 0) + 1);
  }
  return new Map(
    series.map(s => [
      s,
      (perColour.get(s.colour) ?? 0) > 1
        ? `${s.colour} · ${s.service}`
        : s.colour,
    ]),
  );
}

/** One row per time, one column per line, as recharts reads them. */
function chartRows(
  series: RolloutMetricSeries[],
  names: Map<RolloutMetricSeries, string>,
): Array<Record<string, number | null>> {
  const rows = new Map<number, Record<string, number | null>>();
  for (const s of series) {
    for (const point of s.points) {
      const row = rows.get(point.time) ?? { time: point.time };
      row[names.get(s)!] = point.value;
      rows.set(point.time, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.time! - b.time!);
}

function clock(time: number): string {
  return new Date(time).toLocaleTimeString();
}

function MetricChart(props: {
  metric: RolloutMetricName;
  series: RolloutMetricSeries[];
  rollout: RolloutState;
}) {
  const { metric, rollout } = props;
  const classes = useStyles();
  const palette = useColourPalette();
  const series = props.series.filter(s => !s.error);
  const names = lineNames(series);
  const rows = chartRows(series, names);
  const label = METRIC_LABELS[metric];
  const latest = series.map(s => {
    const last = [...s.points].reverse().find(p => p.value !== null);
    return `${names.get(s)} ${metricValue(metric, last?.value ?? null)}`;
  });
  return (
    <figure className={classes.figure} aria-label={label}>
      <Typography variant="subtitle2" component="figcaption">
        {label}
      </Typography>
      <ResponsiveContainer
        width="100%"
        height={CHART_HEIGHT}
        initialDimension={INITIAL_SIZE}
      >
        <LineChart
          data={rows}
          margin={{ top: 8, right: 16, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={clock}
            minTickGap={40}
          />
          <YAxis width={48} />
          <Tooltip
            labelFormatter={time => clock(Number(time))}
            formatter={value =>
              metricValue(metric, typeof value === 'number' ? value : null)
            }
          />
          <Legend />
          {rollout.history.map(step => (
            <ReferenceLine
              key={step.index}
              x={Date.parse(step.appliedAt)}
              stroke="#9e9e9e"
              strokeDasharray="2 2"
              label={{
                value: `${step.weights[rollout.colour]}%`,
                position: 'insideTopLeft',
                fontSize: 10,
              }}
            />
          ))}
          {series.map(s => (
            <Line
              key={names.get(s)}
              dataKey={names.get(s)!}
              name={names.get(s)}
              stroke={palette(s.colour).main}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {latest.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="p">
          {ROLLOUT_LABELS.latest}: {latest.join(' · ')}
        </Typography>
      )}
    </figure>
  );
}

function Queries(props: { metrics: RolloutMetrics }) {
  const classes = useStyles();
  const names = lineNames(props.metrics.series);
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">
          {ROLLOUT_LABELS.queries} ({ROLLOUT_LABELS.rangeOf(props.metrics)})
        </Typography>
      </AccordionSummary>
      <AccordionDetails className={classes.queries}>
        {props.metrics.series.map(s => (
          <Typography variant="body2" key={`${s.metric}/${names.get(s)}`}>
            {METRIC_LABELS[s.metric]}, {names.get(s)}:{' '}
            <code className={classes.query}>{s.query}</code>
          </Typography>
        ))}
      </AccordionDetails>
    </Accordion>
  );
}

/**
 * Request rate, error rate and p99 latency per colour over the rollout, from Prometheus, with a
 * mark at each step; the queries behind them on demand. When Prometheus cannot be read the
 * charts say so, and the rest of the rollout's panel is unaffected.
 */
export function RolloutCharts(props: {
  cutover: Cutover & { rollout: RolloutState };
}) {
  const { cutover } = props;
  const classes = useStyles();
  const { metrics, error } = useRolloutMetrics(cutover.id, {
    revision: cutover.updatedAt,
    running: cutover.status === 'progressing',
  });
  const problems = [
    ...new Set(
      (metrics?.series ?? []).flatMap(s => (s.error ? [s.error] : [])),
    ),
  ];
  return (
    <section aria-label={ROLLOUT_LABELS.charts}>
      <Typography variant="subtitle1" component="h3" gutterBottom>
        {ROLLOUT_LABELS.charts}
      </Typography>
      {error && <ApiErrorAlert error={error} />}
      {problems.map(problem => (
        <Alert severity="warning" key={problem}>
          {problem}
        </Alert>
      ))}
      {!metrics && !error && (
        <>
          <Typography variant="body2">
            {ROLLOUT_LABELS.chartsLoading}
          </Typography>
          <Progress />
        </>
      )}
      {metrics && (
        <>
          <div className={classes.charts}>
            {METRICS.map(metric => (
              <MetricChart
                key={metric}
                metric={metric}
                series={metrics.series.filter(s => s.metric === metric)}
                rollout={cutover.rollout}
              />
            ))}
          </div>
          <Queries metrics={metrics} />
        </>
      )}
    </section>
  );
}
