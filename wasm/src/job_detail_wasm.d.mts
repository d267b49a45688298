// Hand-written types of the Embind module (Emscripten 3.1.6 cannot emit them). Internal: the
// public API is in types.ts; these names mirror bindings/*_bindings.cc one to one.
import type {
  CostResult,
  CostTotals,
  ErrorInfo,
  StepIndexProgress,
  StepIndexResult,
  StepSummary,
} from './types.js';

export interface RawModule {
  parseCostJson(jsonText: string): CostResult;
  formatCostJson(jsonText: string): string;
  totalCostJson(jsonTexts: string[]): CostTotals;

  // bindings/transfer_buffer.h: bytes reach the core through one shared view into wasm memory.
  transferView(length: number): Uint8Array;
  readonly transferChunkBytes: number;
  // bindings/step_index_bindings.cc
  readonly stepRecordBytes: number;
  StepIndex: new (options: RawStepIndexOptions) => RawStepIndex;
}

/** An Embind class handle: its wasm memory is freed by `delete()` only. */
export interface RawHandle {
  delete(): void;
  isDeleted(): boolean;
}

/** `{ok: true, value}` or `{ok: false, error}` (bindings/step_convert.h ResultToJs). */
export type RawResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export interface RawStepIndexOptions {
  maxBytes?: number;
  maxDepth?: number;
}

export interface RawStepIndex extends RawHandle {
  reserve(bytes: number): void;
  feedTransfer(length: number): void;
  finish(): StepIndexResult;
  count(): number;
  finished(): boolean;
  progress(): StepIndexProgress;
  summary(i: number): RawResult<StepSummary>;
  /** A view into the document: decode before the next call into the module. */
  stepText(i: number): RawResult<Uint8Array>;
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
