// The dashboard under the local backend's S3 fault switches (end-to-end chaos): for each
// fault the job page never goes blank, keeps the DynamoDB steps, says why in words, makes exactly
// the S3 requests the retry policy allows (final errors 1, retryable ones 3 attempts), and Retry
// brings the complete list once the fault is cleared. One stack for the whole file; the 40-step
// job `job-flaky-s3` (first 5 steps in DynamoDB, the full list in S3). Screenshots go to ARTIFACTS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, collectCspViolations, launchBrowser, startStack, waitSettled } from './stack.js';

const JOB = 'job-flaky-s3';
// The client's default retry policy: attempts per request, the first included.
const ATTEMPTS = 3;

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** CSP violations reported by any page (a fault must never show up as one: S3 is in connect-src). */
const cspViolations = /** @type {string[]} */ ([]);
/** S3 GETs seen per fault (and their statuses), printed at the end. */
const observed = {};
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {{dynamodb_steps: number, s3_object: boolean, summary: {count: number, total_cost_usd: string}}} */
let want;

before(async () => {
  stack = await startStack({ env: { JOBDASH_RUNNING_INTERVAL_MS: '0' } });
  let jobs;
  [browser, { jobs }] = await Promise.all([launchBrowser(), stack.admin('GET', '/__admin/expected')]);
  want = jobs[JOB];
  assert.equal(want.s3_object, true, `${JOB} has its list in S3`);
  assert.equal(want.dynamodb_steps, 5);
  assert.ok(want.summary.count > want.dynamodb_steps);
});

after(async () => {
  console.log(`# S3 GETs per fault: ${JSON.stringify(observed)}`);
  await browser?.close();
  const result = await stack?.stop();
  if (result) assert.ok(result.code === 130 || result.code === 0 || result.signal === 'SIGINT', `start.sh ended with ${JSON.stringify(result)}`);
});

/**
 * A page that watches itself from its first script: once the job's header showed, whether it ever
 * went away, and once DynamoDB's rows were listed, whether the count ever fell below them.
 */
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((dynamodbSteps) => {
    const watch = { headerSeen: false, headerLost: 0, rowsSeen: false, rowsLost: 0, counts: /** @type {number[]} */ ([]) };
    Object.defineProperty(window, '__chaosWatch', { value: watch });
    setInterval(() => {
      const title = document.querySelector('[data-testid=job-detail] header h1')?.textContent ?? '';
      if (title !== '') watch.headerSeen = true;
      else if (watch.headerSeen) watch.headerLost += 1;
      const count = Number(document.querySelector('[data-testid=step-list]')?.getAttribute('data-step-count') ?? 0);
      if (count >= dynamodbSteps) watch.rowsSeen = true;
      else if (watch.rowsSeen) watch.rowsLost += 1;
      if (watch.counts.at(-1) !== count) watch.counts.push(count);
    }, 20);
  }, want.dynamodb_steps);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  collectCspViolations(page, cspViolations);
  // The requests the page's code made for the object (what the client's retry policy governs).
  const s3Fetches = { count: 0 };
  page.on('request', (request) => {
    if (request.method() === 'GET' && request.url().includes(`/jobs/${JOB}/execution_steps.json`)) s3Fetches.count += 1;
  });
  return { context, page, errors, s3Fetches };
}

async function readFacts(page) {
  return page.evaluate(() => {
    const total = document.querySelector('[data-testid=job-total-cost]');
    const banner = document.querySelector('[data-testid=partial-banner]');
    return {
      title: document.querySelector('[data-testid=job-detail] header h1')?.textContent ?? '',
      status: document.querySelector('[data-testid=job-status]')?.textContent ?? null,
      count: Number(document.querySelector('[data-testid=job-step-count]')?.getAttribute('data-count')),
      listed: Number(document.querySelector('[data-testid=step-list]')?.getAttribute('data-step-count')),
      rowNumbers: [...document.querySelectorAll('[data-testid=step-row]')].map((row) => row.getAttribute('data-step-number')),
      totalUsd: total?.getAttribute('data-total-cost-usd') ?? null,
      banner: banner ? { reason: banner.getAttribute('data-reason'), text: banner.textContent ?? '' } : null,
      watch: /** @type {any} */ (window).__chaosWatch,
    };
  });
}

/** GET requests the S3 proxy saw for the job's object since the counters were zeroed, with their statuses. */
async function s3Gets() {
  const { objects } = await stack.admin('GET', '/__admin/requests');
  const entries = Object.values(objects).filter((entry) => entry.jobId === JOB);
  return {
    gets: entries.reduce((sum, entry) => sum + (entry.methods.GET ?? 0), 0),
    statuses: entries.flatMap((entry) => entry.log).filter((entry) => entry.method === 'GET').map((entry) => entry.status),
  };
}

async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

// mode -> the reason code the client reports, its words on the page (web/lib/format.ts), and the
// S3 GETs the retry policy allows: final answers 1, retryable ones (5xx, transport) 3 attempts.
// Missing CORS reaches the page as an opaque network error, so it is retried like one. A body cut
// short of its Content-Length reaches fetch() as a network error while it is read
// (ERR_CONTENT_LENGTH_MISMATCH), with or without body bytes handed to the page first; the session
// knows a 2xx body ended short of its announced length, so it says the download was cut off.
// Steps bodies bypass the HTTP cache (`cache: 'no-store'`), so every attempt is one plain GET
// answered 200: no Range resumes made by the browser behind the retry policy.
const FAULTS = [
  // S3's "Request has expired": one job re-fetch for a fresh URL, which expires too: final.
  { mode: 'expired', reason: 'expired', words: 'link expired', gets: 2 },
  { mode: 'forbidden', reason: 'forbidden', words: 'access denied by storage', gets: 1 },
  { mode: 'not_found', reason: 'not_found', words: 'the file is missing from storage', gets: 1 },
  { mode: 'server_error', reason: 'server_error', words: 'storage is failing', gets: ATTEMPTS },
  { mode: 'storm503', reason: 'server_error', words: 'storage is failing', gets: ATTEMPTS },
  { mode: 'reset', reason: 'network', words: 'network error', gets: ATTEMPTS },
  { mode: 'truncated', reason: 'truncated', words: 'the download was cut off', gets: ATTEMPTS },
  { mode: 'no_cors', reason: 'network', words: 'network error', gets: ATTEMPTS },
];

describe(`${JOB} under S3 faults`, () => {
  for (const fault of FAULTS) {
    test(`${fault.mode}: header and the 5 DynamoDB rows stay, the banner says "${fault.words}", ${fault.gets} S3 request(s), Retry recovers`, async () => {
      await stack.admin('POST', '/__admin/reset');
      await stack.admin('POST', '/__admin/fault', { mode: fault.mode, jobId: JOB });
      const { context, page, errors, s3Fetches } = await newPage();
      try {
        await page.goto(`${stack.origin}/dashboard/jobs/${JOB}`);
        await page.locator('[data-testid=job-detail] header h1').waitFor();
        await waitSettled(page);
        const partial = await readFacts(page);
        await shot(page, `chaos-${fault.mode}`);
        const { gets, statuses } = await s3Gets();
        observed[fault.mode] = { pageFetches: s3Fetches.count, serverGets: gets, statuses };

        assert.ok(partial.title.length > 0, 'the header is shown');
        assert.equal(partial.watch.headerLost, 0, 'the header never went away');
        assert.equal(partial.watch.rowsLost, 0, `the DynamoDB rows never went away (counts ${partial.watch.counts})`);
        assert.equal(partial.status, 'completed');
        assert.equal(partial.count, want.dynamodb_steps);
        assert.equal(partial.listed, want.dynamodb_steps);
        assert.deepEqual(partial.rowNumbers, ['1', '2', '3', '4', '5']);
        assert.equal(partial.banner?.reason, fault.reason, partial.banner?.text);
        assert.equal(
          partial.banner?.text,
          `Showing ${want.dynamodb_steps} of ${want.summary.count} steps: the complete list could not be loaded (${fault.words}).Retry`,
        );
        assert.equal(s3Fetches.count, fault.gets, `requests the page made for ${fault.mode}`);
        assert.equal(gets, fault.gets, `GETs the S3 proxy saw for ${fault.mode}: ${statuses}`);
        if (fault.mode === 'truncated' || fault.mode === 'no_cors') {
          assert.deepEqual(statuses, Array(fault.gets).fill(200), 'each attempt is one whole GET, never a cache-made Range request');
        }

        await stack.admin('POST', '/__admin/fault', { mode: 'none', jobId: JOB });
        await stack.admin('DELETE', '/__admin/requests');
        s3Fetches.count = 0;
        await page.locator('[data-testid=retry]').click();
        await page.locator('[data-testid=partial-banner]').waitFor({ state: 'detached' });
        await waitSettled(page);
        const recovered = await readFacts(page);
        assert.equal(recovered.banner, null);
        assert.equal(recovered.count, want.summary.count);
        assert.equal(recovered.listed, want.summary.count);
        assert.equal(recovered.totalUsd, want.summary.total_cost_usd);
        assert.equal(recovered.watch.headerLost, 0);
        assert.equal(recovered.watch.rowsLost, 0, `counts ${recovered.watch.counts}`);
        const retried = await s3Gets();
        observed[fault.mode].afterRetry = { pageFetches: s3Fetches.count, serverGets: retried.gets, statuses: retried.statuses };
        assert.equal(s3Fetches.count, 1, 'Retry: one request from the page');
        assert.deepEqual(retried.statuses, [200], 'Retry: one whole GET');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  test('slow drip: rows appear while the list downloads, and it completes in one request', async () => {
    await stack.admin('POST', '/__admin/reset');
    await stack.admin('POST', '/__admin/fault', { mode: 'slow', jobId: JOB, chunkBytes: 8 * 1024, intervalMs: 40 });
    const { context, page, errors, s3Fetches } = await newPage();
    try {
      await page.goto(`${stack.origin}/dashboard/jobs/${JOB}`);
      // Mid-download: the progress line is up and the list has passed DynamoDB's first 5 steps.
      await page.waitForFunction((dynamodbSteps) => {
        const list = document.querySelector('[data-testid=step-list]');
        const count = Number(list?.getAttribute('data-step-count'));
        return document.querySelector('[data-testid=download-progress]') !== null && count > dynamodbSteps;
      }, want.dynamodb_steps);
      const during = await readFacts(page);
      const progress = (await page.locator('[data-testid=download-progress]').textContent()) ?? '';
      await shot(page, 'chaos-slow');
      assert.ok(during.listed > want.dynamodb_steps && during.listed < want.summary.count, `${during.listed} rows mid-download`);
      assert.match(progress, /^Loading the complete step list: [\d.]+ (B|KB|MB) of [\d.]+ (KB|MB) \(\d+%\)/);
      assert.equal(during.banner, null, 'no partial banner while the list streams');

      await waitSettled(page);
      const done = await readFacts(page);
      await shot(page, 'chaos-slow-done');
      assert.equal(done.banner, null);
      assert.equal(done.count, want.summary.count);
      assert.equal(done.totalUsd, want.summary.total_cost_usd);
      assert.equal(done.watch.headerLost, 0);
      assert.equal(done.watch.rowsLost, 0, `counts ${done.watch.counts}`);
      const growth = done.watch.counts.filter((count) => count > want.dynamodb_steps && count < want.summary.count);
      assert.ok(growth.length >= 2, `the list grew in steps while downloading: ${done.watch.counts}`);
      for (let i = 1; i < done.watch.counts.length; i += 1) {
        assert.ok(done.watch.counts[i] >= done.watch.counts[i - 1] || done.watch.counts[i - 1] === 0, `never shrinks: ${done.watch.counts}`);
      }
      const { gets, statuses } = await s3Gets();
      observed.slow = { pageFetches: s3Fetches.count, serverGets: gets, statuses, listedCounts: done.watch.counts };
      assert.equal(s3Fetches.count, 1);
      assert.equal(gets, 1, `${statuses}`);
      assert.deepEqual(errors, []);
    } finally {
      await stack.admin('POST', '/__admin/reset');
      await context.close();
    }
  });

});

describe('content security policy', () => {
  test('no page under any fault reported a CSP violation', () => {
    assert.deepEqual(cspViolations, []);
  });
});
