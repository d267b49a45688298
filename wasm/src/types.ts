// Public types of @jobdash/job-detail. Every value crossing the API is a plain object.
//
// The structs and enums that come from the core are listed once more at the end of this file as
// `SCHEMA`, checked at compile time against the interfaces here and by the package's tests
// against what the module reports from its C++ tables (`schema()`): a field or code added,
// renamed or dropped on one side only fails the build or a test.

/** The core's closed set of error codes (C++ `job_detail::ErrorCode`). */
export const ERROR_CODES = [
  'invalid_json',
  'unexpected_shape',
  'too_large',
  'too_deep',
  'truncated',
  'expired',
  'forbidden',
  'not_found',
  'network',
  'timeout',
  'server_error',
  'http_error',
  'aborted',
  's3_url_missing',
  'invalid_argument',
  /** The WebAssembly module trapped; the client replaced it and shows what it still could. */
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What a status says about the work (a job's by the client's `terminalStatuses` /
 * `runningStatuses`, a step's by the defaults): `succeeded`, `failed` and `ended` are terminal;
 * `unknown` is a status in neither list (or none).
 */
export const STATUS_PHASES = ['unknown', 'running', 'succeeded', 'failed', 'ended'] as const;
export type StatusPhase = (typeof STATUS_PHASES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  /** Byte offset in the input where the problem was found, when the error is about bytes. */
  offset: number | null;
  message: string;
}

/** A `cost_usd` value as it arrives: a number, a string, null/undefined (no cost), or junk. */
export type CostInput = number | string | null | undefined | boolean | object;

export interface CostResult {
  /** `none`: null or missing. `invalid`: present but not a cost (counted apart from `none`). */
  kind: 'none' | 'valid' | 'invalid';
  /** Exact canonical decimal (`"0.000123"`, `"-2"`), or null unless `kind` is `valid`. */
  value: string | null;
  /** en-US USD display (`$1,234.50`, `$0.000123`, `—`). */
  display: string;
}

export interface CostTotals {
  /** Exact sum of the valid costs as canonical decimal text (`"1537.19"`, `"0"`). */
  totalCostUsd: string;
  totalCostDisplay: string;
  /** Steps without a cost (null or missing). */
  noCost: number;
  /** Steps whose cost could not be read. */
  invalidCost: number;
}

export interface LoadOptions {
  /** The .wasm bytes, when the caller has them (skips the fetch / file read). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch the .wasm from, when it is not beside the glue. */
  wasmUrl?: string | URL;
}

/** The API bound to one loaded module. */
/** What the core reads from the API's job JSON (`parseJob`). */
export interface ParsedJob {
  /** `id`, else `job_id` (the DynamoDB key), as text. */
  id: string | null;
  status: string | null;
  stepsField: 'absent' | 'null' | 'array' | 'other_type';
  /** DynamoDB steps in the job (maybe only the first 5 when the list lives in S3). */
  stepCount: number;
  s3Key: string | null;
  s3Url: string | null;
  /** Each DynamoDB step's `cost_usd`, read from its JSON text. */
  stepCosts: CostResult[];
}

export type ParseJobResult = ({ ok: true } & ParsedJob) | { ok: false; error: ErrorInfo };

export interface MergeInput {
  /** The API's job JSON text. */
  job: string;
  /** The S3 steps document (bytes or text), when it was fetched. */
  steps?: Uint8Array | string;
  /** Why the S3 list could not be had (`expired`, `network`, ...), when it failed. */
  stepsError?: ErrorCode;
}

/** Which steps the view shows and why; keys are `"3"` (step number), `"id:abc"`, `"#7"` (position). */
export interface MergeResult {
  ok: true;
  source: 's3' | 'dynamodb' | 'dynamodb_fallback';
  complete: boolean;
  reason: ErrorCode | null;
  count: number;
  steps: { key: string; origin: 's3' | 'dynamodb' }[];
}

export interface JobDetail {
  /** Reads a `cost_usd` value exactly (numbers from their shortest JSON text, never summed as doubles). */
  parseCost(value: CostInput): CostResult;
  /** The display string of a `cost_usd` value, the same as the CLI and the dashboard show. */
  formatCost(value: CostInput): string;
  /** Same as `parseCost`, on the raw JSON text of the value (exact for any number of digits). */
  parseCostJson(jsonText: string): CostResult;
  /** Exact total of a list of `cost_usd` values. */
  totalCost(values: readonly CostInput[]): CostTotals;
  /** Parses the API's job JSON: a typed error (with byte offset) for malformed JSON or a non-object. */
  parseJob(jobJson: string): ParseJobResult;
  /** Merges the job's DynamoDB steps with the S3 list (or its failure): S3 wins, nothing is dropped. */
  mergeSteps(input: MergeInput): MergeResult | { ok: false; error: ErrorInfo };
  /** A streaming index over an S3 steps document: feed chunks as they arrive, then finish. */
  createStepIndex(options?: StepIndexOptions): StepIndex;
  /** Feed + finish in one call over a whole document (the index is released afterwards). */
  indexSteps(bytes: Uint8Array | ArrayBuffer, options?: StepIndexOptions): StepIndexResult;
  /** A client that loads one job at a time: the API job, then its S3 steps, retries, polling. */
  createJobDetailClient(options: JobDetailClientOptions): JobDetailClient;
  /** Size of this module's WebAssembly memory in bytes (it grows on demand and never shrinks). */
  memoryBytes(): number;
  /** What this module's document cache across jobs holds now (see `documentCacheBytes`). */
  documentCache(): DocumentCacheStats;
  /** The field names of each struct and the names of each enum the module returns (see `SCHEMA`). */
  schema(): JobDetailSchema;
}

/** Any value JSON can express (what `JSON.parse` returns). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface StepIndexOptions {
  /** Bytes beyond this fail with `too_large` (default: no limit below 4 GiB). */
  maxBytes?: number;
  /**
   * `false` (the default): accept exactly what `JSON.parse(new TextDecoder().decode(bytes))`
   * accepts, like `res.json()`: ill-formed UTF-8 and lone surrogate escapes inside strings, numbers
   * of any magnitude (an out-of-range cost is an invalid cost). `true`: RFC 8259 with well-formed
   * UTF-8, paired surrogates and numbers finite as a double; anything else is `invalid_json`.
   */
  strict?: boolean;
  /** Nesting beyond this fails with `too_deep` (default 512, the top-level container included). */
  maxDepth?: number;
  /**
   * Steps beyond this fail with `too_large` at the first byte of the one too many (default: as
   * many as memory holds; running out of memory is `too_large` too, never an abort).
   */
  maxSteps?: number;
  /**
   * The document's size when known (e.g. Content-Length): the buffer is reserved once, so memory
   * peaks at the document's size. Without it the buffer grows by 1.25x as bytes arrive.
   */
  expectedBytes?: number;
}

/** Count and exact cost totals of the steps indexed so far. */
export interface StepTotals extends CostTotals {
  count: number;
}

/**
 * `finish()`: a complete, valid steps document, or the first error (byte offset included) with
 * the count and totals of the steps indexed before it, which stay readable.
 */
export type StepIndexResult =
  | ({ ok: true } & StepTotals & TextRepairs)
  | ({ ok: false; error: ErrorInfo } & StepTotals & TextRepairs);

/** What the index read differently from strict RFC 8259, as `res.json()` reads it too. */
export interface TextRepairs {
  /**
   * Strings (values and member names) holding ill-formed UTF-8 or a lone surrogate escape: rows
   * show U+FFFD there, and `step(i)` gives what `JSON.parse` gives. Always 0 with `strict`.
   */
  repairedStrings: number;
}

/** Progress while bytes arrive: usable at any moment, before `finish()`. */
export interface StepIndexProgress extends StepTotals, TextRepairs {
  /** Bytes fed so far. */
  bytes: number;
  /** The first error met so far (later bytes are ignored), or null. */
  error: ErrorInfo | null;
}

/**
 * A list row, read from the step's top-level members without decoding the whole step. Text fields
 * hold a string member's content or a number member's JSON text (`"3"`, `"1250.5"`); null when the
 * member is absent, null, a boolean, an object or an array.
 */
export interface StepRow {
  /** Position in the document's step list. */
  index: number;
  /** False for an entry that is not an object (kept, not dropped, with `problem` saying why). */
  isObject: boolean;
  problem: string | null;
  /** Byte span [begin, end) of the step in the document. */
  begin: number;
  end: number;
  /** The merge key: `3` (step_number), `id:abc` (step_id / id), `#7` (position). */
  key: string;
  stepNumber: string | null;
  /** `step_name`, else `name`. */
  name: string | null;
  status: string | null;
  /** `status` by the default status rule (see `terminalStatuses`): what its colour says. */
  statusPhase: StatusPhase;
  /** `started_at`, else `start_time`. */
  startedAt: string | null;
  /** `completed_at`, else `ended_at`, else `end_time`. */
  completedAt: string | null;
  durationMs: string | null;
  model: string | null;
  /** Top-level non-negative integer token counts. */
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  /** `cost_usd`, exact; a non-object entry counts as `invalid`. */
  cost: CostResult;
  /** Length of the `output` member in code points when it is a string, else null. */
  outputChars: number | null;
  /**
   * The output is an HTML page (render it framed, not as text): `output_type` is `html` (any
   * case), or the decoded text starts, after whitespace, with `<!doctype html` or `<html`.
   */
  outputIsHtml: boolean;
  /**
   * The output is an HTML page cut by the legacy worker's 5,000-character limit: exactly 5,000
   * code points, starting (after whitespace) with `<!doctype html` or `<html`, and not ending
   * with `</html>`.
   */
  outputTruncatedLegacy: boolean;
}

/**
 * A streaming, validating index over an S3 steps document (a top-level array, or an object with
 * `execution_steps` / `steps`). It keeps the bytes once plus a small record per step and decodes
 * a step only when asked. Release it with `dispose()` (or `using`); a finalizer is the backstop.
 */
export interface StepIndex {
  /** Any chunking works (inside a string, an escape or a UTF-8 sequence). Ignored after an error. */
  feed(chunk: Uint8Array | ArrayBuffer): void;
  /** Ends the input; `truncated` when the document is incomplete. Later feeds do nothing. */
  finish(): StepIndexResult;
  /** Steps indexed so far. */
  readonly count: number;
  readonly finished: boolean;
  progress(): StepIndexProgress;
  /** The list row of step `i` (throws JobDetailError `invalid_argument` when out of range). */
  summary(i: number): StepRow;
  /** Step `i` decoded in full (HTML output untruncated); a non-object entry gives its value. */
  step(i: number): JsonValue;
  /** Releases the wasm memory now. Idempotent; any other call afterwards throws. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** The API's job object as received (unknown fields included). */
export type JobDocument = { [key: string]: JsonValue };

/** What the client derived from the job. */
export interface JobInfo {
  id: string;
  status: string | null;
  /** `status` by the client's status rule (`terminalStatuses`, `runningStatuses`). */
  phase: StatusPhase;
  /** `phase` is succeeded, failed or ended: polling has stopped. */
  terminal: boolean;
  /** `phase` is running: polled every `pollIntervalMs`. Neither: polled with backoff up to 60 s. */
  running: boolean;
  hasS3Key: boolean;
  hasS3Url: boolean;
  dynamodbStepCount: number;
}

/**
 * `s3`: the complete list from S3. `dynamodb`: the job's own list (complete when the job names no
 * S3 list; incomplete while the S3 list is on its way). `dynamodb_fallback`: S3 failed, `reason`
 * says why, and the job's (possibly partial) list is shown.
 */
export type StepsSource = 's3' | 'dynamodb' | 'dynamodb_fallback';

export interface StepsInfo extends StepTotals {
  source: StepsSource;
  complete: boolean;
  reason: ErrorCode | null;
  /**
   * The list grows while the first S3 document downloads: its steps received so far (source
   * `s3`, `complete` false) plus the DynamoDB steps not among them. `summary(i)` and `step(i)`
   * work for every row shown.
   */
  streaming: boolean;
  /** Rows of both origins are shown (S3 steps and DynamoDB ones): worth labelling each row's origin. */
  mixesOrigins: boolean;
  /**
   * Strings of the S3 document shown that held ill-formed UTF-8 or a lone surrogate escape, read
   * as `res.json()` reads them (U+FFFD in rows): the UI can say some text was repaired.
   */
  repairedStrings: number;
  /**
   * The S3 list shown was taken from the module's document cache (a job opened again), not
   * downloaded for this view; it stays `true` when the revalidation answers 304 and turns `false`
   * when a 200 replaces the document.
   */
  fromCache: boolean;
}

/** What the module's document cache holds (`jd.documentCache()`). */
export interface DocumentCacheStats {
  /** Document bytes plus step records of the documents kept. */
  bytes: number;
  budgetBytes: number;
  entries: number;
}

export interface StepsProgress {
  bytes: number;
  /** Content-Length, when the response had one. */
  total: number | null;
  /** Steps indexed so far. */
  steps: number;
}

export interface SnapshotError {
  code: ErrorCode;
  message: string;
}

/**
 * What the UI renders. Immutable: the same object until something changes (what
 * `useSyncExternalStore` needs).
 */
export interface JobDetailSnapshot {
  /** `loading` until the job and the first answer about its steps are known. */
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  /** The job being loaded (the argument of `load`), or null before the first load. */
  readonly jobId: string | null;
  readonly job: JobDocument | null;
  readonly jobInfo: JobInfo | null;
  readonly steps: StepsInfo | null;
  /** The S3 download under way, or null. */
  readonly progress: StepsProgress | null;
  /** Attempt number of the request in flight or waiting to be retried; 0 when idle. */
  readonly attempt: number;
  /** When the armed retry fires (epoch ms), or null. */
  readonly nextRetryAt: number | null;
  /** A retry or poll waits for the page to be visible or the network to return. */
  readonly retryPaused: boolean;
  /** The job's final error, else the steps' last final error. What was shown before stays. */
  readonly error: SnapshotError | null;
  /** No job data yet and no final error. */
  readonly isPending: boolean;
  /** A request is in flight. */
  readonly isFetching: boolean;
  /** The step explorer's view of the shown list, or null while no query is set (`setQuery`). */
  readonly explorer: ExplorerView | null;
}

/** How the explorer orders rows: `step` keeps the list's order. */
export type StepSortKey = 'step' | 'cost' | 'duration' | 'tokens' | 'startedAt';
export type SortDirection = 'asc' | 'desc';
/** A row's `cost_usd` kind, as a facet. */
export type CostFacet = CostResult['kind'];

/**
 * What the step explorer selects. Facets: an empty list allows every value; `''` in `status` or
 * `model` stands for a step without one.
 */
export interface StepQuery {
  /**
   * Matched in the decoded text (escapes resolved) of every string inside each step's name
   * (`step_name`, `name`), `model`, input (`input`, `inputs`, `prompt`, `messages`) and `output`;
   * never across two strings. ASCII letters match whatever their case, other characters exactly.
   * `''`: no text condition.
   */
  text: string;
  status: readonly string[];
  model: readonly string[];
  origin: readonly ShownRow['origin'][];
  costKind: readonly CostFacet[];
  /** Rows without the value (no or invalid cost, no duration, ...) come last either way. */
  sort: StepSortKey;
  direction: SortDirection;
}

/** A facet value and how many rows would match with it: rows passing the text and the other facets. */
export interface FacetCount {
  value: string;
  count: number;
}

export interface ExplorerFacets {
  status: FacetCount[];
  model: FacetCount[];
  origin: FacetCount[];
  costKind: FacetCount[];
}

/** Exact totals of the matching rows. */
export interface ExplorerTotals {
  steps: number;
  /** Canonical decimal. */
  costUsd: string;
  costDisplay: string;
  noCost: number;
  invalidCost: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Over the rows whose duration is known. */
  durationMs: number;
}

/** One model's or status's part of the matching rows (ordered by cost, then steps). */
export interface BreakdownRow {
  value: string;
  steps: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  costDisplay: string;
  /** Of the matching rows' cost, 0..1. */
  share: number;
}

export interface ExplorerBreakdown {
  byModel: BreakdownRow[];
  byStatus: BreakdownRow[];
}

export interface ExplorerView {
  query: StepQuery;
  /** The text search has not covered every row yet: the matches grow as it goes on. */
  searching: boolean;
  /** Rows in the shown list. */
  total: number;
  matched: number;
  /** Shown-list indices (for `summary(i)` / `step(i)`) of the matching rows, in the query's order. */
  rows: readonly number[];
  facets: ExplorerFacets;
  totals: ExplorerTotals;
  breakdown: ExplorerBreakdown;
}

/** The query text's first match in a step. */
export interface StepMatch {
  /** Matches in the whole step. */
  count: number;
  field: 'name' | 'model' | 'input' | 'output';
  /** About 40 characters either side of the first match, decoded. */
  snippet: string;
  /** UTF-16 offsets of the match in `snippet`. */
  matchStart: number;
  matchEnd: number;
}

/** Each shown row's start and end in ms from the earliest start (NaN: unknown); in list order. */
export interface StepTimeline {
  /** Epoch ms of the earliest start; NaN when no row has one. */
  originMs: number;
  startMs: Float64Array;
  endMs: Float64Array;
}

/** A row of the shown (merged) list: the step's fields and which list it came from. */
export interface ShownRow extends StepRow {
  origin: 's3' | 'dynamodb';
}

/** A monitoring event from the session (URLs redacted). */
export interface JobDetailMetric {
  /**
   * `fetch_start`, `fetch_end` (target `job` or `steps`; a steps one has `cache`: `none`, or for a
   * document shown from the document cache `revalidated` (304), `replaced` (200) or `kept` (the
   * revalidation failed)), `url_expired`, `cache_hit` (a job's rows shown from the cache: `url`,
   * `count`, `bytes`).
   */
  name: string;
  fields: { [field: string]: number | boolean | string };
}

/** Sources of page visibility and connectivity events (default: `document` and `window`). */
export interface PageEvents {
  document?: { visibilityState?: string; addEventListener(type: string, fn: () => void): void; removeEventListener(type: string, fn: () => void): void } | null;
  window?: { addEventListener(type: string, fn: () => void): void; removeEventListener(type: string, fn: () => void): void } | null;
  /** Whether the network is up now (default `navigator.onLine`). */
  online?: () => boolean;
}

export interface RetryOptions {
  /** Attempts per request, the first included (default 3). */
  attempts?: number;
  /** Backoff base (default 250 ms): a retry waits random * min(cap, base * 2^n). */
  baseMs?: number;
  /** Backoff cap (default 20 s). */
  capMs?: number;
}

export interface JobDetailClientOptions {
  /** The job is fetched from `${apiBaseUrl}/jobs/${encodeURIComponent(id)}`. */
  apiBaseUrl: string;
  /** Overrides the job URL. */
  jobUrl?: (jobId: string) => string;
  /**
   * The fetch every request goes through (default: `globalThis.fetch`). A steps body that is a
   * byte stream, as browsers' and Node's fetch bodies are, is read with a BYOB reader into one
   * reused 256 KiB buffer; any other body is read as it comes.
   */
  fetch?: typeof globalThis.fetch;
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
  /** A number in [0, 1) for backoff jitter (default Math.random). */
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  retry?: RetryOptions;
  /**
   * How often a running job is fetched again (default 5000). `false`: never (as TanStack Query's
   * `refetchInterval: false`), e.g. when something else schedules refetches.
   */
  pollIntervalMs?: number | false;
  /** A request with no response or no new bytes for this long is cancelled and retried (30000). */
  requestTimeoutMs?: number;
  /**
   * While the steps download, snapshots are published at most this often (default 100 ms, by
   * `now`), so subscribers re-render a few times a second instead of once per chunk. Anything
   * else (the download's end, a failure, a job answer) is published at once. 0: every chunk.
   * A text search running in slices publishes its view at the same rate, and at its end.
   */
  progressIntervalMs?: number;
  /** When set, S3 URLs must point at one of these hosts. */
  allowedHosts?: readonly string[];
  /**
   * Job statuses after which the job is not polled again (compared ignoring ASCII case, `-` and
   * ` ` read as `_`). Given, it replaces the default list: `completed`, `succeeded`, `success`,
   * `done`, `finished`, `failed`, `error`, `cancelled`, `canceled`, `aborted`, `timed_out`,
   * `upstream_failed`, `skipped`, `stopped`, ... (Airflow, Step Functions, Argo, GitHub Actions).
   */
  terminalStatuses?: readonly string[];
  /**
   * Job statuses polled every `pollIntervalMs`. Given, it replaces the default list: `pending`,
   * `queued`, `scheduled`, `running`, `in_progress`, `processing`, `retrying`, `up_for_retry`, ...
   * A status in neither list is polled with backoff (the interval doubling up to 60 s).
   */
  runningStatuses?: readonly string[];
  /** RequestInit for API requests (auth headers); never sent to S3. */
  apiInit?: RequestInit;
  onMetric?: (metric: JobDetailMetric) => void;
  /**
   * Limits for the S3 steps document: beyond them the list falls back to the job's own steps
   * with reason `too_large` (`too_deep`). Defaults: 256 MiB, 100,000 steps, depth 512; `Infinity`
   * lifts a limit. The realistic big document (31 MB, 5,000 steps) is far below them.
   */
  maxBytes?: number;
  maxSteps?: number;
  maxDepth?: number;
  /** Visibility/online sources; `null` disables listening. */
  pageEvents?: PageEvents | null;
  /**
   * Byte budget of the module's document cache across jobs (default 128 MiB):
   * complete S3 documents stay indexed, keyed by their object (scheme, host, path; not the
   * signature), least recently used out first, counting document bytes plus step records. A job
   * opened again shows its rows at once and revalidates them with `If-None-Match`. The cache is
   * the module instance's, shared by its clients: the budget a client gives applies to all
   * (the latest given wins). `0`: this client neither uses nor fills it.
   */
  documentCacheBytes?: number;
}

/** Loads one job at a time and keeps its view state; framework-free. */
export interface JobDetailClient {
  /** Starts loading `jobId`, cancelling the work for any previous job. */
  load(jobId: string): void;
  /** Fetches the job again now (and its steps when they may have changed). */
  refetch(): void;
  /**
   * Replaces the options (all of them: an option left out takes its default) without recreating
   * the client: the job, its rows and the requests in flight stay; each option applies from its
   * next use, and a poll already armed moves to the new interval. `apiBaseUrl` cannot change
   * (`invalid_argument`): another API needs another client.
   */
  setOptions(options: JobDetailClientOptions): void;
  /** Calls `listener` after each snapshot change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  getSnapshot(): JobDetailSnapshot;
  /** Row `i` of the shown list (throws JobDetailError `invalid_argument` out of range). */
  summary(i: number): ShownRow;
  /** Step `i` of the shown list in full (HTML output untruncated). */
  step(i: number): JsonValue;
  /**
   * Sets the explorer's query (null: none; the snapshot's `explorer` is then null). The text
   * search runs in slices between tasks and follows the list while it streams; each step of it
   * publishes a snapshot whose `explorer` holds the rows found so far.
   */
  setQuery(query: Partial<StepQuery> | null): void;
  /** The query text's first match in row `i`, or null (no text, no match). */
  match(i: number): StepMatch | null;
  /** UTF-16 offsets of every match of the query text in step `i`'s `output` string. */
  outputMatches(i: number): number[];
  /** Start and end of every shown row, for a waterfall. */
  timeline(): StepTimeline;
  /**
   * A copy of the complete S3 steps document the list is shown from, as downloaded (no refetch);
   * null while it downloads or when the list is not from S3.
   */
  stepsDocument(): Uint8Array | null;
  /** Stops everything and releases the wasm memory. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** The names of each struct's fields and each enum's values, as the module reports them. */
export interface JobDetailSchema {
  structs: { [struct: string]: readonly string[] };
  enums: { [enumeration: string]: readonly string[] };
}

/** `names` lists every key of `T`, and only those (a compile error names what is missing). */
export function fieldsOf<T>() {
  return <const N extends readonly (keyof T & string)[]>(
    names: N & ([Exclude<keyof T, N[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, N[number]> }),
  ): N => names;
}

/** `names` lists every member of the union `U`, and only those. */
export function valuesOf<U extends string>() {
  return <const N extends readonly U[]>(
    names: N & ([Exclude<U, N[number]>] extends [never] ? unknown : { missing: Exclude<U, N[number]> }),
  ): N => names;
}

/** Every sort key, in the core's order. */
export const STEP_SORT_KEYS = valuesOf<StepSortKey>()(['step', 'cost', 'duration', 'tokens', 'startedAt']);

const STEP_ROW_FIELDS = fieldsOf<StepRow>()([
  'index', 'isObject', 'problem', 'begin', 'end', 'key', 'stepNumber', 'name', 'status', 'statusPhase', 'startedAt',
  'completedAt', 'durationMs', 'model', 'inputTokens', 'outputTokens', 'totalTokens', 'cost', 'outputChars',
  'outputIsHtml', 'outputTruncatedLegacy',
]);

/**
 * What crosses from the core, by the names JS sees (the raw snapshot's fields are checked beside
 * its type, in snapshot.ts). Internal: the entries re-export only the types of this file and the
 * two lists of names users switch on.
 */
export const SCHEMA = {
  structs: {
    StepRow: STEP_ROW_FIELDS,
    ShownRow: fieldsOf<ShownRow>()([...STEP_ROW_FIELDS, 'origin']),
    StepsInfo: fieldsOf<StepsInfo>()([
      'source', 'complete', 'reason', 'streaming', 'count', 'totalCostUsd', 'totalCostDisplay', 'noCost',
      'invalidCost', 'mixesOrigins', 'repairedStrings', 'fromCache',
    ]),
    DocumentCacheStats: fieldsOf<DocumentCacheStats>()(['bytes', 'budgetBytes', 'entries']),
    JobInfo: fieldsOf<JobInfo>()(['id', 'status', 'phase', 'terminal', 'running', 'hasS3Key', 'hasS3Url', 'dynamodbStepCount']),
    StepsProgress: fieldsOf<StepsProgress>()(['bytes', 'total', 'steps']),
    SnapshotError: fieldsOf<SnapshotError>()(['code', 'message']),
    ErrorInfo: fieldsOf<ErrorInfo>()(['code', 'offset', 'message']),
    ExplorerView: fieldsOf<Omit<ExplorerView, 'query'>>()([
      'searching', 'total', 'matched', 'rows', 'facets', 'totals', 'breakdown',
    ]),
    ExplorerFacets: fieldsOf<ExplorerFacets>()(['status', 'model', 'origin', 'costKind']),
    FacetCount: fieldsOf<FacetCount>()(['value', 'count']),
    ExplorerTotals: fieldsOf<ExplorerTotals>()([
      'steps', 'costUsd', 'costDisplay', 'noCost', 'invalidCost', 'inputTokens', 'outputTokens', 'totalTokens',
      'durationMs',
    ]),
    ExplorerBreakdown: fieldsOf<ExplorerBreakdown>()(['byModel', 'byStatus']),
    BreakdownRow: fieldsOf<BreakdownRow>()([
      'value', 'steps', 'inputTokens', 'outputTokens', 'costUsd', 'costDisplay', 'share',
    ]),
    StepMatch: fieldsOf<StepMatch>()(['count', 'field', 'snippet', 'matchStart', 'matchEnd']),
    StepTimeline: fieldsOf<StepTimeline>()(['originMs', 'startMs', 'endMs']),
  },
  enums: {
    ErrorCode: ERROR_CODES,
    SessionStatus: valuesOf<JobDetailSnapshot['status']>()(['idle', 'loading', 'ready', 'error']),
    StepsSource: valuesOf<StepsSource>()(['s3', 'dynamodb', 'dynamodb_fallback']),
    StepOrigin: valuesOf<ShownRow['origin']>()(['s3', 'dynamodb']),
    CostKind: valuesOf<CostResult['kind']>()(['none', 'valid', 'invalid']),
    StatusPhase: STATUS_PHASES,
    StepSortKey: STEP_SORT_KEYS,
    SortDirection: valuesOf<SortDirection>()(['asc', 'desc']),
    SearchField: valuesOf<StepMatch['field']>()(['name', 'model', 'input', 'output']),
  },
} as const;
