// A step's output as the page shows it: which text, whether it is an HTML page and whether the
// legacy worker cut it (the core's verdicts, from the step's list row). The framed document of an HTML
// output is built in output-document.ts.

/** Outputs stored before the S3 change were cut by the worker at 5,000 characters (code points). */
export const LEGACY_OUTPUT_LIMIT = 5000;

export interface StepOutput {
  text: string;
  /** Length in characters (code points, as the legacy limit counted). */
  characters: number;
  isHtml: boolean;
  /** Cut by the legacy 5,000-character limit, as the core's row says (`outputTruncatedLegacy`). */
  truncated: boolean;
  /** `text` is the step's `output` string itself (so offsets into `output` are offsets into it). */
  isOutputString: boolean;
}

/** What the core's list row says about the step's `output` string. */
export interface OutputFacts {
  /** Code points of `output` when it is a string, else null. */
  outputChars?: number | null;
  /** `output` is an HTML page (declared by `output_type` or by its start). */
  outputIsHtml?: boolean;
  /** HTML of exactly 5,000 code points that does not end with `</html>`: cut by the old worker. */
  outputTruncatedLegacy?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Reads the output of a decoded step (`output`, else `result`), or null when it has none. `facts`
 * is the step's list row: the core counted the characters, recognized HTML pages and applied the
 * legacy rule while indexing, so the page neither recounts nor guesses.
 */
export function readStepOutput(step: unknown, facts: OutputFacts = {}): StepOutput | null {
  if (!isRecord(step)) return null;
  const raw = step.output ?? step.result ?? null;
  if (raw === null || raw === undefined) return null;
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw, null, 2);
  // The row's facts describe `output`; a `result` shown instead is counted here and shown as text.
  const fromOutput = step.output !== null && step.output !== undefined;
  const isHtml = fromOutput && typeof raw === 'string' && facts.outputIsHtml === true;
  const characters = fromOutput && typeof facts.outputChars === 'number' ? facts.outputChars : countCodePoints(text);
  const truncated = fromOutput && facts.outputTruncatedLegacy === true;
  return { text, characters, isHtml, truncated, isOutputString: fromOutput && typeof raw === 'string' };
}
