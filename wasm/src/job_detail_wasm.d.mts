// Hand-written types of the Embind module (Emscripten 3.1.6 cannot emit them). Internal: the
// public API is in types.ts; these names mirror bindings/*_bindings.cc one to one.
import type { CostResult, CostTotals, ErrorInfo } from './types.js';

export interface RawModule {
  parseCostJson(jsonText: string): CostResult;
  formatCostJson(jsonText: string): string;
  totalCostJson(jsonTexts: string[]): CostTotals;
}

export interface ModuleOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

export type { ErrorInfo };

declare const createJobDetailModule: (options?: ModuleOptions) => Promise<RawModule>;
export default createJobDetailModule;
