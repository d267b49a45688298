'use client';

import { useEffect, useState } from 'react';
import type { JobInfo, StepsInfo } from '../lib/detail-view';
import { formatCount, formatDuration, spanMs, statusTone } from '../lib/format';
import styles from './job-detail.module.css';

/** The job fields the header reads (the API's DynamoDB item). */
export interface JobFields {
  job_id?: unknown;
  name?: unknown;
  status?: unknown;
  created_at?: unknown;
  started_at?: unknown;
  completed_at?: unknown;
  updated_at?: unknown;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/** Now, ticking once a second while `live` (the running job's elapsed time). */
function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return now;
}

function costNote(steps: StepsInfo): string | null {
  const parts: string[] = [];
  if (steps.noCost > 0) parts.push(`excludes ${formatCount(steps.noCost)} step${steps.noCost === 1 ? '' : 's'} without cost`);
  if (steps.invalidCost > 0) {
    parts.push(`${formatCount(steps.invalidCost)} unreadable cost${steps.invalidCost === 1 ? '' : 's'} not counted`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

export function JobHeader({
  jobId,
  job,
  info,
  steps,
}: {
  jobId: string;
  job: JobFields;
  info: JobInfo | null;
  steps: StepsInfo | null;
}) {
  const status = text(job.status);
  const tone = statusTone(info?.phase ?? 'unknown');
  const now = useNow(tone === 'busy');
  const start = text(job.started_at) ?? text(job.created_at);
  const end = text(job.completed_at) ?? (tone === 'busy' ? new Date(now).toISOString() : text(job.updated_at));
  const duration = spanMs(start, end);
  const note = steps ? costNote(steps) : null;

  return (
    <header>
      <h1 className={styles.title}>{text(job.name) ?? jobId}</h1>
      <p className={styles.jobId}>{jobId}</p>
      <dl className={styles.facts} data-testid="job-facts">
        <div className={styles.fact}>
          <dt>Status</dt>
          <dd>
            <span className={`${styles.badge} ${styles[tone]}`} data-testid="job-status" data-phase={info?.phase ?? 'unknown'}>
              {status ?? 'unknown'}
            </span>
          </dd>
        </div>
        <div className={styles.fact}>
          <dt>Total cost</dt>
          <dd
            data-testid="job-total-cost"
            data-total-cost-usd={steps?.totalCostUsd ?? ''}
            data-no-cost={steps?.noCost ?? ''}
            data-invalid-cost={steps?.invalidCost ?? ''}
          >
            {steps ? steps.totalCostDisplay : '—'}
            {note && <span className={styles.note}>{note}</span>}
            {steps && !steps.complete && <span className={styles.note}>of the steps shown</span>}
          </dd>
        </div>
        <div className={styles.fact}>
          <dt>{tone === 'busy' ? 'Running for' : 'Duration'}</dt>
          <dd data-testid="job-duration">{duration === null ? '—' : formatDuration(duration)}</dd>
        </div>
        <div className={styles.fact}>
          <dt>Steps</dt>
          <dd data-testid="job-step-count" data-count={steps?.count ?? ''}>
            {steps ? formatCount(steps.count) : '—'}
          </dd>
        </div>
      </dl>
    </header>
  );
}
