// The client's public snapshot: the session's plain snapshot plus the job document, frozen, and
// rebuilt only when either changed (so `getSnapshot()` returns the same object until then).
import type { RawSnapshot } from './job_detail_wasm.mjs';
import { fieldsOf } from './types.js';
import type { ExplorerView, JobDetailSnapshot, JobDocument } from './types.js';

/** The session's snapshot fields (C++ `SessionSnapshot`), checked against the module's schema. */
export const RAW_SNAPSHOT_FIELDS = fieldsOf<RawSnapshot>()([
  'version',
  'status',
  'job',
  'steps',
  'progress',
  'attempt',
  'nextRetryAt',
  'retryPaused',
  'fetching',
  'error',
]);

export const idleSnapshot: JobDetailSnapshot = Object.freeze({
  status: 'idle',
  jobId: null,
  job: null,
  jobInfo: null,
  steps: null,
  progress: null,
  attempt: 0,
  nextRetryAt: null,
  retryPaused: false,
  error: null,
  isPending: true,
  isFetching: false,
  explorer: null,
});

export function buildSnapshot(
  raw: RawSnapshot,
  jobId: string | null,
  job: JobDocument | null,
  explorer: ExplorerView | null,
): JobDetailSnapshot {
  return Object.freeze({
    status: raw.status,
    jobId,
    job,
    jobInfo: raw.job === null ? null : Object.freeze(raw.job),
    steps: raw.steps === null ? null : Object.freeze(raw.steps),
    progress: raw.progress === null ? null : Object.freeze(raw.progress),
    attempt: raw.attempt,
    nextRetryAt: raw.nextRetryAt,
    retryPaused: raw.retryPaused,
    error: raw.error === null ? null : Object.freeze(raw.error),
    isPending: job === null && raw.status !== 'error',
    isFetching: raw.fetching,
    explorer,
  });
}
