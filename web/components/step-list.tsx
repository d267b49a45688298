'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useSearchParams } from 'next/navigation';
import { type MutableRefObject, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import type { StepMatch, StepSortKey, SortDirection } from '@jobdash/job-detail';
import type { DetailView, ShownRow } from '../lib/detail-view';
import { formatDuration, formatTokens, statusTone, stepDurationMs } from '../lib/format';
import { findStepIndex, STEP_PARAM, stepLinkValue, withStepParam } from '../lib/step-link';
import { StepLinkActions } from './step-link-actions';
import { StepOutputView } from './step-output-view';
import styles from './job-detail.module.css';

const ROW_HEIGHT = 52;
const OPEN_HEIGHT = 560;

function stepLabel(row: ShownRow, index: number): string {
  return `step ${row.stepNumber ?? index + 1}${row.name ? ` (${row.name})` : ''}`;
}

/** The query text's first match in a row: where, and the snippet with the match marked (text only). */
function MatchSnippet({ match }: { match: StepMatch }) {
  const { snippet, matchStart, matchEnd } = match;
  return (
    <span className={styles.snippet} data-testid="match-snippet" data-field={match.field} data-count={match.count}>
      <span className={styles.snippetField}>{match.field}:</span> {snippet.slice(0, matchStart)}
      <mark>{snippet.slice(matchStart, matchEnd)}</mark>
      {snippet.slice(matchEnd)}
      {match.count > 1 && <span className={styles.snippetField}> ({match.count} matches)</span>}
    </span>
  );
}

function RowCells({ row, index, showOrigin, match }: { row: ShownRow; index: number; showOrigin: boolean; match: StepMatch | null }) {
  const duration = stepDurationMs(row);
  const tone = statusTone(row.statusPhase);
  return (
    <>
      <span className={styles.num} data-col="number">
        {row.stepNumber ?? `#${index + 1}`}
      </span>
      <span className={styles.name} data-col="name">
        {row.name ?? 'unnamed step'}
        {showOrigin && row.origin && (
          <span className={styles.origin} title={`Loaded from ${row.origin === 's3' ? 'S3' : 'DynamoDB'}`}>
            {row.origin === 's3' ? 'S3' : 'DynamoDB'}
          </span>
        )}
        {row.outputTruncatedLegacy && (
          <span className={styles.origin} data-testid="row-truncated" title="Output cut at 5,000 characters when it was saved">
            cut
          </span>
        )}
        {row.model && <span className={styles.sub}>{row.model}</span>}
        {match && <MatchSnippet match={match} />}
      </span>
      <span data-col="status">
        <span className={`${styles.badge} ${styles[tone]}`}>{row.status ?? 'unknown'}</span>
      </span>
      <span className={styles.right} data-col="duration">
        {duration === null ? (tone === 'busy' ? 'running' : '—') : formatDuration(duration)}
      </span>
      <span className={styles.right} data-col="tokens">
        {formatTokens(row)}
      </span>
      <span className={styles.right} data-col="cost" title={row.cost.kind === 'invalid' ? 'unreadable cost' : undefined}>
        {row.cost.display}
      </span>
    </>
  );
}

/** Decodes the open step once per change of the list (a finished step's body never changes). */
function OpenStep({ view, index, row, label, text }: { view: DetailView; index: number; row: ShownRow; label: string; text: string }) {
  // `view` is a new object each render; the steps summary changes only when the list does.
  const viewRef = useRef(view);
  viewRef.current = view;
  const step = useMemo(() => viewRef.current.step(index), [view.steps, index]);
  // Matching is ASCII case-insensitive and otherwise exact, so a match is as long as the text.
  const highlight = useMemo(
    () => (text === '' ? null : { offsets: viewRef.current.outputMatches(index), length: text.length }),
    [view.steps, index, text],
  );
  return <StepOutputView step={step} facts={row} label={label} highlight={highlight} />;
}

/** Keys typed into a field, or with a modifier, are the field's or the browser's, not the list's. */
function isListKey(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  const target = event.target as HTMLElement | null;
  if (target === null || typeof target.closest !== 'function') return true;
  return target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') === null;
}

/** The columns that sort, and the direction a first click picks (most first for amounts). */
const SORTABLE: Partial<Record<string, { key: StepSortKey; first: SortDirection }>> = {
  number: { key: 'step', first: 'asc' },
  duration: { key: 'duration', first: 'desc' },
  tokens: { key: 'tokens', first: 'desc' },
  cost: { key: 'cost', first: 'desc' },
};

const COLUMNS = [
  { id: 'number', label: '#', right: false },
  { id: 'name', label: 'Step', right: false },
  { id: 'status', label: 'Status', right: false },
  { id: 'duration', label: 'Duration', right: true },
  { id: 'tokens', label: 'Tokens', right: true },
  { id: 'cost', label: 'Cost', right: true },
] as const;

export interface SortState {
  sort: StepSortKey;
  direction: SortDirection;
  onSort: (sort: StepSortKey, direction: SortDirection) => void;
}

/** What the explorer around the list may ask of it. */
export interface StepListControl {
  /** Puts the keyboard cursor (and the focus) on the first row shown. */
  focusFirst(): void;
  /** Opens row `index` of the shown list and scrolls to it (a history entry, as a click on its row). */
  open(index: number): void;
}

function ColumnHeads({ sorting }: { sorting: SortState | null }) {
  return (
    <div role="rowgroup">
      <div role="row" className={styles.listHead}>
        {COLUMNS.map((column) => {
          const sortable = sorting ? SORTABLE[column.id] : undefined;
          const active = sortable !== undefined && sorting !== null && sorting.sort === sortable.key;
          const ariaSort = sortable === undefined ? undefined : active ? (sorting?.direction === 'asc' ? 'ascending' : 'descending') : 'none';
          return (
            <div key={column.id} role="columnheader" aria-sort={ariaSort} className={column.right ? styles.right : undefined} data-col={column.id}>
              {sortable && sorting ? (
                <button
                  type="button"
                  className={styles.sortButton}
                  data-testid={`sort-${column.id}`}
                  onClick={() =>
                    sorting.onSort(sortable.key, active ? (sorting.direction === 'asc' ? 'desc' : 'asc') : sortable.first)
                  }
                >
                  {column.label}
                  <span aria-hidden="true">{active ? (sorting.direction === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              ) : (
                column.label
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/**
 * The merged step list, virtualized: only the rows in view (plus a few) are in the DOM, so a
 * 5,000-step job scrolls like a 5-step one. A row opens in place to its output. With the explorer,
 * the list shows its rows (the query's matches, in its order) and each row's first match.
 *
 * The open step lives in the URL (`?step=`), so a link opens it and history holds it: opening,
 * switching and closing a step each push an entry, and Back undoes the last of them. A step named
 * by the URL on arrival (a shared link, Back or Forward) is scrolled to. Keys: j / k move a cursor
 * (the focused row) through the rows shown, Enter opens the focused row (it is a button), Esc closes
 * the open step and puts the focus back on its row.
 */
export function StepList({
  view,
  count,
  streaming,
  settled,
  rows = null,
  text = '',
  sorting = null,
  controlRef,
}: {
  view: DetailView;
  count: number;
  streaming: boolean;
  settled: boolean;
  /** The rows to show, in order (the explorer's); null: every row in list order. */
  rows?: readonly number[] | null;
  /** The query text whose first match each row shows. */
  text?: string;
  sorting?: SortState | null;
  controlRef?: MutableRefObject<StepListControl | null>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchParams = useSearchParams();
  const wanted = searchParams.get(STEP_PARAM);
  // `view` is a new object each render; its rows change only when the list does.
  const viewRef = useRef(view);
  viewRef.current = view;
  const open = useMemo(
    () => (wanted === null ? null : findStepIndex(wanted, count, (i) => viewRef.current.summary(i).stepNumber)),
    [wanted, count, view.steps],
  );
  const shownCount = rows === null ? count : rows.length;
  const rowAt = (position: number) => (rows === null ? position : rows[position]);
  const openPosition = useMemo(() => (open === null ? null : rows === null ? open : ((p) => (p < 0 ? null : p))(rows.indexOf(open))), [open, rows]);
  // The keyboard cursor: a position in the rows shown.
  const [cursor, setCursor] = useState<number | null>(null);
  // The position whose button takes the focus once it is rendered (the cursor may move off screen).
  const focusPending = useRef<number | null>(null);
  // The `?step=` value this list wrote last: any other value came from a link or from history.
  const written = useRef<string | null | undefined>(undefined);

  // Origins are labelled only when the list mixes them (the core's verdict) and has stopped
  // growing: while S3 streams in, DynamoDB rows not matched yet would flicker their label.
  const showOrigin = !streaming && view.steps?.mixesOrigins === true;

  const virtualizer = useVirtualizer({
    count: shownCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (i === openPosition ? OPEN_HEIGHT : ROW_HEIGHT),
    overscan: 6,
  });

  /** `reveal`: scroll to the step once open (opened from elsewhere than its row, e.g. the timeline). */
  function navigate(index: number | null, reveal = false) {
    const value = index === null ? null : stepLinkValue(viewRef.current.summary(index).stepNumber, index);
    if (value === wanted) return;
    written.current = reveal ? undefined : value;
    window.history.pushState(null, '', withStepParam(window.location.href, value));
  }

  /** Focuses the pending position's button if it is rendered; otherwise the next render tries again. */
  function focusIfRendered() {
    const position = focusPending.current;
    if (position === null) return;
    const button = scrollRef.current?.querySelector<HTMLButtonElement>(`[data-index="${position}"] button[aria-expanded]`);
    if (button) {
      focusPending.current = null;
      button.focus({ preventScroll: true });
    }
  }

  function moveTo(position: number) {
    focusPending.current = position;
    setCursor(position);
    virtualizer.scrollToIndex(position, { align: 'auto' });
    // The row may be on screen already, and the cursor unchanged (nothing to render): focus it now.
    focusIfRendered();
  }

  useImperativeHandle(controlRef, () => ({
    focusFirst: () => {
      if (shownCount > 0) moveTo(0);
    },
    open: (index: number) => navigate(index, true),
  }));

  // A step opened by the URL rather than by this list: bring it into view, and the cursor with it.
  useEffect(() => {
    if (open === null) {
      // Closed: remembered so that Forward to a step this list opened before scrolls to it again.
      // A step not in the list yet (still streaming) keeps its turn.
      if (wanted === null) written.current = null;
      return;
    }
    if (written.current === wanted || openPosition === null) return;
    written.current = wanted;
    setCursor(openPosition);
    virtualizer.scrollToIndex(openPosition, { align: 'start' });
  }, [open, openPosition, wanted, virtualizer]);

  useEffect(focusIfRendered);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (shownCount === 0 || !isListKey(event)) return;
      const first = virtualizer.range?.startIndex ?? 0;
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        const step = event.key === 'j' ? 1 : -1;
        moveTo(cursor === null || cursor >= shownCount ? (openPosition ?? first) : Math.min(shownCount - 1, Math.max(0, cursor + step)));
      } else if (event.key === 'Escape' && open !== null) {
        event.preventDefault();
        if (openPosition !== null) moveTo(openPosition);
        navigate(null);
      }
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  });

  if (count === 0) return <p className={styles.empty}>No steps yet.</p>;

  return (
    <section aria-label="Execution steps">
      <p className={styles.keys}>
        Keys: <kbd>/</kbd> search, <kbd>j</kbd> / <kbd>k</kbd> move between steps, <kbd>Enter</kbd> opens, <kbd>Esc</kbd> closes.
      </p>
      {wanted !== null && open === null && settled && (
        <p className={styles.banner} role="status" data-testid="step-not-found">
          Step {wanted} is not in this list.
        </p>
      )}
      {open !== null && openPosition === null && (
        <p className={styles.banner} role="status" data-testid="step-hidden">
          Step {wanted} is open but hidden by the search or the filters.
        </p>
      )}
      <div role="table" aria-label="Execution steps" aria-rowcount={shownCount + 1} data-testid="step-table">
        <ColumnHeads sorting={sorting} />
        <div
          ref={scrollRef}
          role="rowgroup"
          className={styles.list}
          data-testid="step-list"
          data-step-count={count}
          data-shown-count={shownCount}
          data-open-index={open ?? ''}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const index = rowAt(item.index);
              const row = view.summary(index);
              const isOpen = open === index;
              const label = stepLabel(row, index);
              const detailId = `step-detail-${index}`;
              return (
                <div
                  key={item.key}
                  ref={virtualizer.measureElement}
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-index={item.index}
                  data-row={index}
                  data-testid="step-row"
                  data-step-number={row.stepNumber ?? ''}
                  data-cursor={cursor === item.index}
                  style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
                >
                  <div role="cell">
                    <button
                      type="button"
                      className={styles.row}
                      aria-expanded={isOpen}
                      aria-controls={isOpen ? detailId : undefined}
                      onFocus={() => setCursor(item.index)}
                      onClick={() => navigate(isOpen ? null : index)}
                    >
                      <RowCells row={row} index={index} showOrigin={showOrigin} match={text === '' ? null : view.match(index)} />
                    </button>
                    {isOpen && (
                      <div className={styles.detail} id={detailId} role="region" aria-label={`Output of ${label}`}>
                        <StepLinkActions value={stepLinkValue(row.stepNumber, index)} />
                        <OpenStep view={view} index={index} row={row} label={label} text={text} />
                      </div>
                    )}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
