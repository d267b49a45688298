// The step explorer through the client: queries, sliced search over real HTTP, and the decoded-text
// semantics checked against JSON.parse + a case-insensitive includes over the same strings.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createJobDetailStore, loadJobDetail } from '@jobdash/job-detail';

import { startFakeApi, steps, stepsDocument, virtualClock, virtualClientOptions, waitFor } from './support/fake_api.mjs';

const jd = await loadJobDetail();

// 300 steps of ~40 KB: 12 MB, so a search takes several slices of the client's budget.
const MODELS = ['gpt-4o', 'claude-3-5-sonnet', 'gemini-1.5-pro'];
const bigSteps = Array.from({ length: 300 }, (_, i) => ({
  step_number: i + 1,
  step_name: i % 50 === 7 ? 'Say "Hi" to the café' : `step ${i + 1}`,
  status: i % 10 === 3 ? 'failed' : 'completed',
  model: MODELS[i % 3],
  cost_usd: i % 17 === 0 ? 'n/a' : `0.${String(i).padStart(3, '0')}`,
  started_at: new Date(Date.UTC(2026, 10, 29, 14, 0, i)).toISOString(),
  duration_ms: 500 + i,
  output: `<html><body><p>${'lorem ipsum dolor '.repeat(2200)}</p>${i === 123 ? '<p>needle\u2028naïve \u{1F600} quote "x"</p>' : ''}</body></html>`,
}));
const bigDocument = Buffer.from(JSON.stringify({ execution_steps: bigSteps }));

let api;
before(async () => {
  api = await startFakeApi({
    big: {
      steps: (n, req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': bigDocument.length }).end(bigDocument);
        return true;
      },
    },
  });
});
after(() => api.close());

async function loaded(id, options = {}, clock = virtualClock()) {
  const client = jd.createJobDetailClient({ ...virtualClientOptions(api, clock), ...options });
  client.load(id);
  await waitFor(client, clock, (s) => s.status === 'ready' && s.steps?.complete === true && !s.isFetching, 20000);
  return { client, clock };
}

// What a user of JSON.parse would compute: decoded strings of the searched members, ASCII case folded.
function foldAscii(text) {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
function expectedRows(list, text) {
  const needle = foldAscii(text);
  const rows = [];
  list.forEach((step, i) => {
    const fields = [step.step_name, step.name, step.model, step.input, step.output].filter((v) => typeof v === 'string');
    if (fields.some((value) => foldAscii(value).includes(needle))) rows.push(i);
  });
  return rows;
}

test('no query: explorer is null; a query without text shows every row with exact totals', async () => {
  const { client } = await loaded('ok');
  assert.equal(client.getSnapshot().explorer, null);
  client.setQuery({});
  const view = client.getSnapshot().explorer;
  assert.deepEqual(view.rows, [0, 1, 2, 3, 4]);
  assert.equal(view.searching, false);
  assert.equal(view.totals.costUsd, '1.5');
  assert.deepEqual(view.query, { text: '', status: [], model: [], origin: [], costKind: [], sort: 'step', direction: 'asc' });
  client.setQuery({ sort: 'cost', direction: 'desc' });
  assert.deepEqual(client.getSnapshot().explorer.rows, [4, 3, 2, 1, 0]);
  client.setQuery(null);
  assert.equal(client.getSnapshot().explorer, null);
  client.dispose();
});

test('a bad query is a typed invalid_argument and changes nothing', async () => {
  const { client } = await loaded('ok');
  client.setQuery({ text: 'x' });
  const before = client.getSnapshot();
  for (const bad of [{ sort: 'price' }, { direction: 'up' }, { origin: ['s4'] }, { costKind: ['free'] }, { status: 'failed' }, { text: 3 }]) {
    assert.throws(() => client.setQuery(bad), { code: 'invalid_argument' }, JSON.stringify(bad));
  }
  assert.equal(client.getSnapshot(), before);
  client.dispose();
});

test('the search finds decoded text, with snippets and output offsets as JS strings count them', async () => {
  const { client } = await loaded('ok');
  client.setQuery({ text: 'NAÏVE café' });  // Ï is not ASCII: exact, so nothing matches
  assert.deepEqual(client.getSnapshot().explorer.rows, []);
  client.setQuery({ text: 'NAïVE café' });
  assert.deepEqual(client.getSnapshot().explorer.rows, [0, 1, 2, 3, 4]);
  const match = client.match(2);
  assert.equal(match.field, 'output');
  assert.equal(match.count, 1);
  assert.equal(match.snippet.slice(match.matchStart, match.matchEnd), 'naïve café');
  assert.equal(client.match(2), match, 'matches are cached until the snapshot changes');
  const output = steps[2].output;
  assert.deepEqual(client.outputMatches(2), [output.indexOf('naïve café')]);
  client.setQuery({ text: '' });
  assert.equal(client.match(2), null);
  assert.deepEqual(client.outputMatches(2), []);
  client.dispose();
});

test('searching a 12 MB list runs in slices between tasks and agrees with JSON.parse + includes', async () => {
  // progressIntervalMs 0: every slice's view is published, so the slicing shows.
  const { client, clock } = await loaded('big', { progressIntervalMs: 0 });
  const views = [];
  const unsubscribe = client.subscribe(() => views.push(client.getSnapshot().explorer));
  for (const text of ['needle\u2028NAÏVE', 'needle\u2028naïve 😀 QUOTE "x"', 'say "hi"', 'LOREM', 'ipsum  dolor', '"x"</p>']) {
    views.length = 0;
    client.setQuery({ text });
    const done = await waitFor(client, clock, (s) => s.explorer?.searching === false, 20000);
    assert.deepEqual(done.explorer.rows, expectedRows(bigSteps, text), text);
    if (text === 'LOREM') assert.ok(views.filter((v) => v?.searching).length >= 2, `sliced: ${views.length} views`);
  }
  unsubscribe();
  // The raw bytes hold `\"x\"`: a byte search for the decoded text would miss step 123.
  assert.equal(bigDocument.includes('quote "x"'), false);
  client.setQuery({ text: 'quote "x"', status: ['failed'] });
  const view = (await waitFor(client, clock, (s) => s.explorer?.searching === false, 20000)).explorer;
  assert.deepEqual(view.rows, [123]);
  assert.deepEqual(client.outputMatches(123), [bigSteps[123].output.indexOf('quote "x"')]);
  client.dispose();
});

test('a sliced search publishes its views at most every progressIntervalMs, and its final view at once', async () => {
  // Time as the client reads it: the virtual clock, plus 150 ms per reading once `moving` is set.
  let moving = false;
  let moved = 0;
  const clock = virtualClock();
  const now = () => clock.now() + (moving ? (moved += 150) : moved);
  const { client } = await loaded('big', { progressIntervalMs: 100, now }, clock);
  const views = [];
  const unsubscribe = client.subscribe(() => views.push(client.getSnapshot().explorer));
  // The virtual clock stands still while the slices run: only the first view is within the interval.
  client.setQuery({ text: 'LOREM' });
  const done = await waitFor(client, clock, (s) => s.explorer?.searching === false, 20000);
  assert.deepEqual(done.explorer.rows, expectedRows(bigSteps, 'LOREM'));
  assert.deepEqual(views.map((v) => v.searching), [true, false]);
  // Time moving on between slices lets a progress view through.
  views.length = 0;
  moving = true;
  client.setQuery({ text: 'ipsum' });
  await waitFor(client, clock, (s) => s.explorer?.searching === false, 20000);
  moving = false;
  assert.ok(views.filter((v) => v.searching).length >= 2, `progress views: ${JSON.stringify(views.map((v) => v.searching))}`);
  unsubscribe();
  client.dispose();
});

test('facets, sort, breakdown and timeline on the big list', async () => {
  const { client } = await loaded('big');
  client.setQuery({ status: ['failed'], model: ['gpt-4o'], sort: 'duration', direction: 'desc' });
  const view = client.getSnapshot().explorer;
  const expected = bigSteps
    .map((step, i) => ({ step, i }))
    .filter(({ step }) => step.status === 'failed' && step.model === 'gpt-4o')
    .map(({ i }) => i)
    .reverse();
  assert.deepEqual(view.rows, expected);
  assert.equal(view.facets.status.find((f) => f.value === 'completed').count, 90);
  assert.equal(view.breakdown.byModel.length, 1);
  assert.equal(view.breakdown.byModel[0].share, 1);
  const timeline = client.timeline();
  assert.ok(timeline.startMs instanceof Float64Array);
  assert.equal(timeline.startMs.length, 300);
  assert.equal(timeline.originMs, Date.UTC(2026, 10, 29, 14, 0, 0));
  assert.equal(timeline.startMs[299], 299_000);
  assert.equal(timeline.endMs[299], 299_000 + 799);
  client.dispose();
});

test('stepsDocument() is the downloaded document, byte for byte, with no request', async () => {
  const { client } = await loaded('ok');
  const before = api.requests('steps', 'ok');
  assert.deepEqual(Buffer.from(client.stepsDocument()), stepsDocument);
  assert.equal(api.requests('steps', 'ok'), before);
  client.dispose();
});

test('the store keeps the query across client creation and exposes the explorer', async () => {
  const clock = virtualClock();
  const store = createJobDetailStore({ ...virtualClientOptions(api, clock), jobDetail: jd });
  store.setQuery({ text: 'step 4' });
  store.setJobId('ok');
  await store.attach();
  await new Promise((resolve) => {
    const check = () => {
      clock.advance(0);
      if (store.getResult().explorer?.searching === false && store.getResult().steps?.complete) resolve();
      else setTimeout(check, 2);
    };
    check();
  });
  assert.deepEqual(store.getResult().explorer.rows, [3]);
  store.detach();
});
