import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import {
  Cutover,
  CutoverEvent,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { useCallback, useEffect, useState } from 'react';
import { bluegreenApiRef } from '../../api';
import { useSingleFlight } from '../../hooks/useSingleFlight';
import { ApiErrorAlert } from './ApiErrorAlert';
import { ObjectChangeView, objectName } from './ObjectDiff';
import { RolloutPanel } from './RolloutPanel';
import {
  EVENT_LABELS,
  LABELS,
  STATUS_LABELS,
  actionLabel,
  actorName,
  relativeTime,
} from './wording';

const HISTORY_PAGE = 50;

const useStyles = makeStyles(theme => ({
  details: {
    display: 'block',
  },
  events: {
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(0, 0, 2),
    borderLeft: `2px solid ${theme.palette.divider}`,
    '& li': {
      paddingLeft: theme.spacing(2),
      marginBottom: theme.spacing(1),
    },
  },
}));

interface CutoverEntry {
  cutoverId: string;
  /** Newest first. */
  events: CutoverEvent[];
}

function groupByCutover(events: CutoverEvent[]): CutoverEntry[] {
  const entries = new Map<string, CutoverEntry>();
  for (const event of events) {
    let entry = entries.get(event.cutoverId);
    if (!entry) {
      entry = { cutoverId: event.cutoverId, events: [] };
      entries.set(event.cutoverId, entry);
    }
    entry.events.push(event);
  }
  return [...entries.values()];
}

function EventLine(props: { event: CutoverEvent }) {
  const { event } = props;
  return (
    <li>
      <Typography variant="body2">
        <strong>{EVENT_LABELS[event.type]}</strong> by {actorName(event.actor)},{' '}
        <time dateTime={event.at} title={new Date(event.at).toLocaleString()}>
          {relativeTime(event.at)}
        </time>
        {event.comment ? `: “${event.comment}”` : ''}
      </Typography>
      {event.outcome && (
        <Typography variant="body2" color="textSecondary">
          {event.outcome.message}
        </Typography>
      )}
      {event.objects?.map(o => (
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          key={`${o.cluster}/${objectName(o)}`}
        >
          {objectName(o)} ({o.cluster}): resourceVersion{' '}
          {o.resourceVersionBefore} → {o.resourceVersionAfter ?? 'unchanged'}
        </Typography>
      ))}
    </li>
  );
}

/** One cutover's transitions and, once opened, its diff (read when not already loaded). */
function CutoverEntryView(props: { entry: CutoverEntry; cutover?: Cutover }) {
  const { entry } = props;
  const classes = useStyles();
  const api = useApi(bluegreenApiRef);
  const [expanded, setExpanded] = useState(false);
  const [loaded, setLoaded] = useState<Cutover>();
  const [error, setError] = useState<ErrorLike>();
  const cutover = props.cutover ?? loaded;
  useEffect(() => {
    if (!expanded || cutover) {
      return;
    }
    api.getCutover(entry.cutoverId).then(setLoaded, e => setError(toError(e)));
  }, [api, expanded, cutover, entry.cutoverId]);
  const latest = entry.events[0];
  const first = entry.events[entry.events.length - 1];
  const what = cutover
    ? actionLabel(cutover.action)
    : `Cutover ${entry.cutoverId}`;
  const multiCluster = (cutover?.plan.clusters.length ?? 0) > 1;
  return (
    <Accordion
      expanded={expanded}
      onChange={(_e, open) => setExpanded(open)}
      TransitionProps={{ unmountOnExit: true }}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">
          <strong>{what}</strong> · {STATUS_LABELS[latest.status]} ·{' '}
          {actorName(first.actor)},{' '}
          <time dateTime={first.at}>{relativeTime(first.at)}</time>
        </Typography>
      </AccordionSummary>
      <AccordionDetails className={classes.details}>
        {cutover?.reason && (
          <Typography variant="body2" gutterBottom>
            {LABELS.reason}: {cutover.reason}
          </Typography>
        )}
        <ol className={classes.events} aria-label={`${what}: transitions`}>
          {[...entry.events].reverse().map(event => (
            <EventLine key={event.id} event={event} />
          ))}
        </ol>
        {error && <ApiErrorAlert error={error} />}
        {!cutover && !error && <Progress />}
        {cutover?.rollout && (
          <RolloutPanel cutover={{ ...cutover, rollout: cutover.rollout }} />
        )}
        {cutover?.plan.changes.map(change => (
          <ObjectChangeView
            key={`${change.cluster}/${objectName(change)}`}
            change={change}
            showCluster={multiCluster}
          />
        ))}
      </AccordionDetails>
    </Accordion>
  );
}

/** The entity's cutovers, newest first, each with every transition and its diff. */
export function CutoverHistoryTimeline(props: {
  entityRef: string;
  /** Changes when a cutover of the entity moved: read again. */
  version: number;
}) {
  const { entityRef, version } = props;
  const api = useApi(bluegreenApiRef);
  const [events, setEvents] = useState<CutoverEvent[]>();
  const [cutovers, setCutovers] = useState<Map<string, Cutover>>(new Map());
  const [nextCursor, setNextCursor] = useState<string>();
  const [error, setError] = useState<ErrorLike>();

  useEffect(() => {
    let stale = false;
    Promise.all([
      api.getCutoverHistory({ entityRef, limit: HISTORY_PAGE }),
      api.listCutovers({ entityRef, limit: HISTORY_PAGE }),
    ]).then(
      ([history, list]) => {
        if (!stale) {
          setEvents(history.events);
          setNextCursor(history.nextCursor);
          setCutovers(new Map(list.items.map(c => [c.id, c])));
          setError(undefined);
        }
      },
      e => !stale && setError(toError(e)),
    );
    return () => {
      stale = true;
    };
  }, [api, entityRef, version]);

  const older = useSingleFlight(
    useCallback(async () => {
      const page = await api.getCutoverHistory({
        entityRef,
        limit: HISTORY_PAGE,
        cursor: nextCursor,
      });
      setEvents(previous => [...(previous ?? []), ...page.events]);
      setNextCursor(page.nextCursor);
    }, [api, entityRef, nextCursor]),
  );

  return (
    <InfoCard title={LABELS.history}>
      <section aria-label={LABELS.history}>
        {error && <ApiErrorAlert error={error} />}
        {!events && !error && <Progress />}
        {events?.length === 0 && (
          <Typography variant="body2">{LABELS.noHistory}</Typography>
        )}
        {events &&
          groupByCutover(events).map(entry => (
            <CutoverEntryView
              key={entry.cutoverId}
              entry={entry}
              cutover={cutovers.get(entry.cutoverId)}
            />
          ))}
        {older.error && <ApiErrorAlert error={older.error} />}
        {nextCursor && (
          <Button onClick={() => older.run()} disabled={older.busy}>
            {LABELS.olderHistory}
          </Button>
        )}
      </section>
    </InfoCard>
  );
}
