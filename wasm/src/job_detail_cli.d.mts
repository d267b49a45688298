// Hand-written types of the CLI's Embind module (bindings/cli/cli_bindings.cc and
// bindings/job_bindings.cc), which only the node CLI loads. Internal.
import type { ModuleOptions, RawCommandOutput, RawModule } from './job_detail_wasm.mjs';

export interface RawCliModule extends Pick<RawModule, 'parseJob' | 'mergeCommand'> {
  formatCostCommand(jsonValueText: string): RawCommandOutput;
  inspectStepsCommand(stepsDocument: Uint8Array | string): RawCommandOutput;
  cliUsage(): string;
}

export type { RawCommandOutput };

declare const createJobDetailCliModule: (options?: ModuleOptions) => Promise<RawCliModule>;
export default createJobDetailCliModule;
