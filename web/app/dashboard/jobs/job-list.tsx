'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { JobDetail } from '@jobdash/job-detail';

/** One row of `GET /api/jobs` (web/backend/README.md). */
interface JobRow {
  job_id: string;
  name: string | null;
  status: string | null;
  step_count: number | null;
  total_cost_usd: string | number | null;
  created_at: string | null;
}

type ListState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; jobs: JobRow[]; formatCost: JobDetail['formatCost'] };

function isJobRow(value: unknown): value is JobRow {
  return typeof value === 'object' && value !== null && typeof (value as { job_id?: unknown }).job_id === 'string';
}

// The browser asks the API itself (the backend allows the dashboard origin), and costs are shown
// with the core's display rule so the list agrees with the detail page and the CLI.
export function JobList({ apiBaseUrl }: { apiBaseUrl: string }) {
  const [state, setState] = useState<ListState>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const [response, module] = await Promise.all([
        fetch(`${apiBaseUrl}/api/jobs`, { signal: controller.signal }),
        import('@jobdash/job-detail').then((m) => m.loadJobDetail()),
      ]);
      if (!response.ok) throw new Error(`the API answered ${response.status}`);
      const body: unknown = await response.json();
      const jobs = typeof body === 'object' && body !== null ? (body as { jobs?: unknown }).jobs : undefined;
      if (!Array.isArray(jobs)) throw new Error('the API answered without a job list');
      setState({ status: 'ready', jobs: jobs.filter(isJobRow), formatCost: (v) => module.formatCost(v) });
    })().catch((error: unknown) => {
      if (controller.signal.aborted) return;
      setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
    });
    return () => controller.abort();
  }, [apiBaseUrl]);

  if (state.status === 'loading') return <p aria-busy="true">Loading jobs…</p>;
  if (state.status === 'error') {
    return (
      <p role="alert" data-testid="job-list-error" style={{ color: '#a40000' }}>
        Jobs could not be loaded from {apiBaseUrl}: {state.message}
      </p>
    );
  }
  if (state.jobs.length === 0) return <p>No jobs yet.</p>;
  return (
    <div style={{ overflowX: 'auto' }}>
      <table data-testid="job-list" style={{ borderCollapse: 'collapse', width: '100%', background: '#fff' }}>
        <thead>
          <tr style={{ textAlign: 'left', borderBottom: '2px solid #ddd' }}>
            <th style={cell}>Job</th>
            <th style={cell}>Status</th>
            <th style={{ ...cell, textAlign: 'right' }}>Steps</th>
            <th style={{ ...cell, textAlign: 'right' }}>Total cost</th>
          </tr>
        </thead>
        <tbody>
          {state.jobs.map((job) => (
            <tr key={job.job_id} data-job-id={job.job_id} style={{ borderBottom: '1px solid #eee' }}>
              <td style={cell}>
                <Link href={`/dashboard/jobs/${encodeURIComponent(job.job_id)}`}>{job.name ?? job.job_id}</Link>
                <div style={{ color: '#666', fontSize: '0.8rem' }}>{job.job_id}</div>
              </td>
              <td style={cell}>{job.status ?? '—'}</td>
              <td style={{ ...cell, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                {job.step_count === null ? '—' : job.step_count.toLocaleString('en-US')}
              </td>
              <td style={{ ...cell, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                {state.formatCost(job.total_cost_usd)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const cell = { padding: '0.5rem 0.75rem' } as const;
