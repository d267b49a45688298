// `jobDetailQueryOptions(id, options)` for TanStack Query users: one load of the job and its steps
// (the session's own retries and URL refresh included) as a queryFn, polling through TanStack's
// refetchInterval while the job runs.
import { JobDetailError, loadJobDetail } from '@jobdash/job-detail';
import type {
  JobDetail,
  JobDetailClientOptions,
  JobDetailSnapshot,
  JobDocument,
  JobInfo,
  ShownRow,
  StepsInfo,
} from '@jobdash/job-detail';

export interface JobDetailQueryData {
  job: JobDocument;
  jobInfo: JobInfo;
  steps: StepsInfo;
  /** Every row of the shown list (step bodies stay out: use the client or the hook for those). */
  rows: ShownRow[];
}

export interface JobDetailQueryOptionsInput extends JobDetailClientOptions {
  /** The module to use (default: `loadJobDetail()`). */
  jobDetail?: JobDetail | Promise<JobDetail>;
}

export interface JobDetailQueryOptions {
  queryKey: readonly ['@jobdash/job-detail', string, string];
  queryFn: (context: { signal?: AbortSignal }) => Promise<JobDetailQueryData>;
  /** The session already retries what is worth retrying. */
  retry: false;
  refetchInterval: (query: { state: { data?: JobDetailQueryData | undefined } }) => number | false;
}

function settled(snapshot: JobDetailSnapshot): boolean {
  if (snapshot.status === 'error') return true;
  return snapshot.status === 'ready' && !snapshot.isFetching;
}

export function jobDetailQueryOptions(jobId: string, options: JobDetailQueryOptionsInput): JobDetailQueryOptions {
  const { jobDetail, ...clientOptions } = options;
  return {
    queryKey: ['@jobdash/job-detail', options.apiBaseUrl, jobId] as const,
    retry: false,
    refetchInterval: (query) =>
      query.state.data !== undefined && !query.state.data.jobInfo.terminal ? (options.pollIntervalMs ?? 5000) : false,
    queryFn: async ({ signal }) => {
      const jd = await (jobDetail ?? loadJobDetail());
      // Polling is TanStack's job here: the client answers once and is disposed.
      const client = jd.createJobDetailClient({ ...clientOptions, pollIntervalMs: false });
      let abort = (): void => undefined;
      try {
        const snapshot = await new Promise<JobDetailSnapshot>((resolve, reject) => {
          abort = () => reject(new JobDetailError({ code: 'aborted', offset: null, message: 'query cancelled' }));
          if (signal?.aborted) return abort();
          signal?.addEventListener('abort', abort, { once: true });
          const check = () => {
            const current = client.getSnapshot();
            if (settled(current)) resolve(current);
          };
          client.subscribe(check);
          client.load(jobId);
          check();
        });
        if (snapshot.status === 'error' || snapshot.job === null || snapshot.jobInfo === null || snapshot.steps === null) {
          throw new JobDetailError({
            code: snapshot.error?.code ?? 'http_error',
            offset: null,
            message: snapshot.error?.message ?? 'the job could not be loaded',
          });
        }
        const rows = Array.from({ length: snapshot.steps.count }, (_, i) => client.summary(i));
        return { job: snapshot.job, jobInfo: snapshot.jobInfo, steps: snapshot.steps, rows };
      } finally {
        signal?.removeEventListener('abort', abort);
        client.dispose();
      }
    },
  };
}
