// JobDetailClient options: setOptions() on a live client, the no-polling option, the default
// limits on the steps document, and the framework-free store from the main entry.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createJobDetailStore, JobDetailStore, loadJobDetail } from '@jobdash/job-detail';

import { startFakeApi, virtualClientOptions, virtualClock, waitFor } from './support/fake_api.mjs';

const jd = await loadJobDetail();
let api;

// 100,001 empty steps: a small document (300 KB) past the default step cap.
const tinySteps = Buffer.from(`[${Array.from({ length: 100_001 }, () => '{}').join(',')}]`);

before(async () => {
  api = await startFakeApi({
    'running-*': { job: () => ({ status: 'running' }) },
    'tiny-*': {
      steps: (n, req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': tinySteps.length });
        res.end(tinySteps);
        return true;
      },
    },
  });
});
after(() => api.close());

const settled = (s) => s.status === 'ready' && !s.isFetching;

test('setOptions changes the poll interval of a live client: same job, same rows, no new request', async () => {
  const clock = virtualClock();
  const options = { ...virtualClientOptions(api, clock), pollIntervalMs: 60_000 };
  const client = jd.createJobDetailClient(options);
  client.load('running-a');
  const shown = await waitFor(client, clock, (s) => settled(s) && s.steps?.source === 's3');
  assert.deepEqual(clock.pendingTimers(), [60_000]);
  const row = client.summary(0);

  clock.advance(1_000);
  client.setOptions({ ...options, pollIntervalMs: 5_000 });
  assert.equal(client.getSnapshot(), shown, 'nothing shown changed');
  assert.equal(client.summary(0), row);
  assert.deepEqual(clock.pendingTimers(), [4_000], 'the poll keeps when it was armed');
  assert.equal(api.requests('job', 'running-a'), 1);
  clock.advance(4_000);
  await waitFor(client, clock, () => api.requests('job', 'running-a') === 2);

  // Setting the same options again changes nothing.
  client.setOptions({ ...options, pollIntervalMs: 5_000 });
  assert.throws(() => client.setOptions({ ...options, apiBaseUrl: 'https://elsewhere.example' }), (e) => e.code === 'invalid_argument');
  assert.throws(() => client.setOptions({ ...options, pollIntervalMs: -1 }), (e) => e.code === 'invalid_argument');
  client.dispose();
});

test('pollIntervalMs: false polls a running job never, and setOptions can turn polling on and off', async () => {
  const clock = virtualClock();
  const options = { ...virtualClientOptions(api, clock), pollIntervalMs: false };
  const client = jd.createJobDetailClient(options);
  client.load('running-b');
  const shown = await waitFor(client, clock, (s) => settled(s) && s.steps?.source === 's3');
  assert.equal(shown.jobInfo.terminal, false);
  assert.deepEqual(clock.pendingTimers(), []);
  clock.advance(3_600_000);
  assert.equal(api.requests('job', 'running-b'), 1);

  client.setOptions({ ...options, pollIntervalMs: 2_000 });
  assert.deepEqual(clock.pendingTimers(), [2_000]);
  client.setOptions(options);
  assert.deepEqual(clock.pendingTimers(), []);
  client.dispose();
});

test('default limits: a document past 100,000 steps is too_large and the job\'s own steps stay shown', async () => {
  const clock = virtualClock();
  const client = jd.createJobDetailClient(virtualClientOptions(api, clock));
  client.load('tiny-a');
  const capped = await waitFor(client, clock, (s) => settled(s) && s.steps?.reason !== null && s.steps !== null, 20_000);
  assert.equal(capped.steps.source, 'dynamodb_fallback');
  assert.equal(capped.steps.reason, 'too_large');
  assert.equal(capped.steps.count, 2);
  client.dispose();

  // Overridable: Infinity lifts the cap.
  const open = jd.createJobDetailClient({ ...virtualClientOptions(api, clock), maxSteps: Infinity });
  open.load('tiny-b');
  const all = await waitFor(open, clock, (s) => settled(s) && s.steps?.source === 's3' && s.steps.complete, 20_000);
  // The S3 steps have no numbers (keys by position), so the two DynamoDB steps are kept beside them.
  assert.equal(all.steps.count, 100_001 + 2);
  open.dispose();
});

test('the store from the main entry computes the whole result and passes option changes to the live client', async () => {
  const clock = virtualClock();
  const options = { ...virtualClientOptions(api, clock), pollIntervalMs: 60_000 };
  const store = createJobDetailStore(options);
  assert.ok(store instanceof JobDetailStore);
  const idle = store.getResult();
  assert.equal(store.getResult(), idle);
  assert.equal(idle.status, 'pending');
  assert.equal(store.getServerResult().status, 'pending');
  store.setJobId('running-c');
  await store.attach();
  await waitFor({ subscribe: store.subscribe, getSnapshot: store.getSnapshot }, clock, (s) => settled(s) && s.steps?.source === 's3');
  const result = store.getResult();
  assert.equal(store.getResult(), result, 'the same object until the snapshot changes');
  assert.equal(result.status, 'success');
  assert.equal(result.data.id, 'running-c');
  assert.equal(result.steps.count, 5);
  assert.equal(result.summary(0).name, 'Step 1');

  // Another interval: the same client (no request, the rows stay); the poll follows.
  store.setOptions({ ...options, pollIntervalMs: false });
  assert.equal(store.getResult(), result);
  assert.deepEqual(clock.pendingTimers(), []);
  assert.equal(api.requests('job', 'running-c'), 1);
  // Disabled: the client goes, the result is idle; enabled again: loaded anew.
  store.setOptions({ ...options, enabled: false });
  assert.equal(store.getResult().status, 'pending');
  store.setOptions(options);
  await waitFor({ subscribe: store.subscribe, getSnapshot: store.getSnapshot }, clock, (s) => settled(s) && s.steps?.source === 's3');
  assert.equal(api.requests('job', 'running-c'), 2);
  store.detach();
});
