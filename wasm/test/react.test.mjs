// The React subpath: SSR safety (renderToString never loads the module), the store contract that
// useSyncExternalStore relies on, and the TanStack-shaped result, against loopback HTTP.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';
import { JobDetailStore, jobDetailQueryOptions, toQueryResult, useJobDetail } from '@jobdash/job-detail/react';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

import { startFakeApi, virtualClientOptions, virtualClock, waitFor } from './support/fake_api.mjs';

const jd = await loadJobDetail();
let api;
before(async () => {
  api = await startFakeApi({
    missing: {
      jobResponse: (n, req, res) => {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return true;
      },
    },
  });
});
after(() => api.close());

function options(extra = {}) {
  const clock = virtualClock();
  return {
    clock,
    options: { ...virtualClientOptions(api, clock), jobDetail: jd, ...extra },
  };
}

test('server rendering shows the pending state and never loads the module', () => {
  let loads = 0;
  const seen = [];
  function View() {
    const result = useJobDetail('ok', {
      apiBaseUrl: 'https://api.invalid',
      jobDetail: () => {
        loads += 1;
        return Promise.resolve(jd);
      },
    });
    seen.push(result);
    return createElement('p', null, `${result.status}/${result.fetchStatus}/${String(result.data)}`);
  }
  const html = renderToString(createElement(View));
  assert.equal(html, '<p>pending/idle/undefined</p>');
  assert.equal(loads, 0);
  assert.equal(seen[0].isPending, true);
  assert.equal(seen[0].isLoading, false);
  assert.equal(seen[0].steps, null);
  assert.equal(typeof seen[0].refetch, 'function');
});

test('the store keeps one snapshot object until something changes, and notifies on change', async () => {
  const { clock, options: storeOptions } = options();
  const store = new JobDetailStore(storeOptions);
  const first = store.getSnapshot();
  assert.equal(store.getSnapshot(), first);
  assert.equal(first.status, 'idle');
  let notified = 0;
  const unsubscribe = store.subscribe(() => {
    notified += 1;
  });
  store.setJobId('ok');
  await store.attach();
  const fakeClient = { subscribe: store.subscribe, getSnapshot: store.getSnapshot };
  const ready = await waitFor(fakeClient, clock, (s) => s.steps?.source === 's3' && !s.isFetching);
  assert.ok(notified > 0);
  assert.equal(store.getSnapshot(), ready);
  assert.equal(store.getSnapshot(), store.getSnapshot());
  const result = toQueryResult(ready, store);
  assert.equal(result.status, 'success');
  assert.equal(result.fetchStatus, 'idle');
  assert.equal(result.isSuccess, true);
  assert.equal(result.data.id, 'ok');
  assert.equal(result.steps.count, 5);
  assert.equal(result.summary(2).name, 'Step 3');
  assert.equal(result.step(2).step_number, 3);

  // Another job id: the old work is replaced, the new job shows up.
  store.setJobId('other');
  const other = await waitFor(fakeClient, clock, (s) => s.jobId === 'other' && s.steps?.source === 's3' && !s.isFetching);
  assert.equal(other.job.id, 'other');

  // Unmount: disposed; the last snapshot stays, nothing fires any more.
  store.detach();
  const countBefore = notified;
  clock.advance(60_000);
  assert.equal(store.getSnapshot(), other);
  assert.equal(notified, countBefore);
  assert.throws(() => store.summary(0), /no job is loaded/);
  unsubscribe();
});

test('a job that cannot be loaded maps to the error status', async () => {
  const { clock, options: storeOptions } = options({ retry: { attempts: 1 } });
  const store = new JobDetailStore(storeOptions);
  store.setJobId('missing');
  await store.attach();
  const failed = await waitFor({ subscribe: store.subscribe, getSnapshot: store.getSnapshot }, clock, (s) => s.status === 'error');
  const result = toQueryResult(failed, store);
  assert.equal(result.status, 'error');
  assert.equal(result.isError, true);
  assert.equal(result.error.code, 'not_found');
  assert.equal(result.data, undefined);
  store.detach();
});

test('detach before the module arrives creates nothing (unmount during load, StrictMode)', async () => {
  let resolveModule;
  const store = new JobDetailStore({ apiBaseUrl: api.base, pageEvents: null, jobDetail: () => new Promise((resolve) => { resolveModule = resolve; }) });
  store.setJobId('never-loaded');
  const attaching = store.attach();
  store.detach();
  resolveModule(jd);
  await attaching;
  assert.equal(store.getSnapshot().status, 'idle');
  assert.equal(api.requests('job', 'never-loaded'), 0);
});

test('a module that cannot load shows as the error snapshot, not an unhandled rejection', async () => {
  const store = new JobDetailStore({ apiBaseUrl: api.base, pageEvents: null, jobDetail: () => Promise.reject(new Error('wasm fetch failed')) });
  store.setJobId('unreachable');
  await store.attach();
  const snapshot = store.getSnapshot();
  assert.equal(snapshot.status, 'error');
  assert.equal(snapshot.jobId, 'unreachable');
  assert.deepEqual(snapshot.error, { code: 'network', message: 'wasm fetch failed' });
  assert.equal(toQueryResult(snapshot, store).status, 'error');
  assert.throws(() => store.summary(0), /no job is loaded/);
});

test('jobDetailQueryOptions: a TanStack queryFn that resolves with the job, totals and rows', async () => {
  const query = jobDetailQueryOptions('query-job', { apiBaseUrl: api.base, pageEvents: null, jobDetail: jd });
  assert.deepEqual(query.queryKey, ['@jobdash/job-detail', api.base, 'query-job']);
  assert.equal(query.retry, false);
  const signal = new AbortController().signal;
  const data = await query.queryFn({ signal });
  assert.equal(getEventListeners(signal, 'abort').length, 0, 'the abort listener is removed once the query settles');
  assert.equal(data.job.id, 'query-job');
  assert.equal(data.steps.source, 's3');
  assert.equal(data.rows.length, 5);
  assert.equal(data.rows[4].name, 'Step 5');
  assert.equal(query.refetchInterval({ state: { data } }), false, 'a completed job is not polled');
  assert.equal(query.refetchInterval({ state: { data: { ...data, jobInfo: { ...data.jobInfo, terminal: false } } } }), 5000);

  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(query.queryFn({ signal: aborted.signal }), (error) => error.code === 'aborted');
});
