// Display rules for the job detail page: plain functions, no React, so they read the same on the
// server and in the browser and can be checked without a page.

import type { ErrorCode, StatusPhase } from '@jobdash/job-detail';

// Exhaustive over the core's codes: a code added to (or renamed in) the package fails to compile
// here until it has words.
const REASONS: Record<ErrorCode, string> = {
  expired: 'link expired',
  forbidden: 'access denied by storage',
  not_found: 'the file is missing from storage',
  network: 'network error',
  timeout: 'the download timed out',
  server_error: 'storage is failing',
  http_error: 'storage gave an unexpected answer',
  aborted: 'the download was cancelled',
  s3_url_missing: 'no download link was given',
  invalid_json: 'the file is not valid JSON',
  unexpected_shape: 'the file holds no step list',
  too_large: 'the file is too large',
  too_deep: 'the file is nested too deeply',
  truncated: 'the download was cut off',
  invalid_argument: 'an internal error',
  internal_error: 'the page hit an internal error reading it',
};

/** An error code (the core's closed set) in words a person reads in a banner. */
export function describeReason(code: string | null | undefined): string {
  if (!code) return 'unknown reason';
  return (REASONS as Record<string, string | undefined>)[code] ?? code.replace(/_/g, ' ');
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** `31.4 MB`, `812 KB`, `120 B` (decimal units, like download sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  // Thresholds sit where rounding would print `1000 KB` / `1000.0 MB`: the next unit reads better.
  if (bytes < 999_500) return `${(bytes / 1000).toFixed(bytes < 9_950 ? 1 : 0)} KB`;
  if (bytes < 999_950_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

/** `850 ms`, `4.2 s`, `3 min 05 s`, `2 h 07 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Milliseconds between two ISO timestamps, or null when either is missing or unreadable. */
export function spanMs(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null;
  const a = Date.parse(start);
  const b = Date.parse(end);
  return Number.isNaN(a) || Number.isNaN(b) ? null : b - a;
}

/** A step's duration: its `duration_ms`, else its start to its end; null while unknown. */
export function stepDurationMs(row: {
  durationMs: string | null;
  startedAt: string | null;
  completedAt: string | null;
}): number | null {
  if (row.durationMs !== null) {
    const ms = Number(row.durationMs);
    if (Number.isFinite(ms)) return ms;
  }
  return spanMs(row.startedAt, row.completedAt);
}

/** `12,345 in · 1,200 out`, or the total alone, or `—`. */
export function formatTokens(row: {
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
}): string {
  if (row.inputTokens !== null || row.outputTokens !== null) {
    const input = row.inputTokens === null ? '—' : integer.format(row.inputTokens);
    const output = row.outputTokens === null ? '—' : integer.format(row.outputTokens);
    return `${input} in · ${output} out`;
  }
  return row.totalTokens === null ? '—' : `${integer.format(row.totalTokens)} total`;
}

export type Tone = 'ok' | 'bad' | 'busy' | 'idle';

/**
 * Colour family of a job or step status, from the core's verdict on it (`jobInfo.phase`, a row's
 * `statusPhase`): the page never re-derives which words mean finished, failed or running.
 */
export function statusTone(phase: StatusPhase): Tone {
  switch (phase) {
    case 'succeeded':
      return 'ok';
    case 'failed':
      return 'bad';
    case 'running':
      return 'busy';
    case 'ended':
    case 'unknown':
      return 'idle';
  }
}
