// A step's output as the page shows it: which text, whether it is HTML, whether the legacy worker
// cut it, and the sandboxed document the iframe renders.

/** Outputs stored before the S3 change were cut by the worker at 5,000 characters (code points). */
export const LEGACY_OUTPUT_LIMIT = 5000;

/** The Content-Security-Policy of a rendered step: no script, no request, inline styles, data: images. */
export const OUTPUT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

export interface StepOutput {
  text: string;
  /** Length in characters (code points, as the legacy limit counted). */
  characters: number;
  isHtml: boolean;
  /** Cut by the legacy 5,000-character limit (HTML that stops at exactly the limit, unfinished). */
  truncated: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countCodePoints(text: string, stopAfter = Infinity): number {
  let count = 0;
  for (const _ of text) {
    count += 1;
    if (count > stopAfter) break;
  }
  return count;
}

const HTML_START = /^\s*(<!doctype html|<html[\s>])/i;
const HTML_END = /<\/html>\s*$/i;

/** Reads the output of a decoded step (`output`, else `result`), or null when it has none. */
export function readStepOutput(step: unknown): StepOutput | null {
  if (!isRecord(step)) return null;
  const raw = step.output ?? step.result ?? null;
  if (raw === null || raw === undefined) return null;
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw, null, 2);
  const declaredHtml = typeof step.output_type === 'string' && step.output_type.toLowerCase() === 'html';
  const isHtml = typeof raw === 'string' && (declaredHtml || HTML_START.test(text));
  // The legacy worker kept `output[:5000]`: an HTML page of exactly that many code points that
  // never reaches `</html>` was cut, not written that way.
  const truncated =
    isHtml && countCodePoints(text, LEGACY_OUTPUT_LIMIT) === LEGACY_OUTPUT_LIMIT && !HTML_END.test(text);
  return { text, characters: countCodePoints(text), isHtml, truncated };
}

const DOCTYPE = /^\s*<!doctype[^>]*>/i;

/**
 * The document for `<iframe sandbox srcdoc>`: the step's HTML with a CSP meta element placed
 * before anything else, so it governs every script, style and image that follows (the parser
 * moves it into the head; a later `<html>`/`<head>` tag only merges attributes).
 */
export function sandboxedDocument(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${OUTPUT_CSP}">`;
  const doctype = DOCTYPE.exec(html);
  if (doctype) return doctype[0] + meta + html.slice(doctype[0].length);
  return '<!DOCTYPE html>' + meta + html;
}
