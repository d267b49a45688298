// mergeSteps: the core's merge command, whose one-line JSON result is the CLI's contract too.
import type { RawModule } from './job_detail_wasm.mjs';
import type { ErrorInfo, MergeInput, MergeResult } from './types.js';

type MergeLine = Omit<MergeResult, 'ok'> | { ok: false; error: ErrorInfo };

export function mergeSteps(
  raw: RawModule,
  input: MergeInput,
): MergeResult | { ok: false; error: ErrorInfo } {
  const output = raw.mergeCommand(input.job, input.steps ?? null, input.stepsError ?? null);
  const parsed = JSON.parse(output.line) as MergeLine;
  if ('error' in parsed) return { ok: false, error: parsed.error };
  return { ok: true, ...parsed };
}
