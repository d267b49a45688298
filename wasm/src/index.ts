// Browser and bundler entry: the glue fetches `job_detail_wasm.wasm` through
// `new URL(..., import.meta.url)`, which Vite and Next.js emit as an asset without configuration.
import { createLoader } from './instantiate.js';

export type * from './types.js';
export { ERROR_CODES, STATUS_PHASES } from './types.js';
export { JobDetailError } from './errors.js';

/** Loads the WebAssembly module once per page and returns the API bound to it. */
export const loadJobDetail = createLoader(undefined);
