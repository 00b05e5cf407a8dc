import { useApi } from '@backstage/core-plugin-api';
import {
  Cutover,
  CutoverStatus,
  OPEN_CUTOVER_STATUSES,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_REFRESH_INTERVAL_MS } from '../../hooks/useBlueGreenState';
import {
  SIGNAL_SAFETY_POLL_MS,
  useCutoverSignal,
} from '../../hooks/useCutoverSignal';
import { Decision, DecisionDialog, wording } from '../Cutovers';
import { CutoverTable } from './CutoverTable';
import { useCutoverPage } from './useCutoverPage';

const { LABELS, STATUS_FILTERS } = wording;

/** Rows per page: the API pages, so a thousand open requests never render at once. */
export const PAGE_SIZE = 25;

/** Signals can come in bursts (many requests); the page reads again at most this often. */
const SIGNAL_THROTTLE_MS = 1_000;

const useStyles = makeStyles(theme => ({
  paper: {
    padding: theme.spacing(2),
  },
  filters: {
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(1),
  },
  filter: {
    minWidth: '12em',
  },
}));

function statusesOf(filter: string): CutoverStatus[] | undefined {
  if (filter === 'any') {
    return undefined;
  }
  if (filter === 'open') {
    return [...OPEN_CUTOVER_STATUSES];
  }
  return [filter as CutoverStatus];
}

/** Owners of the entities on screen, from the catalog, keyed by entity ref. */
function useOwners(cutovers: Cutover[][]): Map<string, string> {
  const catalogApi = useApi(catalogApiRef);
  const refs = [
    ...new Set(
      cutovers.flat().map(c => c.entityRef.toLocaleLowerCase('en-US')),
    ),
  ].sort();
  const key = refs.join('\n');
  const [owners, setOwners] = useState(new Map<string, string>());
  useEffect(() => {
    if (!key) {
      return undefined;
    }
    let stale = false;
    const entityRefs = key.split('\n');
    catalogApi
      .getEntitiesByRefs({
        entityRefs,
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.owner'],
      })
      .then(
        ({ items }) => {
          if (stale) {
            return;
          }
          const next = new Map<string, string>();
          items.forEach((entity, i) => {
            const owner = entity?.spec?.owner;
            if (typeof owner === 'string') {
              next.set(entityRefs[i], owner);
            }
          });
          setOwners(next);
        },
        // Owners are a nicety: without the catalog the page still lists and decides.
        () => {},
      );
    return () => {
      stale = true;
    };
  }, [catalogApi, key]);
  return useMemo(() => {
    // Look-ups by the ref as the API spells it.
    const byRef = new Map<string, string>();
    for (const c of cutovers.flat()) {
      const owner = owners.get(c.entityRef.toLocaleLowerCase('en-US'));
      if (owner) {
        byRef.set(c.entityRef, owner);
      }
    }
    return byRef;
  }, [owners, cutovers]);
}

/** Reads again on every cutover signal (throttled), or polls when signals are unavailable. */
function useLiveVersion(refreshIntervalMs: number): [number, () => void] {
  const [version, setVersion] = useState(0);
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout>>();
  const bump = useCallback(() => setVersion(v => v + 1), []);
  const live = useCutoverSignal(() => {
    if (pending.current) {
      return;
    }
    const wait = Math.max(0, last.current + SIGNAL_THROTTLE_MS - Date.now());
    pending.current = setTimeout(() => {
      pending.current = undefined;
      last.current = Date.now();
      bump();
    }, wait);
  });
  useEffect(() => {
    const timer = setInterval(
      bump,
      live ? SIGNAL_SAFETY_POLL_MS : refreshIntervalMs,
    );
    return () => {
      clearInterval(timer);
      clearTimeout(pending.current);
    };
  }, [bump, live, refreshIntervalMs]);
  return [version, bump];
}

/**
 * The requests the signed-in user can approve, across all entities, then recent requests with
 * status and owner filters; approve and reject inline with the tab's confirmation.
 */
export function CutoverApprovalsContent(props: { refreshIntervalMs?: number }) {
  const classes = useStyles();
  const [version, reload] = useLiveVersion(
    props.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS,
  );
  const [statusFilter, setStatusFilter] = useState('any');
  const [ownerFilter, setOwnerFilter] = useState('');
  const [deciding, setDeciding] = useState<{
    cutover: Cutover;
    decision: Decision;
  }>();

  const awaiting = useCutoverPage(
    { approvableBy: 'me', status: ['requested'], limit: PAGE_SIZE },
    version,
  );
  const recent = useCutoverPage(
    { status: statusesOf(statusFilter), limit: PAGE_SIZE },
    version,
  );
  const owners = useOwners(
    useMemo(
      () => [awaiting.items ?? [], recent.items ?? []],
      [awaiting.items, recent.items],
    ),
  );
  const ownerChoices = [...new Set(owners.values())].sort();
  const recentRows = ownerFilter
    ? recent.items?.filter(c => owners.get(c.entityRef) === ownerFilter)
    : recent.items;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Paper className={classes.paper}>
          <CutoverTable
            label={LABELS.awaitingYou}
            page={awaiting}
            owners={owners}
            empty={LABELS.nothingAwaitingYou}
            onDecide={(cutover, decision) => setDeciding({ cutover, decision })}
          />
        </Paper>
      </Grid>
      <Grid item xs={12}>
        <Paper className={classes.paper}>
          <CutoverTable
            label={LABELS.recent}
            page={recent}
            rows={recentRows}
            owners={owners}
            empty={LABELS.noRecent}
            filters={
              <div className={classes.filters}>
                <FormControl className={classes.filter}>
                  <InputLabel id="bluegreen-status-filter-label">
                    {LABELS.statusFilter}
                  </InputLabel>
                  <Select
                    labelId="bluegreen-status-filter-label"
                    value={statusFilter}
                    onChange={e => setStatusFilter(e.target.value as string)}
                  >
                    {STATUS_FILTERS.map(f => (
                      <MenuItem key={f.value} value={f.value}>
                        {f.label}
                      </MenuItem>
                    ))}
                  </Select>
                </FormControl>
                <FormControl className={classes.filter}>
                  <InputLabel id="bluegreen-owner-filter-label">
                    {LABELS.ownerFilter}
                  </InputLabel>
                  <Select
                    labelId="bluegreen-owner-filter-label"
                    value={ownerFilter}
                    displayEmpty
                    onChange={e => setOwnerFilter(e.target.value as string)}
                  >
                    <MenuItem value="">{LABELS.anyOwner}</MenuItem>
                    {ownerChoices.map(owner => (
                      <MenuItem key={owner} value={owner}>
                        {wording.entityName(owner)}
                      </MenuItem>
                    ))}
                  </Select>
                </FormControl>
                {ownerFilter && (
                  <Typography variant="caption" color="textSecondary">
                    {LABELS.ownerFilterNote}
                  </Typography>
                )}
              </div>
            }
          />
        </Paper>
      </Grid>
      {deciding && (
        <DecisionDialog
          cutover={deciding.cutover}
          decision={deciding.decision}
          onClose={() => setDeciding(undefined)}
          onDecided={reload}
        />
      )}
    </Grid>
  );
}
