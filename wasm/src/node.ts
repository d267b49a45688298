// Node entry (`exports["."].node`): Emscripten's web glue cannot read `file:` URLs, so the
// bytes are read here and handed to the factory. Everything else is shared with the browser entry.
import { readFile } from 'node:fs/promises';

import { createLoader } from './instantiate.js';
import { JobDetailStore, type JobDetailStoreOptions } from './store.js';

export type * from './types.js';
export { ERROR_CODES, STATUS_PHASES } from './types.js';
export { JobDetailError } from './errors.js';
export { JobDetailStore, toJobDetailResult } from './store.js';
export type { JobDetailResult, JobDetailSource, JobDetailStoreOptions } from './store.js';

/** Loads the WebAssembly module once per process and returns the API bound to it. */
export const loadJobDetail = createLoader(() =>
  readFile(new URL('./job_detail_wasm.wasm', import.meta.url)),
);

/** A JobDetailStore whose module, unless `options.jobDetail` names one, is `loadJobDetail()`. */
export function createJobDetailStore(options: JobDetailStoreOptions): JobDetailStore {
  return new JobDetailStore(options, () => loadJobDetail());
}
// Under Node it throws WorkerFetchUnavailableError (no Web Workers): exported for the same types.
export { WorkerFetchUnavailableError, createWorkerFetch } from './worker_fetch.js';
export type { WorkerFetch, WorkerFetchOptions } from './worker_fetch.js';
