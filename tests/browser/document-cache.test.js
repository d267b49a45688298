// The document cache across job navigations in Chromium against `npm start`'s stack: the 5,000-step
// job, another job, and the first again, all by the dashboard's own links (one page, one module
// instance). The second visit shows every row from the cache and sends exactly one conditional GET
// for the object, which S3 answers 304; no second full download.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ARTIFACTS, collectCspViolations, launchBrowser, startStack, waitSettled } from './stack.js';

const BIG = 'job-big-5000';
const OTHER = 'job-small-finished';

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Record<string, {summary: {count: number}}>} */
let expected;

before(async () => {
  stack = await startStack();
  [browser, { jobs: expected }] = await Promise.all([launchBrowser(), stack.admin('GET', '/__admin/expected')]);
});

after(async () => {
  await browser?.close();
  const result = await stack?.stop();
  if (result) assert.ok(result.code === 130 || result.code === 0 || result.signal === 'SIGINT', `start.sh ended with ${JSON.stringify(result)}`);
});

/** GETs the S3 proxy saw for a job's object since the counters were zeroed, with their statuses. */
async function s3Gets(jobId) {
  const { objects } = await stack.admin('GET', '/__admin/requests');
  return Object.values(objects)
    .filter((entry) => entry.jobId === jobId)
    .flatMap((entry) => entry.log)
    .filter((entry) => entry.method === 'GET')
    .map((entry) => entry.status);
}

/** Follows the dashboard's link to `id` from the job list (client-side navigation). */
async function viaList(page, id) {
  await page.click('a[href="/dashboard/jobs"]');
  await page.waitForSelector(`a[href="/dashboard/jobs/${encodeURIComponent(id)}"]`);
  await page.click(`a[href="/dashboard/jobs/${encodeURIComponent(id)}"]`);
  await page.waitForFunction((jobId) => location.pathname.endsWith(`/${jobId}`), id);
}

async function facts(page) {
  return page.evaluate(() => ({
    count: Number(document.querySelector('[data-testid=job-step-count]')?.getAttribute('data-count')),
    steps: document.querySelector('[data-testid=job-detail]')?.getAttribute('data-steps'),
    fromCache: document.querySelector('[data-testid=job-detail]')?.getAttribute('data-from-cache'),
  }));
}

test('the 5,000-step job, another job, and the first again: all rows from the cache, one conditional GET answered 304', async () => {
  await stack.admin('DELETE', '/__admin/requests');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const csp = collectCspViolations(page);
  let loads = 0;
  page.on('load', () => (loads += 1));

  await page.goto(`${stack.origin}/dashboard/jobs/${BIG}`);
  await waitSettled(page);
  const first = await facts(page);
  assert.equal(first.count, expected[BIG].summary.count);
  assert.equal(first.count, 5000);
  assert.deepEqual(await s3Gets(BIG), [200]);

  await viaList(page, OTHER);
  await waitSettled(page);
  assert.equal((await facts(page)).count, expected[OTHER].summary.count);

  await viaList(page, BIG);
  // Rows from the cache right away: the count is complete before the revalidation has ended.
  await page.waitForFunction(() => document.querySelector('[data-testid=job-step-count]')?.getAttribute('data-count') === '5000');
  await waitSettled(page);
  const again = await facts(page);
  assert.deepEqual(again, { count: 5000, steps: 'complete', fromCache: 'true' });
  assert.ok((await page.locator('[data-testid=step-row]').count()) > 0, 'rows are rendered');
  // One full download for the first visit, one conditional GET answered 304 for the second.
  assert.deepEqual(await s3Gets(BIG), [200, 304]);
  assert.equal(loads, 1, 'every navigation after the first stayed in the same document');
  await page.screenshot({ path: `${ARTIFACTS}/document-cache-second-visit.png` });
  assert.deepEqual(errors, []);
  assert.deepEqual(csp, []);
  await context.close();
});
