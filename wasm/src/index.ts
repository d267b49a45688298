// Browser and bundler entry: the glue fetches `job_detail_wasm.wasm` through
// `new URL(..., import.meta.url)`, which Vite and Next.js emit as an asset without configuration.
import { createLoader } from './instantiate.js';
import { JobDetailStore, type JobDetailStoreOptions } from './store.js';

export type * from './types.js';
export { ERROR_CODES, STATUS_PHASES } from './types.js';
export { JobDetailError } from './errors.js';
export { JobDetailStore, toJobDetailResult } from './store.js';
export type { JobDetailResult, JobDetailSource, JobDetailStoreOptions } from './store.js';

/** Loads the WebAssembly module once per page and returns the API bound to it. */
export const loadJobDetail = createLoader(undefined);

/** A JobDetailStore whose module, unless `options.jobDetail` names one, is `loadJobDetail()`. */
export function createJobDetailStore(options: JobDetailStoreOptions): JobDetailStore {
  return new JobDetailStore(options, () => loadJobDetail());
}
export { WorkerFetchUnavailableError, createWorkerFetch } from './worker_fetch.js';
export type { WorkerFetch, WorkerFetchOptions } from './worker_fetch.js';
