// Instantiates the Embind module and binds the public API to it.
import createJobDetailModule, { type ModuleOptions, type RawModule } from './job_detail_wasm.mjs';
import { bindApi } from './api.js';
import type { JobDetail, LoadOptions } from './types.js';

type ReadDefaultBinary = (() => Promise<Uint8Array>) | undefined;

/** The raw Embind module (internal). */
export async function instantiateRaw(
  options: LoadOptions,
  readDefault: ReadDefaultBinary,
): Promise<RawModule> {
  const moduleOptions: ModuleOptions = {};
  if (options.wasmBinary !== undefined) {
    moduleOptions.wasmBinary = options.wasmBinary;
  } else if (options.wasmUrl !== undefined) {
    const url = String(options.wasmUrl);
    moduleOptions.locateFile = () => url;
  } else if (readDefault !== undefined) {
    moduleOptions.wasmBinary = await readDefault();
  }
  return createJobDetailModule(moduleOptions);
}

async function instantiate(options: LoadOptions, readDefault: ReadDefaultBinary): Promise<JobDetail> {
  // The same options make the replacement instance after a trap.
  return bindApi(await instantiateRaw(options, readDefault), () => instantiateRaw(options, readDefault));
}

/**
 * Returns `loadJobDetail`: the default load is shared (one module per page or process); a load
 * with explicit options gets its own module. A failed default load may be retried.
 */
export function createLoader(readDefault: ReadDefaultBinary) {
  let shared: Promise<JobDetail> | undefined;
  return function loadJobDetail(options: LoadOptions = {}): Promise<JobDetail> {
    if (options.wasmBinary !== undefined || options.wasmUrl !== undefined) {
      return instantiate(options, readDefault);
    }
    if (shared === undefined) {
      const loading = instantiate({}, readDefault);
      shared = loading;
      loading.catch(() => {
        if (shared === loading) shared = undefined;
      });
    }
    return shared;
  };
}

export type { LoadOptions };
