// What the detail page reads from `useJobDetail` (@jobdash/job-detail/react). Written as the
// smallest structural interface the components need, so they render any source of that shape.

/** One list row: the step index's summary fields plus where the step came from. */
export interface StepRow {
  stepNumber: string | null;
  name: string | null;
  status: string | null;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  cost: { kind: 'none' | 'valid' | 'invalid'; display: string };
  /** `s3` or `dynamodb`. */
  origin?: string;
  /** Code points of the step's `output` string, else null. */
  outputChars?: number | null;
  /** The output was cut by the legacy worker's 5,000-character limit (the core's rule). */
  outputTruncatedLegacy?: boolean;
}

/** The merged list: where it came from, whether it is whole, and its exact totals. */
export interface StepsInfo {
  source: string;
  complete: boolean;
  /** Why the complete list is not shown (an error code), or null. */
  reason: string | null;
  count: number;
  totalCostUsd: string;
  totalCostDisplay: string;
  noCost: number;
  invalidCost: number;
}

export interface DetailView {
  status: 'pending' | 'error' | 'success';
  fetchStatus: string;
  /** The job as the API returned it. */
  data: unknown;
  error: { code: string; message: string } | null;
  isPending: boolean;
  isFetching: boolean;
  refetch(): unknown;
  steps: StepsInfo | null;
  /** The S3 download under way: bytes so far, Content-Length, and steps indexed so far when known. */
  progress: { bytes: number; total: number | null; steps?: number } | null;
  summary(i: number): StepRow;
  step(i: number): unknown;
}
