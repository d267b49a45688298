import type { CostInput } from './types.js';

/**
 * The JSON text of a `cost_usd` value that already went through JSON.parse. JS prints a number
 * as the shortest text that round-trips, which is the text the API sent for any cost with up to
 * 15 significant digits; callers with the raw text use `parseCostJson` instead.
 */
export function costJsonText(value: CostInput): string {
  if (value === undefined) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return '"NaN"';  // JSON has no NaN
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '{}';  // circular or otherwise unprintable: not a cost
  }
}
