// Links to one step of a job page: `?step=<value>`, where the value is the step's `stepNumber`
// (what the list shows in its # column) or, for a step without one, its 1-based position.
// Plain functions, no React: the list and "Copy link to step" read the same rule.

/** The URL parameter naming the open step. */
export const STEP_PARAM = 'step';

/** What `?step=` says for row `index`: its step number, else its 1-based position. */
export function stepLinkValue(stepNumber: string | null, index: number): string {
  return stepNumber ?? String(index + 1);
}

/**
 * The row a `?step=` value names among `count` rows: the first row with that step number, else
 * (a positive integer) the row at that position if that row has no step number of its own.
 * null when no row matches (yet: a streaming list may still bring it).
 */
export function findStepIndex(value: string, count: number, stepNumberAt: (i: number) => string | null): number | null {
  const position = /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) - 1 : -1;
  // The common case first: step numbers 1..n in list order.
  if (position >= 0 && position < count && stepNumberAt(position) === value) return position;
  for (let i = 0; i < count; i++) if (stepNumberAt(i) === value) return i;
  if (position >= 0 && position < count && stepNumberAt(position) === null) return position;
  return null;
}

/** `href` with `?step=` set to `value` (removed when null); other parameters and the hash are kept. */
export function withStepParam(href: string, value: string | null): string {
  const url = new URL(href);
  if (value === null) url.searchParams.delete(STEP_PARAM);
  else url.searchParams.set(STEP_PARAM, value);
  return url.href;
}
