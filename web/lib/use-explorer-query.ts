'use client';

// The explorer's query lives in the address (explorer-url.ts): this hook reads it, hands it to the
// engine whenever it changes (a link, Back, Forward or a control), and writes changes back with
// `history.replaceState` (refining a view is not a navigation; opening a step is, see step-list.tsx).
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { StepQuery } from '@jobdash/job-detail';
import type { DetailView } from './detail-view';
import { isEmptyQuery, queryKey, readQuery, withQuery } from './explorer-url';

export function useExplorerQuery(view: DetailView): { query: StepQuery; update: (change: (current: StepQuery) => StepQuery) => void } {
  const params = useSearchParams();
  const query = useMemo(() => readQuery(params), [params]);
  const key = queryKey(query);
  const setQuery = useRef(view.setQuery);
  setQuery.current = view.setQuery;
  const hasJob = view.steps !== null;
  const streaming = view.progress !== null;

  useEffect(() => {
    if (!hasJob) return;
    // The empty query too once the list is whole: its facet counts and breakdowns are what the
    // controls offer before anything is chosen. While the list streams, only a query someone
    // asked for runs (the empty one would recount a growing list for nothing).
    setQuery.current(streaming && isEmptyQuery(query) ? null : query);
    // Keyed by `key`: a new object with the same parameters is the same query.
  }, [key, hasJob, streaming]);

  const update = useCallback((change: (current: StepQuery) => StepQuery) => {
    const current = readQuery(new URL(window.location.href).searchParams);
    window.history.replaceState(null, '', withQuery(window.location.href, change(current)));
  }, []);
  return { query, update };
}
