// useJobDetail mounted in a DOM (jsdom) with @testing-library/react, against real loopback HTTP:
// the fake API + S3 of ./support. Client timers run on a virtual clock; the only real waiting is
// loopback latency.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';

import { JSDOM } from 'jsdom';

// The DOM globals React and Testing Library expect, set before either is imported.
const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/' });
for (const name of ['window', 'document', 'navigator', 'HTMLElement', 'Element', 'Node', 'MutationObserver', 'getComputedStyle']) {
  // defineProperty: newer Node versions define some of these (navigator) as getters.
  Object.defineProperty(globalThis, name, { value: name === 'window' ? dom.window : dom.window[name], configurable: true, writable: true });
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

const { createElement: h } = await import('react');
const { act, cleanup, fireEvent, render, screen, waitFor } = await import('@testing-library/react');
const { loadJobDetail } = await import('@jobdash/job-detail');
const { useJobDetail } = await import('@jobdash/job-detail/react');
const { s3Error, startFakeApi, virtualClientOptions, virtualClock } = await import('./support/fake_api.mjs');

const jd = await loadJobDetail();

// Requests the server holds open: `heldRequest(key)` resolves with {req, res, closed, ...extra}
// once such a request has arrived; `closed` resolves when its connection closes.
const held = new Map();
function entryFor(key) {
  if (!held.has(key)) {
    let resolve;
    const promise = new Promise((r) => {
      resolve = r;
    });
    held.set(key, { promise, resolve });
  }
  return held.get(key);
}
function hold(key, req, res, extra = {}) {
  entryFor(key).resolve({ req, res, closed: new Promise((resolve) => res.on('close', resolve)), ...extra });
  return true;
}
const heldRequest = (key) => within(entryFor(key).promise, `request ${key}`);

/** `promise`, or a failure after `ms` of real time (loopback work only; nothing here should wait). */
function within(promise, what, ms = 5000) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let api;
before(async () => {
  api = await startFakeApi({
    ok: {},
    'refetch-*': {},
    's3down-*': {
      steps: (n, req, res) => {
        res.writeHead(500, { 'content-type': 'application/xml' }).end(s3Error('InternalError', 'We encountered an internal error.'));
        return true;
      },
    },
    // The S3 answer never comes: the client must abort it when the job changes or unmounts.
    'hang-*': { steps: (n, req, res) => hold(`steps:${new URL(req.url, api.base).pathname}`, req, res) },
    // The job answer comes only when the test releases it (after the hook moved on).
    'late-*': {
      job: () => ({ execution_steps: [{ step_number: 1, step_name: 'Stale step', cost_usd: '9.99' }] }),
      jobResponse: (n, req, res, job) => hold(`job:${job.id}`, req, res, { job }),
    },
    'running-*': { job: () => ({ status: 'running' }) },
  });
});
after(() => api.close());  // also destroys the sockets of requests still held
// Any console error (act warnings, updates after unmount, key warnings) fails the test.
let consoleErrors = [];
const originalConsoleError = console.error;
beforeEach(() => {
  consoleErrors = [];
  console.error = (...args) => consoleErrors.push(args.map(String).join(' '));
});
afterEach(() => {
  cleanup();
  console.error = originalConsoleError;
  assert.deepEqual(consoleErrors, [], 'no console errors');
});

/** Hook options on a virtual clock (zero backoff, no page events), using the loaded module. */
function hookOptions(extra = {}) {
  const clock = virtualClock();
  return { clock, options: { ...virtualClientOptions(api, clock), jobDetail: jd, ...extra } };
}

/** A small job view: what a dashboard renders from the hook. */
function JobView({ jobId, options, renders }) {
  const query = useJobDetail(jobId, options);
  renders?.push(query);
  const rows = [];
  for (let i = 0; i < (query.steps?.count ?? 0); i += 1) {
    const row = query.summary(i);
    rows.push(h('li', { key: row.key }, `${row.name} ${row.cost.display} (${row.origin})`));
  }
  return h(
    'section',
    null,
    h('p', { 'data-testid': 'status' }, query.status),
    h('p', { 'data-testid': 'fetch' }, query.fetchStatus),
    h('p', { 'data-testid': 'job' }, query.data?.id ?? '-'),
    h('p', { 'data-testid': 'source' }, query.steps?.source ?? '-'),
    h('p', { 'data-testid': 'total' }, query.steps ? `${query.steps.count} steps, ${query.steps.totalCostDisplay}` : '-'),
    h('ul', null, rows),
    h('button', { type: 'button', onClick: query.refetch }, 'Refetch'),
  );
}

/**
 * Waits on the DOM while firing the client's due virtual timers, until `assertion` holds and
 * (unless `idle` is false) no request is in flight, so no update lands after the test.
 */
function settle(clock, assertion, { idle = true } = {}) {
  return waitFor(
    () => {
      clock.advance(0);
      assertion();
      if (idle) assert.equal(text('fetch'), 'idle');
    },
    { interval: 2, timeout: 5000 },
  );
}

const text = (testId) => screen.getByTestId(testId).textContent;
const rowTexts = () => screen.queryAllByRole('listitem').map((li) => li.textContent);

test('pending, then success with the S3 list: rows, count and exact totals', async () => {
  const { clock, options } = hookOptions();
  const renders = [];
  render(h(JobView, { jobId: 'ok', options, renders }));
  assert.equal(text('status'), 'pending');
  assert.equal(renders[0].isPending, true);
  await settle(clock, () => assert.equal(text('source'), 's3'));
  assert.equal(text('status'), 'success');
  assert.equal(text('job'), 'ok');
  assert.equal(text('total'), '5 steps, $1.50');
  assert.deepEqual(rowTexts(), [
    'Step 1 $0.10 (s3)',
    'Step 2 $0.20 (s3)',
    'Step 3 $0.30 (s3)',
    'Step 4 $0.40 (s3)',
    'Step 5 $0.50 (s3)',
  ]);
  const last = renders.at(-1);
  assert.equal(last.isSuccess, true);
  assert.equal(last.steps.complete, true);
  assert.match(last.step(4).output, /Full output of step 5 — naïve café 日本語/);
  assert.ok(renders.some((r) => r.isLoading), 'the first load showed as loading');
  assert.equal(api.requests('job', 'ok'), 1);
  assert.equal(api.requests('steps', 'ok'), 1);
});

test('an S3 failure falls back to the DynamoDB rows', async () => {
  const { clock, options } = hookOptions();
  render(h(JobView, { jobId: 's3down-1', options }));
  await settle(clock, () => assert.equal(text('source'), 'dynamodb_fallback'));
  assert.equal(text('status'), 'success');
  assert.equal(text('total'), '2 steps, $0.30');
  assert.deepEqual(rowTexts(), ['Step 1 $0.10 (dynamodb)', 'Step 2 $0.20 (dynamodb)']);
  assert.equal(api.requests('steps', 's3down-1'), 3, 'a 500 is retried up to the attempt limit');
  assert.equal(api.requests('job', 's3down-1'), 1);
});

test('refetch() from a button loads the job and its steps again', async () => {
  const { clock, options } = hookOptions();
  render(h(JobView, { jobId: 'refetch-1', options }));
  await settle(clock, () => assert.equal(text('source'), 's3'));
  assert.equal(api.requests('job', 'refetch-1'), 1);
  fireEvent.click(screen.getByRole('button', { name: 'Refetch' }));
  await settle(clock, () => assert.equal(api.requests('job', 'refetch-1'), 2));
  await settle(clock, () => {
    assert.equal(text('source'), 's3');
    assert.equal(text('total'), '5 steps, $1.50');
  });
  assert.ok(api.requests('steps', 'refetch-1') >= 1);
});

test('changing jobId aborts the old S3 download and shows only the new job', async () => {
  const { clock, options } = hookOptions();
  const renders = [];
  const view = render(h(JobView, { jobId: 'hang-a', options, renders }));
  const old = await act(() => heldRequest('steps:/bucket/steps/hang-a.json'));
  // The job arrived, its S3 download hangs: the DynamoDB rows show meanwhile.
  await settle(clock, () => assert.equal(text('job'), 'hang-a'), { idle: false });
  assert.equal(text('fetch'), 'fetching');
  assert.deepEqual(rowTexts(), ['Step 1 $0.10 (dynamodb)', 'Step 2 $0.20 (dynamodb)']);

  view.rerender(h(JobView, { jobId: 'ok', options, renders }));
  await act(() => within(old.closed, 'old request closed'));
  assert.equal(old.res.writableEnded, false, 'the server never answered: the client closed the request');
  await settle(clock, () => {
    assert.equal(text('job'), 'ok');
    assert.equal(text('source'), 's3');
  });
  assert.equal(text('total'), '5 steps, $1.50');
  assert.equal(api.requests('steps', 'hang-a'), 1, 'the old download is not retried');
});

test('a late answer for the previous jobId is ignored (a fetch that ignores abort)', async () => {
  // A fetch that drops the AbortSignal: the old answer does arrive, and the stale guard must drop it.
  const fetchIgnoringAbort = (url, init = {}) => {
    const { signal: _signal, ...rest } = init;
    return fetch(url, rest);
  };
  const { clock, options } = hookOptions({ fetch: fetchIgnoringAbort });
  const renders = [];
  const view = render(h(JobView, { jobId: 'late-old', options, renders }));
  const old = await act(() => heldRequest('job:late-old'));

  view.rerender(h(JobView, { jobId: 'ok', options, renders }));
  await settle(clock, () => assert.equal(text('source'), 's3'));
  const okRequests = api.requests('job', 'ok');

  old.res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
  old.res.end(JSON.stringify(old.job));
  await act(() => within(old.closed, 'old request closed'));
  // Give the late body time to travel over loopback and be handled, with timers firing.
  for (let i = 0; i < 20; i += 1) await act(() => new Promise((resolve) => setTimeout(() => resolve(clock.advance(0)), 2)));

  assert.equal(text('job'), 'ok');
  assert.equal(text('total'), '5 steps, $1.50');
  assert.ok(!rowTexts().some((row) => row.includes('Stale step')));
  assert.ok(renders.every((r) => r.data?.id !== 'late-old'), 'no render ever showed the old job');
  assert.equal(api.requests('job', 'ok'), okRequests, 'the late answer started nothing');
});

test('unmount disposes: polling stops, no request and no render after', async () => {
  const { clock, options } = hookOptions({ pollIntervalMs: 5000 });
  const renders = [];
  const view = render(h(JobView, { jobId: 'running-1', options, renders }));
  await settle(clock, () => assert.equal(text('source'), 's3'));
  // A running job is polled: the next poll is a virtual timer away.
  const jobRequests = api.requests('job', 'running-1');
  await act(async () => clock.advance(5000));
  await settle(clock, () => assert.equal(api.requests('job', 'running-1'), jobRequests + 1));

  view.unmount();
  const rendersAtUnmount = renders.length;
  const requestsAtUnmount = api.log.length;
  assert.deepEqual(clock.pendingTimers(), [], 'dispose cancelled the poll timer');
  await act(async () => clock.advance(60_000));
  await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
  assert.equal(api.log.length, requestsAtUnmount, 'no request after unmount');
  assert.equal(renders.length, rendersAtUnmount, 'no render after unmount');
});

test('unmount during an S3 download aborts the request', async () => {
  const { clock, options } = hookOptions();
  const view = render(h(JobView, { jobId: 'hang-unmount', options }));
  const pending = await act(() => heldRequest('steps:/bucket/steps/hang-unmount.json'));
  await settle(clock, () => assert.equal(text('job'), 'hang-unmount'), { idle: false });
  view.unmount();
  await act(() => within(pending.closed, 'request closed at unmount'));
  assert.equal(pending.res.writableEnded, false);
  assert.equal(api.requests('steps', 'hang-unmount'), 1);
});
