// `@jobdash/job-detail/react`: useJobDetail on useSyncExternalStore, over a framework-free store
// that owns one JobDetailClient. SSR-safe: the server snapshot is the idle one and the module is
// loaded only in an effect, which never runs during server rendering.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';

import { JobDetailError, loadJobDetail } from '@jobdash/job-detail';
import type {
  JobDetail,
  JobDetailClient,
  JobDetailClientOptions,
  JobDetailSnapshot,
  JobDocument,
  JsonValue,
  ShownRow,
  SnapshotError,
  StepsInfo,
  StepsProgress,
} from '@jobdash/job-detail';

import { idleSnapshot } from './snapshot.js';

/** Where the store gets the module: an instance, a promise of one, or a loader. */
export type JobDetailSource = JobDetail | Promise<JobDetail> | (() => Promise<JobDetail>);

export interface UseJobDetailOptions extends JobDetailClientOptions {
  /** False: load nothing (default true). */
  enabled?: boolean;
  /** The module to use (default: `loadJobDetail()`, shared by the page). */
  jobDetail?: JobDetailSource;
}

function notReady(): JobDetailError {
  return new JobDetailError({ code: 'invalid_argument', offset: null, message: 'no job is loaded yet' });
}

function loadFailedSnapshot(jobId: string | null, error: unknown): JobDetailSnapshot {
  const code = error instanceof JobDetailError ? error.code : 'network';
  const message = error instanceof Error ? error.message : String(error);
  return Object.freeze({ ...idleSnapshot, status: 'error', jobId, isPending: false, error: Object.freeze({ code, message }) });
}

/**
 * The hook's engine, usable from any framework: `attach()` loads the module and creates the
 * client, `setJobId()` loads (or stops on null), `detach()` disposes. subscribe/getSnapshot follow
 * the useSyncExternalStore contract: the same snapshot object until something changes.
 */
export class JobDetailStore {
  #options: UseJobDetailOptions;
  #client: JobDetailClient | null = null;
  #snapshot: JobDetailSnapshot = idleSnapshot;
  #jobId: string | null = null;
  #generation = 0;
  #unsubscribe: (() => void) | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(options: UseJobDetailOptions) {
    this.#options = options;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  };

  readonly getSnapshot = (): JobDetailSnapshot => this.#snapshot;

  /**
   * Loads the module (once) and creates the client; resolves when it is ready. It never rejects:
   * a module that cannot be loaded (or options the client refuses) shows as the error snapshot.
   */
  async attach(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const source = this.#options.jobDetail ?? loadJobDetail;
      const jd = await (typeof source === 'function' ? source() : source);
      if (generation !== this.#generation) return;  // detached meanwhile (unmount, StrictMode)
      const { enabled: _enabled, jobDetail: _jobDetail, ...clientOptions } = this.#options;
      const client = jd.createJobDetailClient(clientOptions);
      this.#client = client;
      this.#unsubscribe = client.subscribe(() => this.#update(client.getSnapshot()));
      if (this.#jobId !== null) client.load(this.#jobId);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#update(loadFailedSnapshot(this.#jobId, error));
    }
  }

  /** Starts loading `jobId` (cancelling the previous job's work); null stops showing a job. */
  setJobId(jobId: string | null): void {
    if (jobId === this.#jobId) return;
    this.#jobId = jobId;
    if (this.#client === null) return;
    if (jobId === null) {
      this.#recreate();
    } else {
      this.#client.load(jobId);
    }
  }

  refetch = (): void => {
    this.#client?.refetch();
  };

  summary = (i: number): ShownRow => {
    if (this.#client === null) throw notReady();
    return this.#client.summary(i);
  };

  step = (i: number): JsonValue => {
    if (this.#client === null) throw notReady();
    return this.#client.step(i);
  };

  /** Disposes the client; the last snapshot stays readable. */
  detach(): void {
    this.#generation++;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#client?.dispose();
    this.#client = null;
  }

  #recreate(): void {
    this.detach();
    this.#update(idleSnapshot);
    void this.attach();
  }

  #update(snapshot: JobDetailSnapshot): void {
    if (snapshot === this.#snapshot) return;
    this.#snapshot = snapshot;
    for (const listener of [...this.#listeners]) listener();
  }
}

/** TanStack Query's result shape, plus the step list's own fields. */
export interface UseJobDetailResult {
  status: 'pending' | 'error' | 'success';
  fetchStatus: 'fetching' | 'paused' | 'idle';
  /** The API's job object, once known. */
  data: JobDocument | undefined;
  error: SnapshotError | null;
  isPending: boolean;
  /** Pending and fetching: the first load is under way. */
  isLoading: boolean;
  isFetching: boolean;
  isError: boolean;
  isSuccess: boolean;
  refetch: () => void;
  /** Which list is shown and why, with exact totals; null before the job is known. */
  steps: StepsInfo | null;
  progress: StepsProgress | null;
  /** Row `i` of the shown list; stable until the snapshot changes. */
  summary: (i: number) => ShownRow;
  /** Step `i` in full, HTML output untruncated. */
  step: (i: number) => JsonValue;
  snapshot: JobDetailSnapshot;
}

/** The hook's result for a snapshot (exported for tests and other bindings). */
export function toQueryResult(snapshot: JobDetailSnapshot, store: JobDetailStore): UseJobDetailResult {
  const status = snapshot.status === 'error' ? 'error' : snapshot.job !== null ? 'success' : 'pending';
  return {
    status,
    fetchStatus: snapshot.isFetching ? 'fetching' : snapshot.retryPaused ? 'paused' : 'idle',
    data: snapshot.job ?? undefined,
    error: snapshot.error,
    isPending: status === 'pending',
    isLoading: status === 'pending' && snapshot.isFetching,
    isFetching: snapshot.isFetching,
    isError: status === 'error',
    isSuccess: status === 'success',
    refetch: store.refetch,
    steps: snapshot.steps,
    progress: snapshot.progress,
    summary: store.summary,
    step: store.step,
    snapshot,
  };
}

const serverSnapshot = (): JobDetailSnapshot => idleSnapshot;

/**
 * Loads job `jobId` and keeps it fresh (retries, presigned URL refresh, polling while it runs).
 * Changing `jobId` cancels the old work; unmounting disposes everything. Options are read when
 * the component mounts, except `apiBaseUrl` and `enabled`, which recreate the client on change.
 */
export function useJobDetail(jobId: string | null | undefined, options: UseJobDetailOptions): UseJobDetailResult {
  const latest = useRef(options);
  latest.current = options;
  const enabled = options.enabled !== false;
  const [store, setStore] = useState<JobDetailStore | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;
    const onMetric = latest.current.onMetric;
    const created = new JobDetailStore({
      ...latest.current,
      ...(onMetric === undefined ? {} : { onMetric: (metric) => latest.current.onMetric?.(metric) }),
    });
    setStore(created);
    void created.attach();
    return () => created.detach();
  }, [options.apiBaseUrl, enabled]);

  useEffect(() => {
    store?.setJobId(jobId ?? null);
  }, [store, jobId]);

  const subscribe = useMemo(() => store?.subscribe ?? (() => () => undefined), [store]);
  const getSnapshot = store?.getSnapshot ?? serverSnapshot;
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, serverSnapshot);
  const fallback = useMemo(() => new JobDetailStore({ apiBaseUrl: '' }), []);
  return useMemo(() => toQueryResult(snapshot, store ?? fallback), [snapshot, store, fallback]);
}

export { jobDetailQueryOptions } from './query.js';
export type { JobDetailQueryData, JobDetailQueryOptions, JobDetailQueryOptionsInput } from './query.js';
