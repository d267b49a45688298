// `@jobdash/job-detail/react`: useJobDetail, React's wiring to the framework-free JobDetailStore
// (the main entry's), which computes the whole result. SSR-safe: the server result is the idle
// one and the store touches the module only in attach(), called from an effect, which never runs
// during server rendering.
import { useEffect, useState, useSyncExternalStore } from 'react';

import { JobDetailStore, createJobDetailStore, toJobDetailResult } from '@jobdash/job-detail';
import type { JobDetailResult, JobDetailSnapshot, JobDetailStoreOptions } from '@jobdash/job-detail';

export type { JobDetailSource } from '@jobdash/job-detail';
export { JobDetailStore };

export type UseJobDetailOptions = JobDetailStoreOptions;
export type UseJobDetailResult = JobDetailResult;

/** The hook's result for a snapshot (kept for tests and other bindings: the store computes it). */
export function toQueryResult(snapshot: JobDetailSnapshot, store: JobDetailStore): UseJobDetailResult {
  return toJobDetailResult(snapshot, store);
}

/**
 * Loads job `jobId` and keeps it fresh (retries, presigned URL refresh, polling while it runs).
 * Changing `jobId` cancels the old work; unmounting disposes everything. Changed options go to
 * the live client (`setOptions`), except `apiBaseUrl` and `enabled`, which recreate it.
 */
export function useJobDetail(jobId: string | null | undefined, options: UseJobDetailOptions): UseJobDetailResult {
  const [store] = useState(() => createJobDetailStore(options));
  useEffect(() => {
    store.setOptions(options);
  }, [store, options]);
  useEffect(() => {
    void store.attach();
    return () => store.detach();
  }, [store]);
  useEffect(() => {
    store.setJobId(jobId ?? null);
  }, [store, jobId]);
  return useSyncExternalStore(store.subscribe, store.getResult, store.getServerResult);
}

export { jobDetailQueryOptions } from './query.js';
export type { JobDetailQueryData, JobDetailQueryOptions, JobDetailQueryOptionsInput } from './query.js';
