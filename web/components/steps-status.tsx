'use client';

import type { StepsInfo } from '../lib/detail-view';
import { describeReason, formatBytes, formatCount } from '../lib/format';
import styles from './job-detail.module.css';

/**
 * Says out loud when the list shown is not the whole list: how many of how many, why, and a way
 * to try again. `expectedCount` is the job's own step count when it records one.
 */
export function PartialBanner({
  steps,
  expectedCount,
  retrying,
  onRetry,
}: {
  steps: StepsInfo;
  expectedCount: number | null;
  retrying: boolean;
  onRetry: () => void;
}) {
  if (steps.complete || steps.reason === null) return null;
  const of = expectedCount !== null && expectedCount > steps.count ? ` of ${formatCount(expectedCount)}` : '';
  return (
    <div className={styles.banner} role="alert" data-testid="partial-banner" data-reason={steps.reason}>
      <p>
        Showing {formatCount(steps.count)}
        {of} steps: the complete list could not be loaded ({describeReason(steps.reason)}).
      </p>
      <button type="button" className={styles.button} onClick={onRetry} disabled={retrying} data-testid="retry">
        {retrying ? 'Retrying…' : 'Retry'}
      </button>
    </div>
  );
}

/** The complete list's download: bytes so far (of the total when known) and rows indexed. */
export function DownloadProgress({
  progress,
  steps,
  expectedCount,
}: {
  progress: { bytes: number; total: number | null; steps?: number };
  steps: StepsInfo | null;
  expectedCount: number | null;
}) {
  const indexed = progress.steps !== undefined && progress.steps > 0 ? ` · ${formatCount(progress.steps)} received` : '';
  const total = progress.total !== null && progress.total > 0 ? progress.total : null;
  const percent = total !== null ? Math.min(100, Math.floor((progress.bytes / total) * 100)) : null;
  const rows = steps ? formatCount(steps.count) : '0';
  const of = expectedCount !== null ? ` of ${formatCount(expectedCount)}` : '';
  return (
    <div className={styles.progress} data-testid="download-progress" aria-live="polite">
      Loading the complete step list: {formatBytes(progress.bytes)}
      {total !== null ? ` of ${formatBytes(total)} (${percent}%)` : ''} · {rows}
      {of} steps shown{indexed}
      <progress max={total ?? undefined} value={total !== null ? progress.bytes : undefined} aria-label="Download progress" />
    </div>
  );
}

/** The complete list is expected but not here yet (its request is queued or waiting to retry). */
export function PendingNote({ steps, expectedCount }: { steps: StepsInfo; expectedCount: number | null }) {
  const of = expectedCount !== null && expectedCount > steps.count ? ` of ${formatCount(expectedCount)}` : '';
  return (
    <div className={styles.progress} data-testid="steps-pending" aria-live="polite">
      Showing {formatCount(steps.count)}
      {of} steps; loading the complete list…
    </div>
  );
}

/**
 * Says that some text of the list was not well-formed (ill-formed UTF-8, a lone surrogate) and is
 * shown as the browser's own JSON reader shows it, with U+FFFD (�): every step is still shown.
 */
export function RepairNote({ steps }: { steps: StepsInfo }) {
  if (steps.repairedStrings === 0) return null;
  const n = steps.repairedStrings;
  return (
    <p className={styles.note} role="status" data-testid="repair-note" data-repaired={n}>
      {formatCount(n)} text value{n === 1 ? '' : 's'} in the step list had invalid characters, shown as �.
    </p>
  );
}
