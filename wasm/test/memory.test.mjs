// 1,000 jobs loaded one after another in one client: the wasm memory stays bounded (each load
// releases the previous job's index), over real HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

import { startFakeApi, virtualClientOptions, virtualClock, waitFor } from './support/fake_api.mjs';

// Fresh module: its memory figure is this test's alone.
const jd = await loadJobDetail({ wasmBinary: await (await import('node:fs/promises')).readFile(new URL('../dist/job_detail_wasm.wasm', import.meta.url)) });
const bigSteps = Buffer.from(
  JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ step_number: i + 1, cost_usd: '0.01', output: `<p>${'é'.repeat(1000)}</p>` }))),
);
let api;
before(async () => {
  api = await startFakeApi({
    'mem-*': {
      steps: (n, req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': bigSteps.length }).end(bigSteps);
        return true;
      },
    },
  });
});
after(() => api.close());

test('1,000 jobs in one client keep wasm memory bounded', async () => {
  const clock = virtualClock();
  const client = jd.createJobDetailClient(virtualClientOptions(api, clock));
  const samples = [];
  for (let i = 1; i <= 1000; i++) {
    client.load(`mem-${i}`);
    const snapshot = await waitFor(client, clock, (s) => s.jobId === `mem-${i}` && s.steps?.source === 's3' && !s.isFetching);
    assert.equal(snapshot.steps.count, 100);
    assert.equal(snapshot.steps.totalCostUsd, '1');
    if (i % 100 === 0) samples.push(jd.memoryBytes());
  }
  client.dispose();
  // 1,000 documents of ~200 KB would need 200 MB if kept; memory must stop growing early.
  const last = samples.at(-1);
  assert.ok(last <= 32 * 1024 * 1024, `wasm memory ${last} bytes`);
  assert.equal(samples[4], last, `no growth over the last 500 jobs: ${samples.join(', ')}`);
  console.log(`wasm memory after each 100 jobs: ${samples.map((b) => (b / 1048576).toFixed(1)).join(', ')} MiB`);
});
