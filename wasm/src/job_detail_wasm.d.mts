// Hand-written types of the Embind module (Emscripten 3.1.6 cannot emit them). Internal: the
// public API is in types.ts; these names mirror bindings/*_bindings.cc one to one.
import type {
  CostResult,
  CostTotals,
  DocumentCacheStats,
  ErrorInfo,
  ExplorerView,
  JobInfo,
  StepMatch,
  StepTimeline,
  ShownRow,
  ParseJobResult,
  SnapshotError,
  StepIndexProgress,
  StepIndexResult,
  StepsInfo,
  StepsProgress,
  StepRow,
  JobDetailSchema,
} from './types.js';

/**
 * A native object's methods as the module's free functions: `${kind}${Method}(handle, ...args)`
 * (bindings/handle_table.h), and `${kind}New(...)`, which returns a handle.
 */
type FreeFunctions<Kind extends string, T> = {
  [M in keyof T & string as T[M] extends (...args: never[]) => unknown ? `${Kind}${Capitalize<M>}` : never]: T[M] extends (
    ...args: infer A
  ) => infer R
    ? (handle: number, ...args: A) => R
    : never;
};

export interface RawModule
  extends FreeFunctions<'stepIndex', RawStepIndex>,
    FreeFunctions<'session', RawSession>,
    FreeFunctions<'documentCache', RawDocumentCache> {
  parseCostJson(jsonText: string): CostResult;
  formatCostJson(jsonText: string): string;
  totalCostJson(jsonTexts: string[]): CostTotals;
  // bindings/job_bindings.cc
  parseJob(jobJson: string): ParseJobResult;
  mergeCommand(
    jobJson: Uint8Array | string,
    stepsDocument: Uint8Array | string | null,
    stepsError: string | null,
  ): RawCommandOutput;

  // bindings/transfer_buffer.h: bytes reach the core through one shared view into wasm memory.
  transferView(length: number): Uint8Array;
  readonly transferChunkBytes: number;
  // bindings/step_index_bindings.cc
  stepIndexNew(options: RawStepIndexOptions): number;
  // bindings/session_bindings.cc
  sessionNew(config: RawSessionConfig): number;
  documentCacheNew(budgetBytes: number): number;
  // bindings/schema_bindings.cc
  schema(): JobDetailSchema;
}

/** A native object behind a handle (handle.ts nativeObject): its memory is freed by `delete()` only. */
export interface RawHandle {
  readonly handle: number;
  delete(): void;
}

/** `{ok: true, value}` or `{ok: false, error}` (bindings/step_convert.h ResultToJs). */
export type RawResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export interface RawStepIndexOptions {
  maxBytes?: number;
  maxDepth?: number;
  maxSteps?: number;
  strict?: boolean;
}

export interface RawStepIndex extends RawHandle {
  reserve(bytes: number): void;
  /** Room for `length` bytes at the end of the document (shorter when maxBytes allows less): fill it at once. */
  prepareFeed(length: number): Uint8Array;
  /** Scans the first `written` bytes of the last prepareFeed room in place. */
  commitFeed(written: number): void;
  finish(): StepIndexResult;
  count(): number;
  finished(): boolean;
  progress(): StepIndexProgress;
  summary(i: number): RawResult<StepRow>;
  /** A view into the document: decode before the next call into the module. */
  stepText(i: number): RawResult<Uint8Array>;
}

/** A command's result: the exact line both CLIs print, and the exit status. */
export interface RawCommandOutput {
  exitCode: 0 | 1 | 2;
  line: string;
}

export interface ModuleOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

export type { ErrorInfo };

declare const createJobDetailModule: (options?: ModuleOptions) => Promise<RawModule>;
export default createJobDetailModule;

export interface RawSessionConfig {
  apiBaseUrl: string;
  retry?: { attempts?: number; baseMs?: number; capMs?: number };
  /** false: no polling. */
  pollIntervalMs?: number | false;
  requestTimeoutMs?: number;
  allowedHosts?: string[];
  terminalStatuses?: string[];
  runningStatuses?: string[];
  maxBytes?: number;
  maxDepth?: number;
  maxSteps?: number;
  strict?: boolean;
}

export type RawHeaders = [string, string][];

export type RawEffect =
  | { type: 'fetchJob'; id: number; url: string }
  | { type: 'fetchSteps'; id: number; url: string; headers: RawHeaders }
  | { type: 'cancel'; id: number }
  | { type: 'startTimer'; id: number; at: number }
  | { type: 'metric'; name: string; fields: { [field: string]: number | boolean | string } };

export interface RawSnapshot {
  version: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  job: JobInfo | null;
  steps: StepsInfo | null;
  progress: StepsProgress | null;
  attempt: number;
  nextRetryAt: number | null;
  retryPaused: boolean;
  fetching: boolean;
  error: SnapshotError | null;
}

/** The module's documents across jobs (core DocumentCache); one per module instance. */
export interface RawDocumentCache extends RawHandle {
  setBudget(budgetBytes: number): void;
  stats(): DocumentCacheStats;
}

export interface RawSession extends RawHandle {
  start(jobId: string, now: number): void;
  stop(now: number): void;
  /** The body: the first `length` bytes written through transferView(length). */
  onJobResponseTransfer(id: number, status: number, headers: RawHeaders, length: number, now: number): void;
  onStepsResponseStart(id: number, status: number, headers: RawHeaders, now: number): void;
  onStepsChunkTransfer(id: number, length: number, now: number): void;
  onStepsEnd(id: number, now: number): void;
  onTransportError(id: number, kind: 'network' | 'timeout' | 'aborted', now: number): void;
  onTimer(id: number, now: number): void;
  setPageVisible(visible: boolean, now: number): void;
  setOnline(online: boolean, now: number): void;
  refetch(now: number): void;
  setRandom(random: number): void;
  /** Replaces the configuration; the job, its rows and the requests in flight stay. */
  setConfig(config: RawSessionConfig, now: number): void;
  /** Gives the steps up for good with this code (an ErrorCode name) as the reason. */
  failSteps(code: string, message: string, now: number): void;
  /** Shares the module's document cache (its `handle`) with this session (it keeps it alive past delete()). */
  setDocumentCache(cache: number): void;
  clearDocumentCache(): void;
  pollEffect(): RawEffect | null;
  nextDeadline(): number | null;
  version(): number;
  /** snapshot().steps?.count ?? 0, without converting the snapshot. */
  shownCount(): number;
  snapshot(): RawSnapshot;
  jobJson(): string | null;
  /** Row `i` of the shown list with its origin (the core decides which list it comes from). */
  row(i: number): RawResult<ShownRow>;
  /** The full JSON text of step `i` of the shown list, whichever list it comes from. */
  stepText(i: number): RawResult<Uint8Array>;
  /** The explorer's query (the facade checked it). */
  setQuery(query: RawStepQuery): void;
  /** Searches about `byteBudget` bytes of step text more; true when every row is searched. */
  advanceSearch(byteBudget: number): boolean;
  explorerView(): RawExplorerView;
  stepMatch(i: number): StepMatch | null;
  outputMatches(i: number): Uint32Array;
  timeline(): StepTimeline;
  /** Views into the module's memory: copy them before the next call. */
  stepsDocumentParts(): Uint8Array[] | null;
}

export interface RawStepQuery {
  text: string;
  status: string[];
  model: string[];
  origin: string[];
  costKind: string[];
  sort: string;
  direction: string;
}

/** ExplorerView as the core sends it: rows as a typed array, no query. */
export type RawExplorerView = Omit<ExplorerView, 'query' | 'rows'> & { rows: Uint32Array };
