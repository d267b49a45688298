// createWorkerFetch under Node: no Web Workers here, so it says so with its typed error rather than
// returning a fetch that never answers. Its behaviour in a browser is tests/browser/worker-fetch.test.js.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { WorkerFetchUnavailableError, createWorkerFetch } from '@jobdash/job-detail';

test('createWorkerFetch throws WorkerFetchUnavailableError where there is no Worker', () => {
  assert.equal(typeof globalThis.Worker, 'undefined');
  assert.throws(() => createWorkerFetch(), (error) => {
    assert.ok(error instanceof WorkerFetchUnavailableError);
    assert.equal(error.name, 'WorkerFetchUnavailableError');
    assert.match(error.message, /Web Workers/);
    return true;
  });
});
