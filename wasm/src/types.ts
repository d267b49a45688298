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
}
