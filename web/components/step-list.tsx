'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { DetailView, ShownRow } from '../lib/detail-view';
import { formatDuration, formatTokens, statusTone, stepDurationMs } from '../lib/format';
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

/**
 * The merged step list, virtualized: only the rows in view (plus a few) are in the DOM, so a
 * 5,000-step job scrolls like a 5-step one. A row opens in place to its output.
 */
export function StepList({ view, count, streaming }: { view: DetailView; count: number; streaming: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<number | null>(null);

  // Origins are labelled only when the list mixes them (the core's verdict) and has stopped
  // growing: while S3 streams in, DynamoDB rows not matched yet would flicker their label.
  const showOrigin = !streaming && view.steps?.mixesOrigins === true;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (i === open ? OPEN_HEIGHT : ROW_HEIGHT),
    overscan: 6,
  });

  if (count === 0) return <p className={styles.empty}>No steps yet.</p>;

  return (
    <section aria-label="Execution steps">
      <div className={styles.listHead} aria-hidden="true">
        <span>#</span>
        <span>Step</span>
        <span>Status</span>
        <span className={styles.right}>Duration</span>
        <span className={styles.right}>Tokens</span>
        <span className={styles.right}>Cost</span>
      </div>
      <div ref={scrollRef} className={styles.list} data-testid="step-list" data-step-count={count}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = view.summary(item.index);
            const isOpen = open === item.index;
            const label = stepLabel(row, item.index);
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                data-testid="step-row"
                data-step-number={row.stepNumber ?? ''}
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
              >
                <button
                  type="button"
                  className={styles.row}
                  aria-expanded={isOpen}
                  onClick={() => setOpen(isOpen ? null : item.index)}
                >
                  <RowCells row={row} index={item.index} showOrigin={showOrigin} />
                </button>
                {isOpen && (
                  <div className={styles.detail}>
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
