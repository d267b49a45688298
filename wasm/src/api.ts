// The public API over the raw Embind module: JS values in, plain objects out.
import { createJobDetailClient } from './client.js';
import { costJsonText } from './cost_input.js';
import { mergeSteps } from './merge.js';
import type { RawModule } from './job_detail_wasm.mjs';
import { createStepIndex, indexSteps } from './step_index.js';
import type {
  CostInput,
  JobDetail,
  JobDetailClientOptions,
  MergeInput,
  StepIndexOptions,
} from './types.js';

export function bindApi(raw: RawModule): JobDetail {
  return {
    parseCost: (value: CostInput) => raw.parseCostJson(costJsonText(value)),
    formatCost: (value: CostInput) => raw.formatCostJson(costJsonText(value)),
    parseCostJson: (jsonText: string) => raw.parseCostJson(jsonText),
    totalCost: (values: readonly CostInput[]) => raw.totalCostJson(values.map(costJsonText)),
    parseJob: (jobJson: string) => raw.parseJob(jobJson),
    mergeSteps: (input: MergeInput) => mergeSteps(raw, input),
    createStepIndex: (options?: StepIndexOptions) => createStepIndex(raw, options),
    indexSteps: (bytes: Uint8Array | ArrayBuffer, options?: StepIndexOptions) =>
      indexSteps(raw, bytes, options),
    createJobDetailClient: (options: JobDetailClientOptions) => createJobDetailClient(raw, options),
    memoryBytes: () => raw.transferView(0).buffer.byteLength,
    schema: () => raw.schema(),
  };
}
