// The public API over the raw Embind module: JS values in, plain objects out.
import { createJobDetailClient } from './client.js';
import { costJsonText } from './cost_input.js';
import { JobDetailError } from './errors.js';
import { mergeSteps } from './merge.js';
import type { RawModule } from './job_detail_wasm.mjs';
import { ModuleSlot, isTrap } from './module_slot.js';
import { createStepIndex, indexSteps } from './step_index.js';
import type {
  CostInput,
  JobDetail,
  JobDetailClientOptions,
  MergeInput,
  StepIndexOptions,
} from './types.js';

/**
 * Binds the API to `raw`. After a trap the instance is replaced through `instantiate` (see
 * ModuleSlot): later calls, and clients as they next touch the module, use the fresh one.
 */
export function bindApi(raw: RawModule, instantiate: () => Promise<RawModule>): JobDetail {
  const slot = new ModuleSlot(raw, instantiate);
  // One call into the live instance; a trap drops it and surfaces as a typed error.
  const call = <T>(fn: (live: RawModule) => T): T => {
    const live = slot.current;
    if (live === null) {
      throw new JobDetailError({ code: 'internal_error', offset: null, message: 'the module is being replaced after a failure: try again shortly' });
    }
    try {
      return fn(live);
    } catch (error) {
      if (!isTrap(error)) throw error;
      slot.replace(live).catch(() => undefined);
      throw new JobDetailError({ code: 'internal_error', offset: null, message: `the WebAssembly module failed (${String(error)}) and is being replaced` });
    }
  };
  return {
    parseCost: (value: CostInput) => call((live) => live.parseCostJson(costJsonText(value))),
    formatCost: (value: CostInput) => call((live) => live.formatCostJson(costJsonText(value))),
    parseCostJson: (jsonText: string) => call((live) => live.parseCostJson(jsonText)),
    totalCost: (values: readonly CostInput[]) => call((live) => live.totalCostJson(values.map(costJsonText))),
    parseJob: (jobJson: string) => call((live) => live.parseJob(jobJson)),
    mergeSteps: (input: MergeInput) => call((live) => mergeSteps(live, input)),
    createStepIndex: (options?: StepIndexOptions) => call((live) => createStepIndex(live, options)),
    indexSteps: (bytes: Uint8Array | ArrayBuffer, options?: StepIndexOptions) =>
      call((live) => indexSteps(live, bytes, options)),
    createJobDetailClient: (options: JobDetailClientOptions) => createJobDetailClient(slot, options),
    memoryBytes: () => call((live) => live.transferView(0).buffer.byteLength),
    documentCache: () => call((live) => slot.documentCache(live).stats()),
    schema: () => call((live) => live.schema()),
  };
}
