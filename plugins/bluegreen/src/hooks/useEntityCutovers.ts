import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import {
  Cutover,
  OPEN_CUTOVER_STATUSES,
  bluegreenCutoverApprovePermission,
  bluegreenCutoverRequestPermission,
} from '@bluegreen-istio/plugin-bluegreen-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { bluegreenApiRef } from '../api';
import { DEFAULT_REFRESH_INTERVAL_MS } from './useBlueGreenState';
import { SIGNAL_SAFETY_POLL_MS, useCutoverSignal } from './useCutoverSignal';

export interface EntityCutovers {
  /** False until the first answer. */
  loaded: boolean;
  /** The entity's open cutover, if any. */
  open?: Cutover;
  /**
   * The cutover the panel shows: the open one, or the one last followed after it ended (until
   * dismissed), so its outcome stays on screen.
   */
  followed?: Cutover;
  /**
   * Whether the signed-in user may approve the open cutover: the policy grants them
   * `bluegreen.cutover.approve` for the entity and the backend lists it `approvableBy=me` (which
   * also leaves out their own requests).
   */
  approvable: boolean;
  /**
   * Whether the policy grants the signed-in user `bluegreen.cutover.approve` for the entity;
   * undefined while asking.
   */
  mayApprove?: boolean;
  /**
   * Whether the policy grants the signed-in user `bluegreen.cutover.request` for the entity
   * (with which a requester steers their own rollout); undefined while asking.
   */
  mayRequest?: boolean;
  /** The entity's last applied cutover, the one a rollback would undo. */
  lastApplied?: Cutover;
  error?: ErrorLike;
  /** Whether updates arrive as signals (else by polling). */
  live: boolean;
  /** Changes whenever a cutover of the entity moved: views that depend on it read again. */
  version: number;
  reload: () => void;
  /** Shows this cutover (just requested or decided) and follows it. */
  follow: (cutover: Cutover) => void;
  /** Stops showing an ended cutover. */
  dismiss: () => void;
}

interface Loaded {
  open?: Cutover;
  followed?: Cutover;
  approvable: boolean;
  lastApplied?: Cutover;
}

function fingerprint(loaded: Loaded): string {
  return [loaded.open, loaded.followed, loaded.lastApplied]
    .map(c => (c ? `${c.id}:${c.status}:${c.approvals.length}` : '-'))
    .join('|');
}

/**
 * The entity's open and last applied cutovers, followed live: on every signal about the entity,
 * and by polling when signals are unavailable.
 */
export function useEntityCutovers(
  entityRef: string,
  refreshIntervalMs: number = DEFAULT_REFRESH_INTERVAL_MS,
): EntityCutovers {
  const api = useApi(bluegreenApiRef);
  const approvePermission = usePermission({
    permission: bluegreenCutoverApprovePermission,
    resourceRef: entityRef,
  });
  const requestPermission = usePermission({
    permission: bluegreenCutoverRequestPermission,
    resourceRef: entityRef,
  });
  const [loaded, setLoaded] = useState<Loaded & { done: boolean }>({
    approvable: false,
    done: false,
  });
  const [error, setError] = useState<ErrorLike>();
  const [version, setVersion] = useState(0);
  const followedId = useRef<string>();
  const lastFingerprint = useRef<string>();
  const generation = useRef(0);

  const load = useCallback(async () => {
    const current = ++generation.current;
    try {
      const [openList, appliedList] = await Promise.all([
        api.listCutovers({
          entityRef,
          status: [...OPEN_CUTOVER_STATUSES],
          limit: 1,
        }),
        api.listCutovers({ entityRef, status: ['applied'], limit: 1 }),
      ]);
      const open = openList.items[0];
      if (open) {
        followedId.current = open.id;
      }
      let followed = open;
      if (!followed && followedId.current) {
        followed = await api.getCutover(followedId.current);
      }
      let approvable = false;
      if (open?.status === 'requested') {
        const mine = await api.listCutovers({
          entityRef,
          status: ['requested'],
          approvableBy: 'me',
          limit: 1,
        });
        approvable = mine.items.some(c => c.id === open.id);
      }
      if (current !== generation.current) {
        return;
      }
      const next = {
        open,
        followed,
        approvable,
        lastApplied: appliedList.items[0],
      };
      const print = fingerprint(next);
      if (print !== lastFingerprint.current) {
        if (lastFingerprint.current !== undefined) {
          setVersion(v => v + 1);
        }
        lastFingerprint.current = print;
      }
      setLoaded({ ...next, done: true });
      setError(undefined);
    } catch (e) {
      if (current === generation.current) {
        setError(toError(e));
        setLoaded(previous => ({ ...previous, done: true }));
      }
    }
  }, [api, entityRef]);

  const live = useCutoverSignal(() => {
    load();
  }, entityRef);
  // While a request is open the panel keeps polling even with signals: a signals connection can
  // be up without delivering (the signals backend leaves the first WebSocket after its start unanswered).
  const following = loaded.open !== undefined;

  useEffect(() => {
    const generations = generation;
    followedId.current = undefined;
    lastFingerprint.current = undefined;
    load();
    return () => {
      generations.current++;
    };
  }, [load]);

  useEffect(() => {
    const timer = setInterval(
      load,
      live && !following ? SIGNAL_SAFETY_POLL_MS : refreshIntervalMs,
    );
    return () => clearInterval(timer);
  }, [load, live, following, refreshIntervalMs]);

  const follow = useCallback(
    (cutover: Cutover) => {
      followedId.current = cutover.id;
      setLoaded(previous => ({ ...previous, followed: cutover }));
      load();
    },
    [load],
  );

  const dismiss = useCallback(() => {
    followedId.current = undefined;
    setLoaded(previous => ({ ...previous, followed: previous.open }));
  }, []);

  return {
    loaded: loaded.done,
    open: loaded.open,
    followed: loaded.followed,
    approvable: approvePermission.allowed && loaded.approvable,
    mayApprove: approvePermission.loading
      ? undefined
      : approvePermission.allowed,
    mayRequest: requestPermission.loading
      ? undefined
      : requestPermission.allowed,
    lastApplied: loaded.lastApplied,
    error,
    live,
    version,
    reload: load,
    follow,
    dismiss,
  };
}
