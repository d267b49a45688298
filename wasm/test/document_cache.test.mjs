// The document cache across jobs, through createJobDetailClient against the loopback fake API/S3:
// a second visit shows every row at once and sends one conditional GET (304), a 200 replaces the
// document, two clients share one index and dispose in any order, and the cache stays within its
// budget over many job switches.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

import { startFakeApi, virtualClientOptions, virtualClock, waitFor } from './support/fake_api.mjs';

const jd = await loadJobDetail();
let api;
const answers = [];  // [id, status] of every S3 answer, in order

// `steps` steps of about `stepBytes` each, deterministic per id.
function documentOf(id, steps, stepBytes) {
  const filler = id.repeat(Math.ceil(stepBytes / id.length)).slice(0, stepBytes);
  return Buffer.from(JSON.stringify({
    execution_steps: Array.from({ length: steps }, (_, i) => ({
      step_number: i + 1, step_name: `${id} ${i + 1}`, cost_usd: '0.01', output: filler,
    })),
  }));
}

const documents = new Map();
function documentFor(id, version) {
  const key = `${id}@${version}`;
  if (!documents.has(key)) {
    const [prefix, n] = id.split('-');
    // doc-*: 40 small steps; mb-<i>: 1 MB-ish documents; ver-*: 10 steps, then 25 from version 2.
    const shape = prefix === 'mb' ? [2000 + 100 * Number(n), 500] : prefix === 'ver' ? [version === 1 ? 10 : 25, 50] : [40, 100];
    documents.set(key, documentOf(id, ...shape));
  }
  return documents.get(key);
}

// An S3 object per job id with an ETag, answering If-None-Match as S3 does. `ver-*` objects are
// rewritten after their first request.
function s3(n, req, res) {
  const id = decodeURIComponent(/\/bucket\/steps\/([^/?]+)\.json/.exec(req.url)[1]);
  const version = id.startsWith('ver-') && n > 1 ? 2 : 1;
  const etag = `"${id}-v${version}"`;
  if (req.headers['if-none-match'] === etag) {
    answers.push([id, 304]);
    res.writeHead(304, { etag }).end();
    return true;
  }
  const body = documentFor(id, version);
  answers.push([id, 200]);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, etag });
  res.end(body);
  return true;
}

before(async () => {
  api = await startFakeApi({ 'doc-*': { steps: s3 }, 'ver-*': { steps: s3 }, 'mb-*': { steps: s3 } });
});
after(() => api.close());

const settled = (s) => s.status === 'ready' && !s.isFetching;
const stepsRequests = (id) => api.log.filter((e) => e.role === 'steps' && e.id === id);
const answersFor = (id) => answers.filter(([answered]) => answered === id).map(([, status]) => status);

function newClient(extra = {}) {
  const clock = virtualClock();
  const metrics = [];
  const client = jd.createJobDetailClient({ ...virtualClientOptions(api, clock), onMetric: (m) => metrics.push(m), ...extra });
  return { client, clock, metrics };
}

async function open(view, id) {
  view.client.load(id);
  return waitFor(view.client, view.clock, (s) => settled(s) && s.job?.id === id && s.steps?.source === 's3');
}

test('a second visit shows every row from the cache at once, then one conditional GET answered 304 keeps them', async () => {
  const view = newClient();
  const first = await open(view, 'doc-a');
  assert.equal(first.steps.count, 40);
  assert.equal(first.steps.fromCache, false);
  await open(view, 'doc-b');

  view.client.load('doc-a');
  // The job's answer is enough: the rows are there while the revalidation is on its way.
  const atOnce = await waitFor(view.client, view.clock, (s) => s.job?.id === 'doc-a' && s.status === 'ready');
  assert.equal(atOnce.steps.source, 's3');
  assert.equal(atOnce.steps.complete, true);
  assert.equal(atOnce.steps.count, 40);
  assert.equal(atOnce.steps.fromCache, true);
  assert.equal(view.client.summary(39).stepNumber, '40');

  const again = await waitFor(view.client, view.clock, settled);
  assert.equal(again.steps.count, 40);
  assert.equal(again.steps.fromCache, true);
  const requests = stepsRequests('doc-a');
  assert.equal(requests.length, 2);
  assert.equal(requests[0].headers['if-none-match'], undefined);
  assert.equal(requests[1].headers['if-none-match'], '"doc-a-v1"');
  assert.notEqual(requests[1].query, requests[0].query, 'the revalidation uses the fresh presigned URL');
  assert.deepEqual(answersFor('doc-a'), [200, 304]);
  assert.equal(view.client.step(39).output.length, 100);
  const ends = view.metrics.filter((m) => m.name === 'fetch_end' && m.fields.target === 'steps');
  assert.deepEqual(ends.map((m) => m.fields.cache), ['none', 'none', 'revalidated']);
  const hit = view.metrics.find((m) => m.name === 'cache_hit');
  assert.equal(hit.fields.count, 40);
  assert.ok(!String(hit.fields.url).includes('Signature=sig'), 'the metric URL is redacted');
  view.client.dispose();
});

test('a 200 with another ETag replaces the cached index and the cache entry', async () => {
  const view = newClient();
  assert.equal((await open(view, 'ver-1')).steps.count, 10);
  await open(view, 'doc-c');
  view.client.load('ver-1');
  const atOnce = await waitFor(view.client, view.clock, (s) => s.job?.id === 'ver-1' && s.status === 'ready');
  assert.equal(atOnce.steps.count, 10);
  assert.equal(atOnce.steps.fromCache, true);
  const replaced = await waitFor(view.client, view.clock, settled);
  assert.equal(replaced.steps.count, 25);
  assert.equal(replaced.steps.fromCache, false);
  assert.deepEqual(answersFor('ver-1'), [200, 200]);
  const last = view.metrics.filter((m) => m.name === 'fetch_end' && m.fields.target === 'steps').at(-1);
  assert.equal(last.fields.cache, 'replaced');

  // The cache now holds the new document: a third visit revalidates against its ETag.
  await open(view, 'doc-c');
  view.client.load('ver-1');
  assert.equal((await waitFor(view.client, view.clock, (s) => settled(s) && s.job?.id === 'ver-1')).steps.count, 25);
  assert.equal(stepsRequests('ver-1').at(-1).headers['if-none-match'], '"ver-1-v2"');
  assert.deepEqual(answersFor('ver-1'), [200, 200, 304]);
  view.client.dispose();
});

for (const order of [['first', 'second'], ['second', 'first']]) {
  test(`two clients showing one job share the document; dispose ${order.join(' then ')} is safe`, async () => {
    const id = `doc-shared-${order[0]}`;
    const views = { first: newClient(), second: newClient() };
    await open(views.first, id);
    views.second.client.load(id);
    const shared = await waitFor(views.second.client, views.second.clock, (s) => s.status === 'ready' && s.job?.id === id);
    assert.equal(shared.steps.fromCache, true);
    await waitFor(views.second.client, views.second.clock, settled);
    assert.deepEqual(answersFor(id), [200, 304]);
    const before = jd.documentCache();
    views[order[0]].client.dispose();
    const remaining = views[order[1]].client;
    assert.equal(remaining.summary(39).stepNumber, '40');
    assert.equal(remaining.step(0).step_name, `${id} 1`);
    remaining.dispose();
    assert.deepEqual(jd.documentCache(), before, 'disposing clients leaves the cache as it was');
    // A third client still finds the document.
    const third = newClient();
    third.client.load(id);
    assert.equal((await waitFor(third.client, third.clock, (s) => s.status === 'ready' && s.job?.id === id)).steps.fromCache, true);
    third.client.dispose();
  });
}

test('documentCacheBytes: 0 keeps a client out of the cache; a bad value is invalid_argument', async () => {
  const view = newClient({ documentCacheBytes: 0 });
  await open(view, 'doc-a');
  assert.equal(view.client.getSnapshot().steps.fromCache, false);
  assert.equal(stepsRequests('doc-a').at(-1).headers['if-none-match'], undefined);
  view.client.dispose();
  assert.throws(() => newClient({ documentCacheBytes: -1 }), (e) => e.code === 'invalid_argument');
});

test('over 50 job switches among more documents than fit, the cache stays within its budget', async () => {
  const budget = 4 * 1024 * 1024;
  const view = newClient({ documentCacheBytes: budget });
  const ids = Array.from({ length: 8 }, (_, i) => `mb-${i}`);  // ~1.1-1.5 MB each, 8 of them
  // A fixed walk: every third switch goes back to the job before last (a cache hit); the others
  // cycle through all eight documents (evictions).
  const walk = [];
  for (let i = 0, next = 0; i < 50; i += 1) walk.push(i % 3 === 2 ? walk[i - 2] : ids[next++ % ids.length]);
  let maxCache = 0;
  let hits = 0;
  let memoryAfterFirst = 0;
  for (const [i, id] of walk.entries()) {
    const shown = await open(view, id);
    assert.ok(shown.steps.count >= 2000);
    const stats = jd.documentCache();
    assert.equal(stats.budgetBytes, budget);
    assert.ok(stats.bytes <= budget, `cache holds ${stats.bytes} bytes over a budget of ${budget}`);
    maxCache = Math.max(maxCache, stats.bytes);
    if (i === 0) memoryAfterFirst = jd.memoryBytes();
  }
  const memory = jd.memoryBytes();
  hits = view.metrics.filter((m) => m.name === 'cache_hit').length;
  const revalidated = view.metrics.filter((m) => m.fields.cache === 'revalidated').length;
  assert.equal(revalidated, hits, 'every hit was revalidated with a 304');
  console.log(`document cache over 50 switches among 8 documents (~${(documentFor('mb-7', 1).length / 1e6).toFixed(2)} MB max each): ` +
    `max ${maxCache} bytes of a ${budget}-byte budget, ${hits} hits revalidated by a 304, ` +
    `wasm memory ${(memoryAfterFirst / 2 ** 20).toFixed(1)} MiB after the first, ${(memory / 2 ** 20).toFixed(1)} MiB at the end`);
  assert.ok(hits > 0, 'some switches were served from the cache');
  // The memory holds the cache, the document shown and the one downloading, never every document.
  assert.ok(memory - memoryAfterFirst <= budget + 4 * documentFor('mb-7', 1).length + 8 * 2 ** 20,
    `wasm memory grew from ${memoryAfterFirst} to ${memory}`);
  view.client.dispose();
});

test('the store keeps no cache of its own: a page navigated away and back finds the module cache', async () => {
  const { createJobDetailStore } = await import('@jobdash/job-detail');
  const clock = virtualClock();
  const options = { ...virtualClientOptions(api, clock), jobDetail: jd };
  const visit = async () => {
    // One store per page visit, as the hook makes one per mounted job page.
    const store = createJobDetailStore(options);
    store.setJobId('doc-nav');
    await store.attach();
    const ready = await waitFor(store, clock, (s) => s.status === 'ready' && s.steps?.source === 's3');
    const done = await waitFor(store, clock, settled);
    store.detach();
    return { ready, done };
  };
  const first = await visit();
  assert.equal(first.done.steps.fromCache, false);
  const second = await visit();
  assert.equal(second.ready.steps.fromCache, true);
  assert.equal(second.done.steps.count, 40);
  assert.deepEqual(answersFor('doc-nav'), [200, 304]);
});
