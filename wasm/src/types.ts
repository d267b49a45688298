// Public types of @jobdash/job-detail. Every value crossing the API is a plain object.

/** The core's closed set of error codes (C++ `job_detail::ErrorCode`). */
export type ErrorCode =
  | 'invalid_json'
  | 'unexpected_shape'
  | 'too_large'
  | 'too_deep'
  | 'truncated'
  | 'expired'
  | 'forbidden'
  | 'not_found'
  | 'network'
  | 'timeout'
  | 'server_error'
  | 'http_error'
  | 'aborted'
  | 's3_url_missing'
  | 'invalid_argument';

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
export interface JobDetail {
  /** Reads a `cost_usd` value exactly (numbers from their shortest JSON text, never summed as doubles). */
  parseCost(value: CostInput): CostResult;
  /** The display string of a `cost_usd` value, the same as the CLI and the dashboard show. */
  formatCost(value: CostInput): string;
  /** Same as `parseCost`, on the raw JSON text of the value (exact for any number of digits). */
  parseCostJson(jsonText: string): CostResult;
  /** Exact total of a list of `cost_usd` values. */
  totalCost(values: readonly CostInput[]): CostTotals;
  /** A streaming index over an S3 steps document: feed chunks as they arrive, then finish. */
  createStepIndex(options?: StepIndexOptions): StepIndex;
  /** Feed + finish in one call over a whole document (the index is released afterwards). */
  indexSteps(bytes: Uint8Array | ArrayBuffer, options?: StepIndexOptions): StepIndexResult;
}

/** Any value JSON can express (what `JSON.parse` returns). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface StepIndexOptions {
  /** Bytes beyond this fail with `too_large` (default: no limit below 4 GiB). */
  maxBytes?: number;
  /** Nesting beyond this fails with `too_deep` (default 512, the top-level container included). */
  maxDepth?: number;
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
  | ({ ok: true } & StepTotals)
  | ({ ok: false; error: ErrorInfo } & StepTotals);

/** Progress while bytes arrive: usable at any moment, before `finish()`. */
export interface StepIndexProgress extends StepTotals {
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
export interface StepSummary {
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
  summary(i: number): StepSummary;
  /** Step `i` decoded in full (HTML output untruncated); a non-object entry gives its value. */
  step(i: number): JsonValue;
  /** Releases the wasm memory now. Idempotent; any other call afterwards throws. */
  dispose(): void;
  [Symbol.dispose](): void;
}
