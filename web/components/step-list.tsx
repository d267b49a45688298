'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
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

function RowCells({ row, index, showOrigin }: { row: ShownRow; index: number; showOrigin: boolean }) {
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
function OpenStep({ view, index, row, label }: { view: DetailView; index: number; row: ShownRow; label: string }) {
  // `view` is a new object each render; the steps summary changes only when the list does.
  const viewRef = useRef(view);
  viewRef.current = view;
  const step = useMemo(() => viewRef.current.step(index), [view.steps, index]);
  return <StepOutputView step={step} facts={row} label={label} />;
}

/** Keys typed into a field, or with a modifier, are the field's or the browser's, not the list's. */
function isListKey(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  const target = event.target as HTMLElement | null;
  if (target === null || typeof target.closest !== 'function') return true;
  return target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') === null;
}

/**
 * The merged step list, virtualized: only the rows in view (plus a few) are in the DOM, so a
 * 5,000-step job scrolls like a 5-step one. A row opens in place to its output.
 *
 * The open step lives in the URL (`?step=`), so a link opens it and history holds it: opening,
 * switching and closing a step each push an entry, and Back undoes the last of them. A step named
 * by the URL on arrival (a shared link, Back or Forward) is scrolled to. Keys: j / k move a cursor
 * (the focused row) through the rows, Enter opens the focused row (it is a button), Esc closes the
 * open step and puts the focus back on its row.
 */
export function StepList({ view, count, streaming, settled }: { view: DetailView; count: number; streaming: boolean; settled: boolean }) {
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
  const [cursor, setCursor] = useState<number | null>(null);
  // The row whose button takes the focus once it is rendered (the cursor may move off screen).
  const focusPending = useRef<number | null>(null);
  // The `?step=` value this list wrote last: any other value came from a link or from history.
  const written = useRef<string | null | undefined>(undefined);

  // Origins are labelled only when the list mixes them (the core's verdict) and has stopped
  // growing: while S3 streams in, DynamoDB rows not matched yet would flicker their label.
  const showOrigin = !streaming && view.steps?.mixesOrigins === true;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (i === open ? OPEN_HEIGHT : ROW_HEIGHT),
    overscan: 6,
  });

  function navigate(index: number | null) {
    const value = index === null ? null : stepLinkValue(viewRef.current.summary(index).stepNumber, index);
    if (value === wanted) return;
    written.current = value;
    window.history.pushState(null, '', withStepParam(window.location.href, value));
  }

  // A step opened by the URL rather than by this list: bring it into view, and the cursor with it.
  useEffect(() => {
    if (open === null) {
      // Closed: remembered so that Forward to a step this list opened before scrolls to it again.
      // A step not in the list yet (still streaming) keeps its turn.
      if (wanted === null) written.current = null;
      return;
    }
    if (written.current === wanted) return;
    written.current = wanted;
    setCursor(open);
    virtualizer.scrollToIndex(open, { align: 'start' });
  }, [open, wanted, virtualizer]);

  useEffect(() => {
    const index = focusPending.current;
    if (index === null) return;
    const button = scrollRef.current?.querySelector<HTMLButtonElement>(`[data-index="${index}"] > button`);
    if (button) {
      focusPending.current = null;
      button.focus({ preventScroll: true });
    }
  });

  useEffect(() => {
    function moveTo(index: number) {
      focusPending.current = index;
      setCursor(index);
      virtualizer.scrollToIndex(index, { align: 'auto' });
    }
    function onKeyDown(event: KeyboardEvent) {
      if (count === 0 || !isListKey(event)) return;
      const first = virtualizer.range?.startIndex ?? 0;
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        const step = event.key === 'j' ? 1 : -1;
        moveTo(cursor === null ? (open ?? first) : Math.min(count - 1, Math.max(0, cursor + step)));
      } else if (event.key === 'Escape' && open !== null) {
        event.preventDefault();
        moveTo(open);
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
        Keys: <kbd>j</kbd> / <kbd>k</kbd> move between steps, <kbd>Enter</kbd> opens, <kbd>Esc</kbd> closes.
      </p>
      {wanted !== null && open === null && settled && (
        <p className={styles.banner} role="status" data-testid="step-not-found">
          Step {wanted} is not in this list.
        </p>
      )}
      <div className={styles.listHead} aria-hidden="true">
        <span>#</span>
        <span>Step</span>
        <span>Status</span>
        <span className={styles.right}>Duration</span>
        <span className={styles.right}>Tokens</span>
        <span className={styles.right}>Cost</span>
      </div>
      <div ref={scrollRef} className={styles.list} data-testid="step-list" data-step-count={count} data-open-index={open ?? ''}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = view.summary(item.index);
            const isOpen = open === item.index;
            const label = stepLabel(row, item.index);
            const detailId = `step-detail-${item.index}`;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                data-testid="step-row"
                data-step-number={row.stepNumber ?? ''}
                data-cursor={cursor === item.index}
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
              >
                <button
                  type="button"
                  className={styles.row}
                  aria-expanded={isOpen}
                  aria-controls={isOpen ? detailId : undefined}
                  onFocus={() => setCursor(item.index)}
                  onClick={() => navigate(isOpen ? null : item.index)}
                >
                  <RowCells row={row} index={item.index} showOrigin={showOrigin} />
                </button>
                {isOpen && (
                  <div className={styles.detail} id={detailId} role="region" aria-label={`Output of ${label}`}>
                    <StepLinkActions value={stepLinkValue(row.stepNumber, item.index)} />
                    <OpenStep view={view} index={item.index} row={row} label={label} />
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
