import { useApi } from '@backstage/core-plugin-api';
import { ErrorLike, toError } from '@backstage/errors';
import { Cutover } from '@bluegreen-istio/plugin-bluegreen-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ListCutoversQuery, bluegreenApiRef } from '../../api';

export interface CutoverPage {
  items?: Cutover[];
  error?: ErrorLike;
  /** 0-based page number. */
  page: number;
  hasNewer: boolean;
  hasOlder: boolean;
  newer: () => void;
  older: () => void;
}

/**
 * One page of cutovers at a time, walked with the API's cursors (kept as a stack for going
 * back), read again whenever `version` changes; a new query starts from the first page.
 */
export function useCutoverPage(
  query: Omit<ListCutoversQuery, 'cursor'>,
  version: number,
): CutoverPage {
  const api = useApi(bluegreenApiRef);
  const key = JSON.stringify(query);
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const [result, setResult] = useState<{
    items?: Cutover[];
    nextCursor?: string;
    error?: ErrorLike;
  }>({});
  const lastKey = useRef(key);
  if (lastKey.current !== key) {
    lastKey.current = key;
    setCursors([undefined]);
  }
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let stale = false;
    api.listCutovers({ ...JSON.parse(key), cursor }).then(
      list =>
        !stale && setResult({ items: list.items, nextCursor: list.nextCursor }),
      e =>
        !stale && setResult(previous => ({ ...previous, error: toError(e) })),
    );
    return () => {
      stale = true;
    };
  }, [api, key, cursor, version]);

  const { nextCursor } = result;
  const older = useCallback(() => {
    if (nextCursor) {
      setCursors(previous => [...previous, nextCursor]);
    }
  }, [nextCursor]);
  const newer = useCallback(
    () =>
      setCursors(previous =>
        previous.length > 1 ? previous.slice(0, -1) : previous,
      ),
    [],
  );
  return {
    ...result,
    page: cursors.length - 1,
    hasNewer: cursors.length > 1,
    hasOlder: nextCursor !== undefined,
    newer,
    older,
  };
}
