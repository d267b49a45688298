// The dashboard in Chromium against `npm start -- --cloudfront`: the API signs step-list URLs with
// the CloudFront signer and the local edge checks them in front of the S3 proxy. The 5,000-step
// job and a small one (whose S3 answers 503 twice first) render their complete lists, every S3
// request of the page goes to the edge with a CloudFront signature, none to the S3 port, and the
// pages run under their CSP without a violation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ARTIFACTS, collectCspViolations, launchBrowser, startStack, waitSettled } from './stack.js';

const BIG = 'job-big-5000';
const FLAKY = 'job-flaky-s3';

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Record<string, {summary: {count: number, total_cost_usd: string}}>} */
let expected;
const cspViolations = /** @type {string[]} */ ([]);

before(async () => {
  stack = await startStack({ args: ['--cloudfront'], env: { JOBDASH_RUNNING_INTERVAL_MS: '0' } });
  [browser, { jobs: expected }] = await Promise.all([launchBrowser(), stack.admin('GET', '/__admin/expected')]);
});

after(async () => {
  await browser?.close();
  const result = await stack?.stop();
  if (result) assert.ok(result.code === 130 || result.code === 0 || result.signal === 'SIGINT', `start.sh ended with ${JSON.stringify(result)}`);
});

test('start.sh --cloudfront announces the local edge', () => {
  assert.match(stack.output(), new RegExp(`CloudFront +${stack.cdnUrl.replace(/[.]/g, '\\.')} `));
});

for (const id of [BIG, FLAKY]) {
  test(`${id}: the complete list through the CloudFront edge`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    /** @type {string[]} */
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    collectCspViolations(page, cspViolations);
    /** @type {{url: string, method: string}[]} */
    const requests = [];
    page.on('request', (request) => requests.push({ url: request.url(), method: request.method() }));
    /** @type {{url: string, status: number, xCache: string | null}[]} */
    const responses = [];
    page.on('response', async (response) => {
      if (response.url().startsWith(stack.cdnUrl)) responses.push({ url: response.url(), status: response.status(), xCache: await response.headerValue('x-cache') });
    });

    await page.goto(`${stack.origin}/dashboard/jobs/${encodeURIComponent(id)}`);
    await waitSettled(page);
    const facts = await page.evaluate(() => {
      const total = document.querySelector('[data-testid=job-total-cost]');
      return {
        count: Number(document.querySelector('[data-testid=job-step-count]')?.getAttribute('data-count')),
        totalUsd: total?.getAttribute('data-total-cost-usd') ?? null,
        banner: document.querySelector('[data-testid=partial-banner]')?.getAttribute('data-reason') ?? null,
        rows: document.querySelectorAll('[data-testid=step-row]').length,
      };
    });
    await page.screenshot({ path: `${ARTIFACTS}/cloudfront-${id}.png` });
    assert.equal(facts.banner, null, 'no partial banner');
    assert.equal(facts.count, expected[id].summary.count);
    assert.equal(facts.totalUsd, expected[id].summary.total_cost_usd);
    assert.ok(facts.rows > 0, 'rows are rendered');

    const stepsRequests = requests.filter((r) => /\/jobs\/[^/]+\/[^/?]+\.json/.test(new URL(r.url).pathname) && !r.url.includes('/api/'));
    const gets = stepsRequests.filter((r) => r.method === 'GET');
    assert.ok(gets.length >= 1, `the page fetched the list: ${JSON.stringify(requests.map((r) => r.url))}`);
    for (const { url } of stepsRequests) {
      assert.ok(url.startsWith(`${stack.cdnUrl}/`), `S3 request to the edge: ${url}`);
      const query = new URL(url).searchParams;
      assert.ok(query.has('Key-Pair-Id') && query.has('Signature') && query.has('Expires'), url);
      assert.ok(!query.has('X-Amz-Signature'), url);
    }
    assert.ok(!requests.some((r) => r.url.startsWith(`${stack.s3Url}/`)), 'nothing went to the S3 port directly');
    const served = responses.filter((r) => r.status === 200);
    assert.ok(served.length >= 1, JSON.stringify(responses));
    assert.ok(served.every((r) => /from cloudfront$/.test(r.xCache ?? '')), JSON.stringify(served));
    if (id === FLAKY) assert.ok(responses.some((r) => r.status === 503), 'the S3 proxy behind the edge answered 503 first');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('no page broke its Content-Security-Policy', () => {
  assert.deepEqual(cspViolations, []);
});
