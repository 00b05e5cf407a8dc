import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Cutover,
  OPEN_CUTOVER_STATUSES,
} from '@bluegreen-istio/plugin-bluegreen-common';
import Chip from '@material-ui/core/Chip';
import { useCallback, useEffect, useState } from 'react';
import { bluegreenApiRef } from '../../api';
import { DEFAULT_REFRESH_INTERVAL_MS } from '../../hooks/useBlueGreenState';
import {
  SIGNAL_SAFETY_POLL_MS,
  useCutoverSignal,
} from '../../hooks/useCutoverSignal';
import { wording } from '../Cutovers';

/** The entity's open cutover as a chip linking to the tab; nothing when none is open. */
export function PendingCutoverChip(props: {
  entityRef: string;
  tabLink: string;
}) {
  const { entityRef, tabLink } = props;
  const api = useApi(bluegreenApiRef);
  const [open, setOpen] = useState<Cutover>();
  const load = useCallback(() => {
    api
      .listCutovers({ entityRef, status: [...OPEN_CUTOVER_STATUSES], limit: 1 })
      .then(
        list => setOpen(list.items[0]),
        // The card is about the state; a failing cutover list only hides the chip.
        () => setOpen(undefined),
      );
  }, [api, entityRef]);
  const live = useCutoverSignal(load, entityRef);
  useEffect(() => {
    load();
    const timer = setInterval(
      load,
      live ? SIGNAL_SAFETY_POLL_MS : DEFAULT_REFRESH_INTERVAL_MS,
    );
    return () => clearInterval(timer);
  }, [load, live]);
  if (!open) {
    return null;
  }
  return (
    <Link to={tabLink} underline="none">
      <Chip
        clickable
        color="primary"
        size="small"
        label={`${wording.LABELS.pendingChip}: ${wording.actionLabel(
          open.action,
        )} · ${wording.STATUS_LABELS[open.status]}`}
        style={{ marginBottom: 12 }}
      />
    </Link>
  );
}
