// JobDetailStore: the framework-free observer behind `useJobDetail` (TanStack Query's
// QueryObserver to its useBaseQuery). It owns one JobDetailClient, follows a job id and options,
// and computes the whole result a view renders, so a framework binding only subscribes to it.
// Nothing touches the module until attach(), which servers never call.
import { JobDetailError } from './errors.js';
import { idleSnapshot } from './snapshot.js';
import type {
  JobDetail,
  JobDetailClient,
  JobDetailClientOptions,
  JobDetailSnapshot,
  JobDocument,
  JsonValue,
  ShownRow,
  ExplorerView,
  SnapshotError,
  StepMatch,
  StepQuery,
  StepTimeline,
  StepsInfo,
  StepsProgress,
} from './types.js';

/** Where the store gets the module: an instance, a promise of one, or a loader. */
export type JobDetailSource = JobDetail | Promise<JobDetail> | (() => Promise<JobDetail>);

export interface JobDetailStoreOptions extends JobDetailClientOptions {
  /** False: load nothing (default true). */
  enabled?: boolean;
  /** The module to use (default: `loadJobDetail()`, shared by the page). */
  jobDetail?: JobDetailSource;
}

/** TanStack Query's result shape, plus the step list's own fields. */
export interface JobDetailResult {
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
  /** The step explorer's view (`snapshot.explorer`): null while no query is set. */
  explorer: ExplorerView | null;
  /** Sets the explorer's query (kept across jobs and a recreated client); null clears it. */
  setQuery: (query: Partial<StepQuery> | null) => void;
  /** The query text's first match in row `i`, or null. */
  match: (i: number) => StepMatch | null;
  /** UTF-16 offsets of the query text's matches in step `i`'s output. */
  outputMatches: (i: number) => number[];
  /** Start and end of every shown row. */
  timeline: () => StepTimeline;
  /** The complete S3 steps document as downloaded, or null. */
  stepsDocument: () => Uint8Array | null;
  snapshot: JobDetailSnapshot;
}

function notReady(): JobDetailError {
  return new JobDetailError({ code: 'invalid_argument', offset: null, message: 'no job is loaded yet' });
}

function loadFailedSnapshot(jobId: string | null, error: unknown): JobDetailSnapshot {
  const code = error instanceof JobDetailError ? error.code : 'network';
  const message = error instanceof Error ? error.message : String(error);
  return Object.freeze({ ...idleSnapshot, status: 'error', jobId, isPending: false, error: Object.freeze({ code, message }) });
}

function clientOptions(options: JobDetailStoreOptions): JobDetailClientOptions {
  const { enabled: _enabled, jobDetail: _jobDetail, ...rest } = options;
  return rest;
}

/** The result for a snapshot; `store` answers refetch, summary and step. */
export function toJobDetailResult(snapshot: JobDetailSnapshot, store: JobDetailStore): JobDetailResult {
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
    explorer: snapshot.explorer,
    setQuery: store.setQuery,
    match: store.match,
    outputMatches: store.outputMatches,
    timeline: store.timeline,
    stepsDocument: store.stepsDocument,
    snapshot,
  };
}

/**
 * `attach()` loads the module and creates the client, `setJobId()` loads (or stops on null),
 * `setOptions()` follows option changes, `detach()` disposes. subscribe/getSnapshot/getResult
 * follow the useSyncExternalStore contract: the same object until something changes.
 */
export class JobDetailStore {
  #options: JobDetailStoreOptions;
  readonly #defaultSource: (() => Promise<JobDetail>) | undefined;
  #client: JobDetailClient | null = null;
  #snapshot: JobDetailSnapshot = idleSnapshot;
  #result: JobDetailResult;
  readonly #serverResult: JobDetailResult;
  #jobId: string | null = null;
  #query: Partial<StepQuery> | null = null;
  #attached = false;
  #generation = 0;
  #unsubscribe: (() => void) | null = null;
  readonly #listeners = new Set<() => void>();

  /** `defaultSource`: the module when `options.jobDetail` names none (the entries pass loadJobDetail). */
  constructor(options: JobDetailStoreOptions, defaultSource?: () => Promise<JobDetail>) {
    this.#options = options;
    this.#defaultSource = defaultSource;
    this.#result = toJobDetailResult(idleSnapshot, this);
    this.#serverResult = this.#result;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  };

  /** The client's snapshot. */
  readonly getSnapshot = (): JobDetailSnapshot => this.#snapshot;

  /** The whole result for the current snapshot. */
  readonly getResult = (): JobDetailResult => this.#result;

  /** The result a server renders (idle: the module is never loaded there). */
  readonly getServerResult = (): JobDetailResult => this.#serverResult;

  /**
   * Loads the module (once) and creates the client, unless disabled; resolves when it is ready.
   * It never rejects: a module that cannot be loaded (or options the client refuses) shows as
   * the error snapshot.
   */
  async attach(): Promise<void> {
    this.#attached = true;
    if (this.#options.enabled === false) return;
    const generation = ++this.#generation;
    try {
      const source = this.#options.jobDetail ?? this.#defaultSource;
      if (source === undefined) throw new JobDetailError({ code: 'invalid_argument', offset: null, message: 'no module: pass jobDetail' });
      const jd = await (typeof source === 'function' ? source() : source);
      if (generation !== this.#generation) return;  // detached meanwhile (unmount, StrictMode)
      const client = jd.createJobDetailClient(clientOptions(this.#options));
      this.#client = client;
      this.#unsubscribe = client.subscribe(() => this.#update(client.getSnapshot()));
      if (this.#query !== null) client.setQuery(this.#query);
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

  /**
   * Takes new options. `apiBaseUrl` and `enabled` (another API, on or off) recreate the client;
   * anything else goes to the live client's setOptions(), keeping the job and its rows.
   * `jobDetail` is read when the client is created.
   */
  setOptions(options: JobDetailStoreOptions): void {
    const previous = this.#options;
    this.#options = options;
    const recreate =
      options.apiBaseUrl !== previous.apiBaseUrl ||
      (options.enabled !== false) !== (previous.enabled !== false);
    if (recreate) {
      if (this.#attached) this.#recreate();
      return;
    }
    if (this.#client === null) return;  // the client is created with these options
    try {
      this.#client.setOptions(clientOptions(options));
    } catch (error) {
      this.#update(loadFailedSnapshot(this.#jobId, error));
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

  setQuery = (query: Partial<StepQuery> | null): void => {
    this.#client?.setQuery(query);  // a bad query throws here, before it is kept
    this.#query = query;
  };

  match = (i: number): StepMatch | null => this.#client?.match(i) ?? null;

  outputMatches = (i: number): number[] => this.#client?.outputMatches(i) ?? [];

  timeline = (): StepTimeline => {
    if (this.#client === null) throw notReady();
    return this.#client.timeline();
  };

  stepsDocument = (): Uint8Array | null => this.#client?.stepsDocument() ?? null;

  /** Disposes the client; the last snapshot stays readable. */
  detach(): void {
    this.#attached = false;
    this.#dispose();
  }

  #dispose(): void {
    this.#generation++;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#client?.dispose();
    this.#client = null;
  }

  #recreate(): void {
    this.#dispose();
    this.#update(idleSnapshot);
    if (this.#attached) void this.attach();
  }

  #update(snapshot: JobDetailSnapshot): void {
    if (snapshot === this.#snapshot) return;
    this.#snapshot = snapshot;
    this.#result = toJobDetailResult(snapshot, this);
    for (const listener of [...this.#listeners]) listener();
  }
}
