// The step explorer's query in the page's address, so that a link reproduces the view:
// `?q=<text>&status=<s>&model=<m>&origin=<o>&cost=<kind>&sort=<key>&dir=<asc|desc>` (facets repeat
// for several values; `model=` with no value stands for "no model"). Plain functions, no React.
import type { CostFacet, SortDirection, StepQuery, StepSortKey } from '@jobdash/job-detail';

const SORT_KEYS: readonly StepSortKey[] = ['step', 'cost', 'duration', 'tokens', 'startedAt'];
const DIRECTIONS: readonly SortDirection[] = ['asc', 'desc'];
const ORIGINS: readonly StepQuery['origin'][number][] = ['s3', 'dynamodb'];
const COST_FACETS: readonly CostFacet[] = ['valid', 'none', 'invalid'];

/** The address parameters the explorer owns, in the order it writes them. */
export const QUERY_PARAMS = ['q', 'status', 'model', 'origin', 'cost', 'sort', 'dir'] as const;

function oneOf<T extends string>(allowed: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Each value once, in the order first given. */
function distinct<T extends string>(values: T[]): T[] {
  return [...new Set(values)];
}

function known<T extends string>(allowed: readonly T[], values: string[]): T[] {
  return distinct(values.filter((value): value is T => (allowed as readonly string[]).includes(value)));
}

/** The query an address holds; unknown sort keys, directions, origins and cost kinds are dropped. */
export function readQuery(params: URLSearchParams): StepQuery {
  return {
    text: params.get('q') ?? '',
    status: distinct(params.getAll('status')),
    model: distinct(params.getAll('model')),
    origin: known(ORIGINS, params.getAll('origin')),
    costKind: known(COST_FACETS, params.getAll('cost')),
    sort: oneOf(SORT_KEYS, params.get('sort'), 'step'),
    direction: oneOf(DIRECTIONS, params.get('dir'), 'asc'),
  };
}

/** No text, no facet, list order: the view every row in list order is. */
export function isEmptyQuery(query: StepQuery): boolean {
  return (
    query.text === '' &&
    query.status.length === 0 &&
    query.model.length === 0 &&
    query.origin.length === 0 &&
    query.costKind.length === 0 &&
    query.sort === 'step' &&
    query.direction === 'asc'
  );
}

/** `href` with the explorer's parameters set to `query` (defaults left out); other parameters and the hash are kept. */
export function withQuery(href: string, query: StepQuery): string {
  const url = new URL(href);
  for (const name of QUERY_PARAMS) url.searchParams.delete(name);
  if (query.text !== '') url.searchParams.set('q', query.text);
  for (const value of query.status) url.searchParams.append('status', value);
  for (const value of query.model) url.searchParams.append('model', value);
  for (const value of query.origin) url.searchParams.append('origin', value);
  for (const value of query.costKind) url.searchParams.append('cost', value);
  if (query.sort !== 'step') url.searchParams.set('sort', query.sort);
  if (query.direction !== 'asc') url.searchParams.set('dir', query.direction);
  return url.href;
}

/** A key that is equal for equal queries (to compare queries read at different times). */
export function queryKey(query: StepQuery): string {
  return JSON.stringify([query.text, query.status, query.model, query.origin, query.costKind, query.sort, query.direction]);
}

/** `values` with `value` added, or removed when present. */
export function toggled<T>(values: readonly T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}
