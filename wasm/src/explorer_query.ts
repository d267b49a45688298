// The explorer's query as the user gives it, checked (a typed invalid_argument for a bad value)
// and completed with defaults, and the view the core returns in the public shape.
import { invalid } from './client_config.js';
import type { RawExplorerView, RawStepQuery } from './job_detail_wasm.mjs';
import { STEP_SORT_KEYS } from './types.js';
import type { CostFacet, ExplorerView, ShownRow, SortDirection, StepQuery, StepSortKey } from './types.js';

const ORIGINS: readonly ShownRow['origin'][] = ['s3', 'dynamodb'];
const COST_FACETS: readonly CostFacet[] = ['none', 'valid', 'invalid'];
const DIRECTIONS: readonly SortDirection[] = ['asc', 'desc'];

function strings(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalid(`query.${name} must be an array of strings`);
  }
  return [...(value as string[])];
}

function names<T extends string>(name: string, value: unknown, allowed: readonly T[]): T[] {
  const list = strings(name, value);
  for (const item of list) {
    if (!allowed.includes(item as T)) throw invalid(`query.${name}: ${JSON.stringify(item)} is not one of ${allowed.join(', ')}`);
  }
  return list as T[];
}

function one<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalid(`query.${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The query checked, frozen, with every field present (missing ones: no condition, list order). */
export function checkQuery(query: Partial<StepQuery>): StepQuery {
  if (typeof query !== 'object' || query === null) throw invalid('setQuery() takes a query object or null');
  if (query.text !== undefined && typeof query.text !== 'string') throw invalid('query.text must be a string');
  return Object.freeze({
    text: query.text ?? '',
    status: Object.freeze(strings('status', query.status)),
    model: Object.freeze(strings('model', query.model)),
    origin: Object.freeze(names('origin', query.origin, ORIGINS)),
    costKind: Object.freeze(names('costKind', query.costKind, COST_FACETS)),
    sort: one<StepSortKey>('sort', query.sort, STEP_SORT_KEYS, 'step'),
    direction: one('direction', query.direction, DIRECTIONS, 'asc'),
  });
}

export function rawQuery(query: StepQuery): RawStepQuery {
  return {
    text: query.text,
    status: [...query.status],
    model: [...query.model],
    origin: [...query.origin],
    costKind: [...query.costKind],
    sort: query.sort,
    direction: query.direction,
  };
}

export function explorerView(raw: RawExplorerView, query: StepQuery): ExplorerView {
  return Object.freeze({ ...raw, query, rows: Object.freeze(Array.from(raw.rows)) });
}
