'use client';

import { useMemo } from 'react';
import { useJobDetail } from '@jobdash/job-detail/react';
import { JobDetailView } from '../../../../components/job-detail-view';
import { stepsFetch } from '../../../../lib/steps-fetch';

// The live part of the page. The hook renders nothing from the module on the server (SSR-safe) and
// starts loading in the browser: the job, then its complete step list from S3, polling while it runs.
// Requests and the steps download's reads run in a Worker (lib/steps-fetch.ts).
export function LiveJobDetail({ jobId, apiUrl, pollIntervalMs }: { jobId: string; apiUrl: string; pollIntervalMs?: number }) {
  const options = useMemo(() => {
    const fetch = stepsFetch();
    return { apiBaseUrl: `${apiUrl}/api`, pollIntervalMs, ...(fetch === undefined ? {} : { fetch }) };
  }, [apiUrl, pollIntervalMs]);
  const view = useJobDetail(jobId, options);
  return <JobDetailView jobId={jobId} view={view} />;
}
