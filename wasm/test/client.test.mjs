// JobDetailClient against real HTTP over loopback: a fake API + S3 with faults, virtual timers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

import { partialSteps, s3Error, startFakeApi, steps, stepsDocument, virtualClock, waitFor } from './support/fake_api.mjs';

const jd = await loadJobDetail();
let api;
let pendingDrips = [];

const scripts = {
  ok: {},
  'slow-down': {
    steps: (n, req, res) => {
      if (n > 1) return false;
      res.writeHead(503, { 'content-type': 'application/xml' }).end(s3Error('SlowDown', 'Please reduce your request rate.'));
      return true;
    },
  },
  get paused() {
    return this['slow-down'];
  },
  expired: {
    steps: (n, req, res) => {
      if (n > 1) return false;
      res.writeHead(403, { 'content-type': 'application/xml' }).end(s3Error('AccessDenied', 'Request has expired'));
      return true;
    },
  },
  // The expired script under a fresh id (request numbers count per id).
  get 'job-url'() {
    return this.expired;
  },
  'expired-twice': {
    steps: (n, req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' }).end(s3Error('AccessDenied', 'Request has expired'));
      return true;
    },
  },
  'no-such-key': {
    steps: (n, req, res) => {
      res.writeHead(404, { 'content-type': 'application/xml' }).end(s3Error('NoSuchKey', 'The specified key does not exist.'));
      return true;
    },
  },
  forbidden: {
    steps: (n, req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' }).end(s3Error('AccessDenied', 'Access Denied'));
      return true;
    },
  },
  truncated: {
    steps: (n, req, res) => {
      const half = stepsDocument.subarray(0, stepsDocument.length >> 1);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': half.length }).end(half);
      return true;
    },
  },
  reset: {
    steps: (n, req, res) => {
      if (n > 1) return false;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': stepsDocument.length });
      res.write(stepsDocument.subarray(0, 100));
      setImmediate(() => req.socket.destroy());
      return true;
    },
  },
  'html-200': {
    steps: (n, req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Proxy login</title>');
      return true;
    },
  },
  drip: {
    steps: (n, req, res) => {
      if (n > 1) return false;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': stepsDocument.length });
      res.write(stepsDocument.subarray(0, 50));  // then nothing: the client's timeout must act
      pendingDrips.push(res);
      return true;
    },
  },
  // 300 steps of ~1 KB, dripped in 4 KB writes a few ms apart; the DynamoDB copy has steps 1-2
  // and a step 999 that the S3 list does not have.
  'stream-*': {
    job: () => ({ execution_steps: [...partialSteps(), { step_number: 999, step_name: 'DynamoDB only', cost_usd: 1 }] }),
    steps: (n, req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bigDocument.length });
      drip(res, bigDocument, 4096, 3, req.url.includes('stream-held') ? held : null);
      return true;
    },
  },
  'internal-error': {
    steps: (n, req, res) => {
      res.writeHead(500, { 'content-type': 'application/xml' }).end(s3Error('InternalError', 'We encountered an internal error. Please try again.'));
      return true;
    },
  },
  // A running job whose S3 object is rewritten in place: 3 steps with ETag "a", then 5 steps with
  // ETag "b" (only when asked with If-None-Match: "a"), then 304 for "b".
  'etag-change': {
    job: (n) => ({ status: n < 3 ? 'running' : 'completed' }),
    steps: (n, req, res) => {
      const inm = req.headers['if-none-match'];
      if (inm === '"b"') {
        res.writeHead(304, { etag: '"b"' }).end();
        return true;
      }
      const [etag, list] = inm === '"a"' ? ['"b"', steps] : ['"a"', steps.slice(0, 3)];
      const body = Buffer.from(JSON.stringify({ execution_steps: list }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, etag }).end(body);
      return true;
    },
  },
  'no-s3': { job: () => ({ execution_steps_s3_key: undefined, execution_steps_s3_url: undefined }) },
  running: {
    job: (n) => ({ status: n < 3 ? 'running' : 'completed' }),
    steps: (n, req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
        return true;
      }
      return false;
    },
  },
};

const bigSteps = Array.from({ length: 300 }, (_, i) => ({
  step_number: i + 1,
  step_name: `Step ${i + 1}`,
  status: 'completed',
  cost_usd: '0.01',
  output: `<p>${'streamed café '.repeat(70)}${i + 1}</p>`,
}));
const bigDocument = Buffer.from(JSON.stringify({ execution_steps: bigSteps }));

// `held`: the write of the second half waits until the test releases it.
let held = null;

// Writes `body` in `size`-byte pieces `gapMs` apart (real time); with `gate`, stops halfway until
// it resolves.
function drip(res, body, size, gapMs, gate) {
  let at = 0;
  const next = async () => {
    if (res.destroyed) return;
    if (at >= body.length) return void res.end();
    if (gate !== null && at >= body.length / 2) {
      const wait = gate;
      gate = null;
      wait.reached = true;
      await wait.promise;
    }
    res.write(body.subarray(at, at + size));
    at += size;
    setTimeout(next, gapMs);
  };
  next();
}

before(async () => {
  api = await startFakeApi(scripts);
});
after(async () => {
  for (const res of pendingDrips) res.destroy();
  await api.close();
});

function makeClient(options = {}) {
  const clock = virtualClock();
  const metrics = [];
  const client = jd.createJobDetailClient({
    apiBaseUrl: api.base,
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 0,  // zero backoff: retries fire at the current virtual time
    pageEvents: null,
    onMetric: (metric) => metrics.push(metric),
    ...options,
  });
  return { client, clock, metrics };
}

const settled = (snapshot) => snapshot.status === 'ready' || snapshot.status === 'error';
const finalSteps = (snapshot) => settled(snapshot) && snapshot.steps?.complete !== false || snapshot.steps?.source === 'dynamodb_fallback';

async function load(id, options) {
  const setup = makeClient(options);
  setup.client.load(id);
  const snapshot = await waitFor(setup.client, setup.clock, (s) => finalSteps(s) && !s.isFetching);
  return { ...setup, snapshot };
}

test('happy path: the S3 list wins, complete, with exact totals, rows and full steps', async () => {
  const { client, snapshot, metrics } = await load('ok');
  assert.equal(snapshot.status, 'ready');
  assert.equal(snapshot.jobId, 'ok');
  assert.equal(snapshot.job.id, 'ok');
  assert.equal(snapshot.jobInfo.terminal, true);
  assert.deepEqual(snapshot.steps, {
    source: 's3', complete: true, reason: null, streaming: false, count: 5,
    totalCostUsd: '1.5', totalCostDisplay: '$1.50', noCost: 0, invalidCost: 0, mixesOrigins: false, repairedStrings: 0, fromCache: false,
  });
  assert.equal(snapshot.error, null);
  assert.equal(snapshot.isPending, false);
  assert.equal(api.requests('job', 'ok'), 1);
  assert.equal(api.requests('steps', 'ok'), 1);
  assert.deepEqual(client.step(4), steps[4]);
  assert.equal(client.summary(0).origin, 's3');
  assert.equal(client.summary(0).name, 'Step 1');
  assert.equal(client.summary(0), client.summary(0), 'rows are cached until the snapshot changes');
  for (const i of [5, -1, 1.5, 2 ** 32, 2 ** 32 + 1]) {
    assert.throws(() => client.summary(i), { code: 'invalid_argument' }, `summary(${i})`);
    assert.throws(() => client.step(i), { code: 'invalid_argument' }, `step(${i})`);
  }
  assert.equal(client.getSnapshot(), snapshot, 'the same object until something changes');
  assert.ok(metrics.some((m) => m.name === 'fetch_end' && m.fields.target === 'steps'), JSON.stringify(metrics));
  for (const metric of metrics) assert.doesNotMatch(JSON.stringify(metric), /sig\d|AKIA/, 'URLs in metrics are redacted');
  client.dispose();
});

test('S3 requests carry no API headers and no cookies; API requests get apiInit', async () => {
  const inits = [];
  const recordingFetch = (input, init) => {
    if (!String(input).includes('/jobs/ok')) inits.push(init);
    return fetch(input, init);
  };
  const { client } = await load('ok', { fetch: recordingFetch, apiInit: { headers: { authorization: 'Bearer t0ken' } } });
  assert.equal(inits.length, 1);
  // Presigned bodies stay out of the HTTP cache: no credential-bearing copy at rest, and no
  // browser-made Range resumes of a cut body behind the retry policy.
  assert.equal(inits[0].cache, 'no-store');
  assert.equal(inits[0].credentials, 'omit');
  assert.equal(inits[0].referrerPolicy, 'no-referrer');
  assert.equal(inits[0].redirect, 'error');
  const jobRequest = api.log.findLast((entry) => entry.role === 'job' && entry.id === 'ok');
  const stepsRequest = api.log.findLast((entry) => entry.role === 'steps' && entry.id === 'ok');
  assert.equal(jobRequest.headers.authorization, 'Bearer t0ken');
  assert.equal(stepsRequest.headers.authorization, undefined);
  assert.equal(stepsRequest.headers.cookie, undefined);
  assert.equal(stepsRequest.headers.referer, undefined);
  client.dispose();
});

test('503 SlowDown then 200: one retry, then the S3 list', async () => {
  const { client, snapshot } = await load('slow-down');
  assert.equal(snapshot.steps.source, 's3');
  assert.equal(snapshot.steps.complete, true);
  assert.equal(api.requests('steps', 'slow-down'), 2);
  assert.equal(api.requests('job', 'slow-down'), 1);
  client.dispose();
});

test('403 "Request has expired": the job is fetched again for a fresh URL, then the steps', async () => {
  const { client, snapshot } = await load('expired');
  assert.equal(snapshot.steps.source, 's3');
  assert.equal(api.requests('job', 'expired'), 2);
  assert.equal(api.requests('steps', 'expired'), 2);
  const queries = api.log.filter((e) => e.role === 'steps' && e.id === 'expired').map((e) => e.query);
  assert.notEqual(queries[0], queries[1], 'the second steps request used the fresh URL');
  client.dispose();
});

test('a second expiry in a row is final: fallback with reason expired, DynamoDB steps kept', async () => {
  const { client, snapshot } = await load('expired-twice');
  assert.equal(snapshot.steps.source, 'dynamodb_fallback');
  assert.equal(snapshot.steps.reason, 'expired');
  assert.equal(snapshot.steps.count, 2);
  assert.equal(api.requests('job', 'expired-twice'), 2);
  assert.equal(api.requests('steps', 'expired-twice'), 2);
  assert.equal(client.summary(1).origin, 'dynamodb');
  assert.equal(client.summary(1).name, 'Step 2');
  assert.equal(client.step(0).output, steps[0].output.slice(0, 10));
  client.dispose();
});

for (const [id, reason, stepsRequests] of [
  ['no-such-key', 'not_found', 1],
  ['forbidden', 'forbidden', 1],
  ['html-200', 'invalid_json', 1],
  ['truncated', 'truncated', 3],
]) {
  test(`${id}: fallback to DynamoDB with reason ${reason} after ${stepsRequests} request(s)`, async () => {
    const { client, snapshot } = await load(id);
    assert.equal(snapshot.status, 'ready');
    assert.equal(snapshot.steps.source, 'dynamodb_fallback');
    assert.equal(snapshot.steps.complete, false);
    assert.equal(snapshot.steps.reason, reason);
    assert.equal(snapshot.steps.count, 2, 'DynamoDB steps are never lost');
    assert.equal(api.requests('steps', id), stepsRequests);
    assert.equal(api.requests('job', id), 1);
    client.dispose();
  });
}

test('S3 500 InternalError is retried to the attempt limit, then DynamoDB with reason server_error', async () => {
  const { client, snapshot, metrics } = await load('internal-error');
  assert.equal(snapshot.status, 'ready');
  assert.equal(snapshot.steps.source, 'dynamodb_fallback');
  assert.equal(snapshot.steps.complete, false);
  assert.equal(snapshot.steps.reason, 'server_error');
  assert.equal(snapshot.steps.count, 2, 'DynamoDB steps are never lost');
  assert.equal(client.summary(1).origin, 'dynamodb');
  assert.equal(client.summary(1).name, 'Step 2');
  assert.equal(api.requests('steps', 'internal-error'), 3, 'the default 3 attempts, no more');
  assert.equal(api.requests('job', 'internal-error'), 1);
  const ends = metrics.filter((m) => m.name === 'fetch_end' && m.fields.target === 'steps');
  assert.equal(ends.length, 3, JSON.stringify(ends));
  assert.equal(snapshot.nextRetryAt, null, 'nothing more scheduled');
  client.dispose();
});

test('S3 500 with retry.attempts 1: a single request, then the fallback', async () => {
  const before = api.requests('steps', 'internal-error');
  const { client, snapshot } = await load('internal-error', { retry: { attempts: 1 } });
  assert.equal(snapshot.steps.source, 'dynamodb_fallback');
  assert.equal(snapshot.steps.reason, 'server_error');
  assert.equal(api.requests('steps', 'internal-error') - before, 1);
  client.dispose();
});

test('polled running job whose S3 object changes ETag: If-None-Match sent, new list replaces the old, then 304 keeps it', async () => {
  const { client, clock } = makeClient({ pollIntervalMs: 5000 });
  client.load('etag-change');
  const first = await waitFor(client, clock, (s) => s.steps?.source === 's3' && !s.isFetching);
  assert.equal(first.jobInfo.terminal, false);
  assert.equal(first.steps.count, 3);
  assert.equal(first.steps.complete, true);
  assert.equal(client.summary(2).name, 'Step 3');
  assert.equal(client.summary(2).origin, 's3');
  clock.advance(5000);
  const second = await waitFor(client, clock, (s) => api.requests('job', 'etag-change') === 2 && s.steps?.count === 5 && !s.isFetching);
  assert.equal(second.steps.source, 's3');
  assert.equal(second.steps.complete, true);
  assert.equal(second.steps.totalCostUsd, '1.5');
  assert.deepEqual(client.step(4), steps[4], 'the new object\'s steps, in full');
  assert.deepEqual(client.step(0), steps[0], 'earlier steps come from the new object too');
  clock.advance(5000);
  const done = await waitFor(client, clock, (s) => s.jobInfo?.terminal === true && api.requests('steps', 'etag-change') === 3 && !s.isFetching);
  assert.equal(done.steps.source, 's3');
  assert.equal(done.steps.count, 5, 'the 304 keeps the list');
  assert.equal(done.steps.complete, true);
  assert.deepEqual(client.step(4), steps[4]);
  const sent = api.log.filter((e) => e.role === 'steps' && e.id === 'etag-change').map((e) => e.headers['if-none-match'] ?? null);
  assert.deepEqual(sent, [null, '"a"', '"b"']);
  assert.equal(api.requests('job', 'etag-change'), 3);
  client.dispose();
});

test('the jobUrl option builds the job URL, for the first request and the refresh after expiry', async () => {
  const asked = [];
  const { client, snapshot } = await load('job-url', {
    apiBaseUrl: 'http://127.0.0.1:9/unused',
    jobUrl: (jobId) => {
      asked.push(jobId);
      return `${api.base}/jobs/${encodeURIComponent(jobId)}?via=jobUrl`;
    },
  });
  assert.equal(snapshot.steps.source, 's3');
  assert.deepEqual(asked, ['job-url', 'job-url']);
  assert.equal(api.requests('steps', 'job-url'), 2);
  const jobRequests = api.log.filter((e) => e.role === 'job' && e.id === 'job-url');
  assert.deepEqual(jobRequests.map((e) => e.query), ['?via=jobUrl', '?via=jobUrl']);
  client.dispose();
});

test('connection reset mid-body is a network error, retried', async () => {
  const { client, snapshot } = await load('reset');
  assert.equal(snapshot.steps.source, 's3');
  assert.equal(api.requests('steps', 'reset'), 2);
  client.dispose();
});

test('slow drip: no new bytes for requestTimeoutMs cancels the request and retries', async () => {
  const { client, clock } = makeClient({ requestTimeoutMs: 10_000 });
  client.load('drip');
  await waitFor(client, clock, (s) => (s.progress?.bytes ?? 0) >= 50);
  assert.equal(client.getSnapshot().steps.source, 'dynamodb');
  clock.advance(10_000);
  const snapshot = await waitFor(client, clock, (s) => s.steps?.source === 's3' && !s.isFetching);
  assert.equal(snapshot.steps.complete, true);
  assert.equal(api.requests('steps', 'drip'), 2);
  client.dispose();
});

test('a job without an S3 list is complete from DynamoDB, with no S3 request', async () => {
  const { client, snapshot } = await load('no-s3');
  assert.deepEqual(
    { source: snapshot.steps.source, complete: snapshot.steps.complete, count: snapshot.steps.count },
    { source: 'dynamodb', complete: true, count: 2 },
  );
  assert.equal(api.requests('steps', 'no-s3'), 0);
  client.dispose();
});

test('polling a running job until it completes; the steps come back as 304', async () => {
  const { client, clock } = makeClient({ pollIntervalMs: 5000 });
  client.load('running');
  await waitFor(client, clock, (s) => s.steps?.source === 's3' && !s.isFetching);
  assert.equal(client.getSnapshot().jobInfo.terminal, false);
  clock.advance(5000);
  await waitFor(client, clock, (s) => api.requests('job', 'running') === 2 && !s.isFetching);
  clock.advance(5000);
  const done = await waitFor(client, clock, (s) => s.jobInfo?.terminal === true && !s.isFetching);
  assert.equal(done.job.status, 'completed');
  assert.equal(done.steps.source, 's3');
  assert.equal(done.steps.count, 5);
  const jobRequests = api.requests('job', 'running');
  assert.equal(jobRequests, 3);
  clock.advance(60_000);
  assert.equal(api.requests('job', 'running'), jobRequests, 'no polling after a terminal status');
  const conditional = api.log.filter((e) => e.role === 'steps' && e.id === 'running' && e.headers['if-none-match']);
  for (const entry of conditional) assert.equal(entry.headers['if-none-match'], '"v1"');
  assert.equal(api.requests('steps', 'running'), 1 + conditional.length);
  client.dispose();
});

test('a response that arrives after refetch() is ignored (stale guard)', async () => {
  const releases = [];
  let jobCalls = 0;
  // A fetch that ignores aborts for the first job request: its answer arrives late, after refetch.
  const lateFetch = async (url, init) => {
    if (String(url).includes('/jobs/') && ++jobCalls === 1) {
      await new Promise((resolve) => releases.push(resolve));
      return new Response(JSON.stringify({ id: 'stale', status: 'running', execution_steps: [] }), { status: 200 });
    }
    return fetch(url, init);
  };
  const { client, clock } = makeClient({ fetch: lateFetch });
  client.load('no-s3');
  client.refetch();
  const fresh = await waitFor(client, clock, (s) => s.status === 'ready' && !s.isFetching);
  releases.forEach((release) => release());
  await new Promise((resolve) => setTimeout(resolve, 20));  // let the late answer land
  clock.advance(0);
  assert.equal(client.getSnapshot(), fresh, 'the snapshot did not change');
  assert.equal(client.getSnapshot().job.id, 'no-s3');
  client.dispose();
});

test('loading another job cancels the first; dispose stops everything', async () => {
  const { client, clock } = makeClient({ requestTimeoutMs: 60_000 });
  client.load('drip');
  await waitFor(client, clock, (s) => (s.progress?.bytes ?? 0) > 0);
  client.load('ok');
  const snapshot = await waitFor(client, clock, (s) => s.steps?.source === 's3' && s.jobId === 'ok' && !s.isFetching);
  assert.equal(snapshot.job.id, 'ok');
  client.dispose();
  client.dispose();
  assert.deepEqual(clock.pendingTimers(), []);
  assert.equal(client.getSnapshot(), snapshot, 'the last snapshot stays readable');
  client.refetch();  // a no-op after dispose
  assert.throws(() => client.load('ok'), /after dispose/);
});

test('visibility and connectivity events pause and resume the retries', async () => {
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  const win = new EventTarget();
  let online = true;
  // Requests counted when the client makes them (not when they reach the server): a request made
  // while paused would be seen at once, however slow loopback is.
  let stepsFetches = 0;
  const { client, clock } = makeClient({
    random: () => 0.5,
    pageEvents: { document: doc, window: win, online: () => online },
    fetch: (input, init) => {
      if (!String(input).includes('/jobs/')) stepsFetches += 1;
      return fetch(input, init);
    },
  });
  client.load('paused');
  const waiting = await waitFor(client, clock, (s) => s.nextRetryAt !== null);
  assert.equal(api.requests('steps', 'paused') >= 1, true);
  const before = api.requests('steps', 'paused');
  online = false;
  win.dispatchEvent(new Event('offline'));
  doc.visibilityState = 'hidden';
  doc.dispatchEvent(new Event('visibilitychange'));
  clock.advance(waiting.nextRetryAt - clock.now() + 60_000);
  const paused = await waitFor(client, clock, (s) => s.retryPaused);
  assert.equal(paused.steps.source, 'dynamodb', 'DynamoDB steps shown meanwhile');
  assert.equal(api.requests('steps', 'paused'), before, 'no request while offline and hidden');
  online = true;
  const fetchesBefore = stepsFetches;
  win.dispatchEvent(new Event('online'));
  await Promise.resolve();
  assert.equal(stepsFetches, fetchesBefore, 'still hidden: still paused');
  assert.equal(client.getSnapshot().retryPaused, true);
  doc.visibilityState = 'visible';
  doc.dispatchEvent(new Event('visibilitychange'));
  const done = await waitFor(client, clock, (s) => s.steps?.source === 's3' && !s.isFetching);
  assert.equal(done.retryPaused, false);
  assert.equal(api.requests('steps', 'paused'), before + 1);
  client.dispose();
});

test('rows appear while the S3 list downloads: the count grows, DynamoDB-only rows stay, rows read', async () => {
  const { client, clock } = makeClient({ progressIntervalMs: 0 });
  const seen = [];
  const unsubscribe = client.subscribe(() => {
    const snapshot = client.getSnapshot();
    if (snapshot.progress === null || !snapshot.steps?.streaming) return;
    // Read rows the moment they are published, as a list component would.
    const last = client.summary(snapshot.steps.count - 1);
    const middle = snapshot.steps.count > 10 ? client.step(9) : null;
    seen.push({ count: snapshot.steps.count, bytes: snapshot.progress.bytes, total: snapshot.progress.total, steps: snapshot.steps, last, middle });
  });
  client.load('stream-rows');
  const done = await waitFor(client, clock, (s) => finalSteps(s) && !s.isFetching);
  unsubscribe();
  assert.equal(done.steps.source, 's3');
  assert.equal(done.steps.complete, true);
  assert.equal(done.steps.streaming, false);
  assert.equal(done.steps.count, 301, '300 S3 steps + DynamoDB step 999');
  const midway = seen.filter((entry) => entry.bytes < entry.total && entry.count > 5);
  assert.ok(midway.length >= 3, `rows beyond the first 5 before the download ended (${seen.length} streamed snapshots)`);
  for (const entry of seen) {
    assert.equal(entry.steps.source, 's3');
    assert.equal(entry.steps.complete, false);
    assert.equal(entry.steps.reason, null);
    assert.equal(entry.last.stepNumber, '999', 'the DynamoDB-only step is always in the list');
    assert.equal(entry.last.origin, 'dynamodb');
    if (entry.middle !== null) assert.deepEqual(entry.middle, bigSteps[9], 'a streamed step decodes in full');
  }
  for (let i = 1; i < seen.length; i += 1) assert.ok(seen[i].count >= seen[i - 1].count, 'the count never goes back');
  assert.ok(seen.at(-1).count > seen[0].count, 'the count grows');
  // Totals while streaming: the S3 steps so far at 0.01 plus step 999 at 1 (steps 1-2 matched).
  const sample = midway[0];
  assert.equal(sample.steps.totalCostUsd, (1 + (sample.count - 1) * 0.01).toFixed(2).replace(/\.?0+$/, ''));
  assert.equal(client.summary(0).origin, 's3');
  assert.equal(client.summary(1).outputTruncatedLegacy, false);
  assert.equal(client.summary(1).outputChars, [...bigSteps[1].output].length);
  client.dispose();
});

test('while the list downloads, snapshots are published at a bounded rate by the injected clock', async () => {
  // Count the body bytes the client has read, so the test waits for them instead of for time.
  let bytesRead = 0;
  const countingFetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input).includes('stream-held')) return response;
    const counted = response.body.pipeThrough(new TransformStream({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }));
    return new Response(counted, { status: response.status, headers: response.headers });
  };
  // progressIntervalMs: 100 (default); virtual time stands still.
  const { client, clock } = makeClient({ fetch: countingFetch });
  let resolveGate;
  held = { promise: new Promise((resolve) => (resolveGate = resolve)) };
  let publishes = 0;
  const unsubscribe = client.subscribe(() => {
    if (client.getSnapshot().progress !== null) publishes += 1;
  });
  client.load('stream-held');
  // The first half arrives (dozens of chunks) while the virtual clock does not move.
  await waitFor(client, clock, (s) => s.steps?.streaming === true);
  while (!held.reached) await new Promise((resolve) => setTimeout(resolve, 5));
  // The first half has been written; wait until the client has read (nearly) all of it.
  while (bytesRead < bigDocument.length / 2 - 4096) await new Promise((resolve) => setTimeout(resolve, 5));
  const before = client.getSnapshot();
  assert.ok(publishes <= 2, `${publishes} publishes for the first half: the response start and the first chunk`);
  assert.ok(before.progress.bytes < bigDocument.length / 2, 'later chunks wait for the interval');
  // 100 ms later (virtual) the flush publishes everything received meanwhile, rows included.
  clock.advance(100);
  const flushed = client.getSnapshot();
  assert.notEqual(flushed, before);
  assert.ok(flushed.progress.bytes >= bigDocument.length / 2 - 4096, `${flushed.progress.bytes} bytes after the flush`);
  assert.ok(flushed.steps.count > before.steps.count);
  assert.equal(flushed.steps.streaming, true);
  resolveGate();
  const done = await waitFor(client, clock, (s) => finalSteps(s) && !s.isFetching);
  unsubscribe();
  assert.equal(done.steps.count, 301);
  assert.equal(done.steps.complete, true);
  held = null;
  client.dispose();
});

// A steps body that arrives as one read of ~3.4 MB (what Chromium hands a page from a fast server).
const oneReadSteps = Array.from({ length: 600 }, (_, i) => ({
  step_number: i + 1,
  step_name: `Step ${i + 1}`,
  cost_usd: '0.01',
  output: `<p>${'one big read, café 日本語 '.repeat(190)}</p>`,
}));
const oneReadDocument = new TextEncoder().encode(JSON.stringify({ execution_steps: oneReadSteps }));

// The steps URL answered by a body stream holding the whole document, never closing by itself
// unless `close`; `cancelled` tells whether the client cancelled the body. A 'default' stream holds
// it as one chunk (one read of ~3.4 MB, as Chromium's default reader hands a page from a fast
// server); a 'bytes' stream (what fetch bodies are) holds it queued, so every BYOB read of the
// client's resolves at once.
function oneReadFetch({ close, kind }) {
  const body = { cancelled: false };
  const wrapped = async (input, init) => {
    if (String(input).includes('/jobs/')) return fetch(input, init);
    const stream = new ReadableStream({
      type: kind === 'bytes' ? 'bytes' : undefined,
      start(controller) {
        controller.enqueue(oneReadDocument.slice());
        if (close) controller.close();
      },
      cancel() {
        body.cancelled = true;
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(oneReadDocument.length) } });
  };
  return { body, fetch: wrapped };
}

// The client's feed slice (wasm/src/feed_slices.ts): no task feeds more than this.
const FEED_SLICE = 256 * 1024;

for (const kind of ['default', 'bytes']) {
  test(`several MB available at once are fed in 256 KiB slices, the event loop running between them (${kind} stream)`, async () => {
    const { fetch: sliced } = oneReadFetch({ close: true, kind });
    const { client, clock } = makeClient({ fetch: sliced, progressIntervalMs: 0 });
    const fed = [];
    let macrotasks = 0;
    let tick = true;
    const unsubscribe = client.subscribe(() => {
      const bytes = client.getSnapshot().progress?.bytes;
      if (bytes !== undefined && bytes !== fed.at(-1)) fed.push(bytes);
      if (tick) {
        tick = false;
        setImmediate(() => {
          macrotasks += 1;
          tick = true;
        });
      }
    });
    client.load(`one-read-${kind}`);
    const done = await waitFor(client, clock, (s) => finalSteps(s) && !s.isFetching);
    unsubscribe();
    assert.equal(done.steps.source, 's3');
    assert.equal(done.steps.count, 600);
    assert.equal(done.steps.totalCostUsd, '6');
    const slices = Math.ceil(oneReadDocument.length / FEED_SLICE);
    const expected = Array.from({ length: slices - 1 }, (_, n) => (n + 1) * FEED_SLICE);
    assert.deepEqual(fed.filter((bytes) => bytes > 0 && bytes < oneReadDocument.length), expected);
    assert.ok(macrotasks >= slices - 1, `${macrotasks} macrotasks ran while the available bytes were fed`);
    client.dispose();
  });

  test(`a request cancelled between slices feeds no more and cancels its body (${kind} stream)`, async () => {
    const { body, fetch: sliced } = oneReadFetch({ close: false, kind });
    const { client, clock } = makeClient({ fetch: sliced, progressIntervalMs: 0 });
    let largest = 0;
    let switched = false;
    const unsubscribe = client.subscribe(() => {
      const snapshot = client.getSnapshot();
      if (snapshot.jobId === `one-read-cancelled-${kind}`) largest = Math.max(largest, snapshot.progress?.bytes ?? 0);
      if (!switched && largest > 0) {
        switched = true;
        client.load('no-s3');  // the session cancels the steps request after its first slice
      }
    });
    client.load(`one-read-cancelled-${kind}`);
    await waitFor(client, clock, (s) => s.jobId === 'no-s3' && s.status === 'ready' && !s.isFetching);
    for (let waited = 0; !body.cancelled && waited < 5000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    unsubscribe();
    assert.equal(body.cancelled, true, 'the body of the cancelled request was cancelled');
    assert.equal(largest, FEED_SLICE, 'only the first slice was fed');
    client.dispose();
  });
}

test("a byte-stream body is read into the client's own 256 KiB buffer: the source never allocates one", async () => {
  // A source that writes only into the reader's buffer, as Chromium's fetch body does for a BYOB
  // read, in pieces of 100,000 bytes (less than the buffer: each read takes what arrived).
  const views = [];
  let at = 0;
  const byteSource = async (input, init) => {
    if (String(input).includes('/jobs/')) return fetch(input, init);
    const stream = new ReadableStream({
      type: 'bytes',
      pull(controller) {
        const request = controller.byobRequest;
        views.push(request === null ? null : { offset: request.view.byteOffset, length: request.view.byteLength });
        if (request === null) {
          controller.error(new TypeError('a default read of a byte stream without autoAllocateChunkSize'));
          return;
        }
        const n = Math.min(100000, request.view.byteLength, oneReadDocument.length - at);
        new Uint8Array(request.view.buffer, request.view.byteOffset, n).set(oneReadDocument.subarray(at, at + n));
        at += n;
        request.respond(n);
        if (at === oneReadDocument.length) controller.close();
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(oneReadDocument.length) } });
  };
  const { client, clock } = makeClient({ fetch: byteSource, progressIntervalMs: 0 });
  client.load('byob-source');
  const done = await waitFor(client, clock, (s) => finalSteps(s) && !s.isFetching);
  assert.equal(done.steps.count, 600);
  assert.equal(done.steps.totalCostUsd, '6');
  assert.equal(views.length, Math.ceil(oneReadDocument.length / 100000));
  assert.deepEqual(new Set(views.map((view) => JSON.stringify(view))), new Set([JSON.stringify({ offset: 0, length: FEED_SLICE })]));
  client.dispose();
});

test('a chunk that restarts the list with fewer steps is published at once, between intervals', async () => {
  // A document whose second `execution_steps` replaces the first (JSON.parse keeps the last).
  const first = `{"execution_steps":[${Array.from({ length: 20 }, (_, i) => `{"step_number":${i + 1},"cost_usd":"0.01"}`).join(',')}],`;
  const second = '"execution_steps":[{"step_number":1,"cost_usd":"0.5"}';
  let controller;
  const stream = new ReadableStream({ start: (c) => void (controller = c) });
  const restarting = async (input, init) => {
    if (String(input).includes('/jobs/')) return fetch(input, init);
    return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  // progressIntervalMs: 100 (default); virtual time stands still, so only the first chunk and a
  // shrinking one can be published before the end.
  const { client, clock } = makeClient({ fetch: restarting });
  client.load('restart-shrinks');
  controller.enqueue(new TextEncoder().encode(first));
  const grown = await waitFor(client, clock, (s) => s.steps?.streaming === true && s.steps.count >= 20);
  controller.enqueue(new TextEncoder().encode(second));
  let shrunk = null;
  for (let waited = 0; shrunk === null && waited < 5000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (client.getSnapshot().steps.count < grown.steps.count) shrunk = client.getSnapshot();
  }
  assert.notEqual(shrunk, null, 'the shorter list was published without waiting for the interval');
  controller.enqueue(new TextEncoder().encode(']}'));
  controller.close();
  const done = await waitFor(client, clock, (s) => finalSteps(s) && !s.isFetching);
  // The S3 list is the last `execution_steps` (one step), merged with the job's DynamoDB steps.
  assert.equal(done.steps.source, 's3');
  assert.equal(done.steps.complete, true);
  assert.equal(done.steps.count, shrunk.steps.count);
  assert.ok(done.steps.count < grown.steps.count);
  client.dispose();
});
