'use client';

import Link from 'next/link';
import type { DetailView } from '../lib/detail-view';
import { JobHeader, type JobFields } from './job-header';
import { DownloadProgress, PartialBanner, PendingNote, RepairNote } from './steps-status';
import { StepExplorer } from './step-explorer';
import styles from './job-detail.module.css';

function asJob(data: unknown): JobFields | null {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as JobFields) : null;
}

function expectedStepCount(data: unknown): number | null {
  const value = asJob(data) && (data as { step_count?: unknown }).step_count;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The job request failed for good (after the client's retries). */
function JobError({ view, what }: { view: DetailView; what: string }) {
  return (
    <div className={`${styles.banner} ${styles.error}`} role="alert" data-testid="job-error">
      <p>
        The job {what}
        {view.error ? `: ${view.error.message}` : ''}.
      </p>
      <button type="button" className={styles.button} onClick={() => void view.refetch()} disabled={view.isFetching}>
        {view.isFetching ? 'Retrying…' : 'Retry'}
      </button>
    </div>
  );
}

/** The job detail page's body for one job, from whatever `useJobDetail` reports. */
export function JobDetailView({ jobId, view }: { jobId: string; view: DetailView }) {
  const job = asJob(view.data);
  const expected = expectedStepCount(view.data);
  const retry = () => void view.refetch();
  // loading: the job names a complete list that has not arrived and has not failed yet.
  const stepsState = view.steps === null ? 'none' : view.steps.complete ? 'complete' : view.steps.reason ? 'partial' : 'loading';

  return (
    <main className={styles.page} data-testid="job-detail" data-status={view.status} data-fetching={view.isFetching} data-steps={stepsState}
      data-from-cache={view.steps?.fromCache === true}>
      <Link className={styles.back} href="/dashboard/jobs">
        ← All jobs
      </Link>
      {job === null ? (
        view.status === 'error' ? (
          <JobError view={view} what="could not be loaded" />
        ) : (
          <p aria-busy="true">Loading job {jobId}…</p>
        )
      ) : (
        <>
          <JobHeader jobId={jobId} job={job} info={view.snapshot.jobInfo} steps={view.steps} />
          {view.status === 'error' && (
            <JobError view={view} what="could not be refreshed (showing what was loaded before)" />
          )}
          {view.steps && (
            <PartialBanner steps={view.steps} expectedCount={expected} retrying={view.isFetching} onRetry={retry} />
          )}
          {view.progress ? (
            <DownloadProgress progress={view.progress} steps={view.steps} expectedCount={expected} />
          ) : (
            stepsState === 'loading' && view.steps && <PendingNote steps={view.steps} expectedCount={expected} />
          )}
          {view.steps && <RepairNote steps={view.steps} />}
          <StepExplorer
            jobId={jobId}
            view={view}
            streaming={view.progress !== null}
            settled={view.steps !== null && stepsState !== 'loading' && view.progress === null}
          />
        </>
      )}
    </main>
  );
}
