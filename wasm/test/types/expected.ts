// Compile-only test of the public types (`tsc -p wasm/test/types`): what users write must
// type-check, and what the package must reject is marked @ts-expect-error (an unused one fails).
import { createJobDetailStore, createWorkerFetch, JobDetailError, JobDetailStore, loadJobDetail, WorkerFetchUnavailableError } from '@jobdash/job-detail';
import type { JobDetailResult } from '@jobdash/job-detail';
import type {
  ErrorCode,
  JobDetail,
  JobDetailClient,
  JobDetailSnapshot,
  JsonValue,
  ShownRow,
  StepIndex,
  StepIndexResult,
  StepRow,
  StepsSource,
} from '@jobdash/job-detail';
import { jobDetailQueryOptions, useJobDetail } from '@jobdash/job-detail/react';
import type { UseJobDetailResult } from '@jobdash/job-detail/react';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_: T extends true ? true : never): void {}

declare const jd: JobDetail;
expectType<Equal<ReturnType<typeof loadJobDetail>, Promise<JobDetail>>>(true);

// Step index: results are a union narrowed by `ok`.
const ix: StepIndex = jd.createStepIndex({ maxBytes: 1 << 20, maxDepth: 64 });
ix.feed(new Uint8Array(8));
ix.feed(new ArrayBuffer(8));
// @ts-expect-error strings are not bytes
ix.feed('[]');
const r: StepIndexResult = ix.finish();
if (r.ok) {
  expectType<Equal<typeof r.count, number>>(true);
  expectType<Equal<typeof r.totalCostUsd, string>>(true);
  // @ts-expect-error no error on success
  r.error;
} else {
  expectType<Equal<typeof r.error.code, ErrorCode>>(true);
  expectType<Equal<typeof r.error.offset, number | null>>(true);
  expectType<Equal<typeof r.count, number>>(true);
}
const row: StepRow = ix.summary(0);
expectType<Equal<typeof row.name, string | null>>(true);
expectType<Equal<typeof row.cost.kind, 'none' | 'valid' | 'invalid'>>(true);
expectType<Equal<typeof row.inputTokens, number | null>>(true);
expectType<Equal<ReturnType<StepIndex['step']>, JsonValue>>(true);
// @ts-expect-error count is read-only
ix.count = 3;
ix.dispose();
{
  using scoped = jd.createStepIndex();
  scoped.feed(new Uint8Array(0));
}
expectType<Equal<ReturnType<JobDetail['indexSteps']>, StepIndexResult>>(true);

// Client.
const client: JobDetailClient = jd.createJobDetailClient({
  apiBaseUrl: 'https://api.example.com',
  retry: { attempts: 3, baseMs: 250, capMs: 20_000 },
  apiInit: { headers: { authorization: 'Bearer x' } },
  onMetric: (metric) => {
    expectType<Equal<typeof metric.name, string>>(true);
  },
  now: () => 0,
  random: () => 0.5,
});
// @ts-expect-error apiBaseUrl is required
jd.createJobDetailClient({});
client.load('job-1');
client.setOptions({ apiBaseUrl: 'https://api.example.com', pollIntervalMs: false, maxSteps: 10, maxBytes: Infinity });
// @ts-expect-error no polling is `false`, not `true`
client.setOptions({ apiBaseUrl: 'https://api.example.com', pollIntervalMs: true });
const store: JobDetailStore = createJobDetailStore({ apiBaseUrl: '/api', enabled: false });
const storeResult: JobDetailResult = store.getResult();
expectType<Equal<typeof storeResult.status, 'pending' | 'error' | 'success'>>(true);
const unsubscribe: () => void = client.subscribe(() => {});
unsubscribe();
const snap: JobDetailSnapshot = client.getSnapshot();
expectType<Equal<typeof snap.status, 'idle' | 'loading' | 'ready' | 'error'>>(true);
if (snap.steps !== null) {
  expectType<Equal<typeof snap.steps.source, StepsSource>>(true);
  expectType<Equal<typeof snap.steps.reason, ErrorCode | null>>(true);
}
expectType<Equal<typeof snap.progress, { bytes: number; total: number | null; steps: number } | null>>(true);
// @ts-expect-error snapshots are read by the UI, never written
snap.status = 'ready';
const listRow: ShownRow = client.summary(0);
expectType<Equal<typeof listRow.origin, 's3' | 'dynamodb'>>(true);
client[Symbol.dispose]();

// Errors.
const error = new JobDetailError({ code: 'too_deep', offset: 512, message: 'deep' });
expectType<Equal<typeof error.code, ErrorCode>>(true);
// @ts-expect-error not a code
new JobDetailError({ code: 'nope', offset: null, message: '' });

// React.
declare const result: UseJobDetailResult;
expectType<Equal<typeof result.status, 'pending' | 'error' | 'success'>>(true);
expectType<Equal<typeof result.fetchStatus, 'fetching' | 'paused' | 'idle'>>(true);
expectType<Equal<ReturnType<typeof useJobDetail>, UseJobDetailResult>>(true);
useJobDetail(null, { apiBaseUrl: '/api', enabled: false });
const query = jobDetailQueryOptions('job-1', { apiBaseUrl: '/api' });
expectType<Equal<(typeof query.queryKey)[2], string>>(true);

// The worker fetch is a fetch: it goes where the client takes one, and says why it cannot run.
{
  const workerFetch = createWorkerFetch({ highWaterMarkBytes: 4 << 20 });
  const asFetch: typeof fetch = workerFetch;
  jd.createJobDetailClient({ apiBaseUrl: '/api', fetch: workerFetch });
  const ready: Promise<void> = workerFetch.ready;
  workerFetch.close();
  const unavailable: Error = new WorkerFetchUnavailableError('no Worker here');
  void asFetch;
  void ready;
  void unavailable;
  // @ts-expect-error the high-water mark is a number of bytes
  createWorkerFetch({ highWaterMarkBytes: '4MB' });
}
