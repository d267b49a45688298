// A WebAssembly trap (abort, unreachable, out of memory) inside the module: the client drops that
// instance, rebuilds its session in a fresh one, and shows the job's own steps with the typed
// reason internal_error; later loads and other clients keep working. The trap is injected by a
// wrapper around the real module whose calls throw WebAssembly.RuntimeError on demand.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { bindApi } from '../dist/api.js';
import createJobDetailModule from '../dist/job_detail_wasm.mjs';
import { startFakeApi, virtualClientOptions, virtualClock, waitFor } from './support/fake_api.mjs';

const wasmBinary = await readFile(new URL('../dist/job_detail_wasm.wasm', import.meta.url));
// Session method -> job ids whose session traps there.
const traps = { onStepsChunkTransfer: new Set(), onJobResponseTransfer: new Set() };
let instances = 0;
// The latest instantiation, for a test to wait on the replacement without sleeping.
let lastInstance = null;

// The session's free functions (sessionStart(handle, ...), ...; bindings/handle_table.h) with the
// trapping ones wrapped: each session's job id is tracked by its handle.
function trappingSession(raw) {
  const jobIds = new Map();
  const wrapped = {
    sessionNew(config) {
      const handle = raw.sessionNew(config);
      jobIds.set(handle, null);
      return handle;
    },
    sessionStart(handle, id, now) {
      jobIds.set(handle, id);
      return raw.sessionStart(handle, id, now);
    },
  };
  for (const method of Object.keys(traps)) {
    const name = `session${method[0].toUpperCase()}${method.slice(1)}`;
    wrapped[name] = (handle, ...args) => {
      if (traps[method].has(jobIds.get(handle))) throw new WebAssembly.RuntimeError('unreachable executed');
      return raw[name](handle, ...args);
    };
  }
  return wrapped;
}

function instantiate() {
  instances += 1;
  lastInstance = makeInstance();
  return lastInstance;
}

async function makeInstance() {
  const raw = await createJobDetailModule({ wasmBinary });
  const session = trappingSession(raw);
  return new Proxy(raw, {
    get(target, prop) {
      if (Object.hasOwn(session, prop)) return session[prop];
      const value = target[prop];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let api;
before(async () => {
  api = await startFakeApi({});
});
after(() => api.close());

const ready = (s) => s.status === 'ready' && !s.isFetching;

test('a trap while indexing the S3 list falls back to the DynamoDB rows; the next load and other clients use a fresh instance', async () => {
  instances = 0;
  const jd = bindApi(await instantiate(), instantiate);
  const clock = virtualClock();
  const other = jd.createJobDetailClient(virtualClientOptions(api, clock));
  other.load('other');
  await waitFor(other, clock, (s) => ready(s) && s.steps?.source === 's3');

  const client = jd.createJobDetailClient(virtualClientOptions(api, clock));
  traps.onStepsChunkTransfer.add('boom');
  client.load('boom');
  const fallback = await waitFor(client, clock, (s) => s.status === 'ready' && s.steps !== null && s.steps.reason !== null);
  assert.equal(fallback.steps.source, 'dynamodb_fallback');
  assert.equal(fallback.steps.reason, 'internal_error');
  assert.equal(fallback.steps.complete, false);
  assert.equal(fallback.steps.count, 2);
  assert.equal(fallback.isFetching, false);
  assert.equal(client.summary(1).origin, 'dynamodb');
  assert.equal(client.summary(1).name, 'Step 2');
  assert.equal(client.step(0).step_number, 1);
  assert.equal(fallback.job.id, 'boom');
  assert.equal(instances, 2);
  assert.equal(api.requests('job', 'boom'), 1, 'the job shown is replayed, not fetched again');

  // The same client, another job: the fresh instance indexes it.
  client.load('after');
  const next = await waitFor(client, clock, (s) => s.jobId === 'after' && ready(s) && s.steps?.source === 's3');
  assert.equal(next.steps.count, 5);
  assert.equal(client.summary(4).name, 'Step 5');

  // The other client's session lived in the dropped instance: it moves on its next input.
  other.refetch();
  const moved = await waitFor(other, clock, (s) => ready(s) && s.steps?.source === 's3' && s.steps.complete);
  assert.equal(moved.steps.count, 5);
  assert.equal(other.summary(2).name, 'Step 3');

  // Stateless calls and new clients use the fresh instance too; no third one was made.
  assert.equal(jd.formatCost('0.5'), '$0.50');
  const third = jd.createJobDetailClient(virtualClientOptions(api, clock));
  third.load('third');
  await waitFor(third, clock, (s) => ready(s) && s.steps?.source === 's3');
  assert.equal(instances, 2);
  for (const c of [client, other, third]) c.dispose();
});

test('a trap on the job answer itself is the internal_error error, and refetch loads the job again', async () => {
  instances = 0;
  const jd = bindApi(await instantiate(), instantiate);
  const clock = virtualClock();
  const client = jd.createJobDetailClient(virtualClientOptions(api, clock));
  traps.onJobResponseTransfer.add('bad-job');
  client.load('bad-job');
  const failed = await waitFor(client, clock, (s) => s.status === 'error');
  assert.equal(failed.error.code, 'internal_error');
  assert.equal(failed.isPending, false);
  assert.equal(failed.isFetching, false);
  assert.equal(instances, 2);

  traps.onJobResponseTransfer.delete('bad-job');
  client.refetch();
  const loaded = await waitFor(client, clock, (s) => ready(s) && s.steps?.source === 's3');
  assert.equal(loaded.steps.count, 5);
  client.dispose();
});

test('a trap in a stateless call is a typed error and the next call runs in a fresh instance', async () => {
  instances = 0;
  const first = await instantiate();
  let trapOnce = true;
  const flaky = new Proxy(first, {
    get(target, prop) {
      if (prop === 'formatCostJson' && trapOnce) {
        return () => {
          trapOnce = false;
          throw new WebAssembly.RuntimeError('memory access out of bounds');
        };
      }
      return target[prop];
    },
  });
  const jd = bindApi(flaky, instantiate);
  assert.throws(() => jd.formatCost(1), (error) => error.code === 'internal_error');
  assert.equal(instances, 2);
  await lastInstance;
  await Promise.resolve();  // the slot takes the instance in the same promise chain
  assert.equal(jd.formatCost(1234.5), '$1,234.50');
  assert.equal(instances, 2);
});
