// The dashboard in Chromium against the stack `npm start` runs (tools/start.sh on free ports):
// every demo job renders with the backend's exact counts and totals, partial lists say so and
// recover with Retry, the big list streams and stays virtualized, step HTML is inert, the legacy
// job's cut outputs are marked, and the running job grows live; every page is served with the
// security headers and runs under its nonce-based CSP without a violation. Screenshots go to ARTIFACTS.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { loadJobDetail } from '@jobdash/job-detail';
import { ARTIFACTS, launchBrowser, newTestPage, startStack, waitSettled } from './stack.js';

const SMALL = 'job-small-finished';
const BIG = 'job-big-5000';
const RUNNING = 'job-running';
const MISSING = 'job-missing-s3';
const FLAKY = 'job-flaky-s3';
const LEGACY = 'job-legacy-truncated';
const ROUGH = 'job-rough-text-5000';

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Record<string, {storage: string, dynamodb_steps: number, s3_object: boolean, summary: {count: number, total_cost_usd: string, no_cost: number, invalid_cost: number}}>} */
let expected;
/** @type {import('@jobdash/job-detail').JobDetail} */
let jd;
/** start.sh's arguments: dashboard-cloudfront.test.js runs this suite again with `--cloudfront`. */
const args = (process.env.JOBDASH_TEST_STACK_ARGS ?? '').split(' ').filter(Boolean);
/** CSP violations reported by any page of this file (the last test asserts there are none). */
const cspViolations = /** @type {string[]} */ ([]);

before(async () => {
  // The running job moves only when a test advances it; a running job is fetched again every second.
  stack = await startStack({ args, env: { JOBDASH_RUNNING_INTERVAL_MS: '0', JOBDASH_POLL_INTERVAL_MS: '1000' } });
  [browser, jd, { jobs: expected }] = await Promise.all([launchBrowser(), loadJobDetail(), stack.admin('GET', '/__admin/expected')]);
  if (args.includes('--cloudfront')) {
    // The suite is meant to run through the edge: the API must hand out CloudFront URLs.
    const job = await (await fetch(`${stack.apiUrl}/api/jobs/${BIG}`)).json();
    const url = new URL(job.execution_steps_s3_url);
    assert.equal(url.origin, stack.cdnUrl, url.href);
    assert.ok(url.searchParams.has('Key-Pair-Id') && url.searchParams.has('Signature'), url.href);
  }
});

after(async () => {
  await browser?.close();
  const result = await stack?.stop();
  if (result) assert.ok(result.code === 130 || result.code === 0 || result.signal === 'SIGINT', `start.sh ended with ${JSON.stringify(result)}`);
});

/** @param {{viewport?: {width: number, height: number}, isMobile?: boolean}} [options] */
function newPage(options = {}) {
  return newTestPage(browser, cspViolations, options);
}

/** @param {import('playwright-core').Page} page @param {string} id */
async function openJob(page, id) {
  await page.goto(`${stack.origin}/dashboard/jobs/${encodeURIComponent(id)}`);
  await waitSettled(page);
}

/** What the page says about the list, read from the DOM. */
async function readFacts(page) {
  return page.evaluate(() => {
    const total = document.querySelector('[data-testid=job-total-cost]');
    const banner = document.querySelector('[data-testid=partial-banner]');
    return {
      status: document.querySelector('[data-testid=job-status]')?.textContent ?? null,
      count: Number(document.querySelector('[data-testid=job-step-count]')?.getAttribute('data-count')),
      totalUsd: total?.getAttribute('data-total-cost-usd') ?? null,
      totalText: total?.textContent ?? '',
      noCost: Number(total?.getAttribute('data-no-cost')),
      invalidCost: Number(total?.getAttribute('data-invalid-cost')),
      banner: banner ? { reason: banner.getAttribute('data-reason'), text: banner.textContent ?? '' } : null,
      domRows: document.querySelectorAll('[data-testid=step-row]').length,
    };
  });
}

/** @param {import('playwright-core').Page} page @param {string} number */
async function openStep(page, number) {
  await page.locator(`[data-testid=step-row][data-step-number="${number}"] button`).first().click();
  await page.locator('[data-testid=step-output]').waitFor();
}

async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

describe('job detail pages', () => {
  test('the list links every demo job to its detail page', async () => {
    const { context, page } = await newPage();
    await page.goto(`${stack.origin}/dashboard/jobs`);
    await page.locator('[data-testid=job-list]').waitFor();
    for (const id of [SMALL, BIG, RUNNING, MISSING, FLAKY, LEGACY]) {
      assert.equal(await page.locator(`tr[data-job-id="${id}"] a`).getAttribute('href'), `/dashboard/jobs/${id}`);
    }
    await shot(page, 'jobs-list');
    await page.locator(`tr[data-job-id="${SMALL}"] a`).click();
    await page.waitForURL(`**/dashboard/jobs/${SMALL}`);
    await waitSettled(page);
    assert.equal((await readFacts(page)).count, 6);
    await context.close();
  });

  for (const id of [SMALL, BIG, FLAKY, LEGACY]) {
    test(`${id}: the complete list with the backend's exact count and totals`, async () => {
      const want = expected[id];
      const { context, page, errors } = await newPage();
      await openJob(page, id);
      const facts = await readFacts(page);
      await shot(page, id);
      assert.equal(facts.banner, null, 'no partial banner');
      assert.equal(facts.count, want.summary.count);
      assert.equal(facts.totalUsd, want.summary.total_cost_usd);
      assert.equal(facts.noCost, want.summary.no_cost);
      assert.equal(facts.invalidCost, want.summary.invalid_cost);
      assert.ok(facts.totalText.includes(jd.formatCost(want.summary.total_cost_usd)), facts.totalText);
      if (want.summary.no_cost > 0) assert.match(facts.totalText, new RegExp(`excludes ${want.summary.no_cost.toLocaleString('en-US')} steps? without cost`));
      assert.equal(facts.status, 'completed');
      assert.ok(facts.domRows > 0 && facts.domRows <= want.summary.count);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test(`${MISSING}: the DynamoDB steps with a banner saying why`, async () => {
    const want = expected[MISSING];
    assert.equal(want.s3_object, false);
    const { context, page } = await newPage();
    await openJob(page, MISSING);
    const facts = await readFacts(page);
    await shot(page, MISSING);
    assert.equal(facts.count, want.dynamodb_steps);
    assert.equal(facts.banner?.reason, 'not_found');
    assert.match(
      facts.banner?.text ?? '',
      new RegExp(`^Showing ${want.dynamodb_steps} of ${want.summary.count} steps: the complete list could not be loaded \\(the file is missing from storage\\)\\.Retry$`),
    );
    await context.close();
  });
});

describe('unknown job', () => {
  test('a job the API does not know shows the error with Retry', async () => {
    const { context, page } = await newPage();
    await page.goto(`${stack.origin}/dashboard/jobs/no-such-job`);
    const banner = page.locator('[data-testid=job-error]');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /^The job could not be loaded/);
    await shot(page, 'unknown-job');
    await context.close();
  });
});

describe('faults and recovery', () => {
  test('an expired link shows the partial list, and Retry recovers once the fault is cleared', async () => {
    const want = expected[FLAKY];
    await stack.admin('POST', '/__admin/fault', { mode: 'expired', jobId: FLAKY });
    const { context, page } = await newPage();
    try {
      await openJob(page, FLAKY);
      const partial = await readFacts(page);
      await shot(page, 'retry-before');
      assert.equal(partial.banner?.reason, 'expired');
      assert.match(partial.banner?.text ?? '', new RegExp(`^Showing ${want.dynamodb_steps} of ${want.summary.count} steps: .*\\(link expired\\)`));
      assert.equal(partial.count, want.dynamodb_steps);

      await stack.admin('POST', '/__admin/fault', { mode: 'none', jobId: FLAKY });
      await page.locator('[data-testid=retry]').click();
      await page.locator('[data-testid=partial-banner]').waitFor({ state: 'detached' });
      await waitSettled(page);
      const recovered = await readFacts(page);
      assert.equal(recovered.count, want.summary.count);
      assert.equal(recovered.totalUsd, want.summary.total_cost_usd);
    } finally {
      await stack.admin('POST', '/__admin/reset');
      await context.close();
    }
  });

  test('the big job shows rows while its 31 MB list downloads, and stays virtualized', async () => {
    const want = expected[BIG];
    // About 12 s for the whole object, so the page is seen mid-download.
    await stack.admin('POST', '/__admin/fault', { mode: 'slow', jobId: BIG, chunkBytes: 64 * 1024, intervalMs: 25 });
    const { context, page } = await newPage();
    try {
      await page.goto(`${stack.origin}/dashboard/jobs/${BIG}`);
      // Rows stream in: the list passes DynamoDB's first 5 steps while the download goes on.
      await page.waitForFunction(() => {
        const progress = document.querySelector('[data-testid=download-progress]');
        const list = document.querySelector('[data-testid=step-list]');
        return progress !== null && /\d/.test(progress.textContent ?? '') && Number(list?.getAttribute('data-step-count')) > 5;
      });
      const during = await page.evaluate(() => ({
        progress: document.querySelector('[data-testid=download-progress]')?.textContent ?? '',
        count: Number(document.querySelector('[data-testid=step-list]')?.getAttribute('data-step-count')),
        rows: document.querySelectorAll('[data-testid=step-row]').length,
        numbers: [...document.querySelectorAll('[data-testid=step-row]')].map((row) => row.getAttribute('data-step-number')),
        steps: document.querySelector('[data-testid=job-detail]')?.getAttribute('data-steps'),
      }));
      await shot(page, 'big-downloading');
      assert.ok(during.count > 5 && during.count < want.summary.count, `${during.count} rows listed mid-download`);
      // The progress line exists only while the download is under way; its percentage is below 100.
      const percent = /\((\d+)%\)/.exec(during.progress);
      if (percent) assert.ok(Number(percent[1]) < 100, during.progress);
      assert.equal(during.numbers[0], '1');
      assert.ok(during.numbers.includes('6'), `a row beyond DynamoDB's first 5 is on screen: ${during.numbers.join(',')}`);
      assert.equal(during.steps, 'loading', 'no partial banner while the list streams');
      assert.match(during.progress, /Loading the complete step list: [\d.]+ (B|KB|MB)/);

      await waitSettled(page);
      const done = await readFacts(page);
      assert.equal(done.count, want.summary.count);
      // The download was read in the package's fetch worker (web/lib/steps-fetch.ts), off the main thread.
      const workerNames = await Promise.all(page.workers().map((worker) => worker.evaluate(() => self.name)));
      assert.ok(workerNames.includes('job-detail fetch'), `workers: ${workerNames}`);
      assert.ok(done.domRows < 60, `virtualized: ${done.domRows} rows in the DOM for ${done.count} steps`);

      // Scroll to the end: the last step renders, and the DOM still holds only a window of rows.
      await page.locator('[data-testid=step-list]').evaluate((list) => list.scrollTo(0, list.scrollHeight));
      await page.locator('[data-testid=step-row][data-step-number="5000"]').waitFor();
      const rowsAtEnd = await page.locator('[data-testid=step-row]').count();
      assert.ok(rowsAtEnd < 60, `virtualized at the end: ${rowsAtEnd} rows`);
      await shot(page, 'big-end');
    } finally {
      await stack.admin('POST', '/__admin/reset');
      await context.close();
    }
  });
});

describe('step output', () => {
  test("a step's HTML runs no script of its own, cannot reach the parent and requests nothing", async () => {
    const { context, page } = await newPage();
    /** @type {string[]} */
    const requests = [];
    context.on('request', (request) => requests.push(request.url()));
    const response = await page.goto(`${stack.origin}/dashboard/jobs/${SMALL}`);
    await waitSettled(page);
    const title = await page.title();
    await openStep(page, '3');
    const frameElement = page.locator('[data-testid=step-output-frame]');
    // The only script a frame may run is the dashboard's link handler, allowed by its hash.
    assert.equal(await frameElement.getAttribute('sandbox'), 'allow-scripts', 'no same-origin, forms, popups or top navigation');
    const srcdoc = (await frameElement.getAttribute('srcdoc')) ?? '';
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(srcdoc)?.[1] ?? '';
    const scripts = [...srcdoc.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
    assert.equal(scripts.length, 1, 'the output lost its own script; the link handler is the only one');
    const hash = `'sha256-${createHash('sha256').update(scripts[0]).digest('base64')}'`;
    assert.equal(policy, `default-src 'none'; script-src ${hash}; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'`);
    assert.ok(response?.headers()['content-security-policy']?.includes(hash), "the page's policy allows the handler by the same hash");
    assert.doesNotMatch(srcdoc, /parent\.document\.title|exfil/, 'the probe script is not in the framed document');
    const frame = await (await frameElement.elementHandle())?.contentFrame();
    assert.ok(frame);
    await frame.waitForLoadState('load');
    assert.match(await frame.locator('h1').textContent(), /step 3 report/);
    // The probe would rename the parent and call exfil.example.invalid.
    assert.equal(await page.title(), title);
    assert.deepEqual(requests.filter((url) => url.includes('exfil')), []);
    // An opaque origin: the parent cannot read the frame's document either.
    assert.equal(await page.evaluate(() => document.querySelector('iframe')?.contentDocument ?? null), null);
    assert.equal(await frame.evaluate(() => window.origin), 'null');
    await shot(page, 'small-step-3');

    // The source view and Copy keep the original bytes, probe included.
    await page.getByRole('button', { name: 'Source', exact: true }).click();
    assert.match((await page.locator('[data-testid=step-output-source]').textContent()) ?? '', /<script>try\{parent\.document\.title/);
    await context.close();
  });

  test('the legacy job marks outputs cut at 5,000 characters, and only those', async () => {
    const { context, page } = await newPage();
    await openJob(page, LEGACY);
    // The core marks the row too (outputTruncatedLegacy): step 3 is cut, step 2 is not.
    assert.equal(await page.locator('[data-testid=step-row][data-step-number="3"] [data-testid=row-truncated]').count(), 1);
    assert.equal(await page.locator('[data-testid=step-row][data-step-number="2"] [data-testid=row-truncated]').count(), 0);
    await openStep(page, '3');
    await page.locator('[data-testid=truncated-marker]').waitFor();
    await shot(page, 'legacy-step-3');
    await openStep(page, '2');
    assert.equal(await page.locator('[data-testid=truncated-marker]').count(), 0);
    await context.close();
  });
});

describe('rough text', () => {
  test('a 5,000-step document with invalid UTF-8, a lone surrogate and cost 1e400 shows every step, as res.json() would', async () => {
    const want = expected[ROUGH];
    const { context, page, errors } = await newPage();
    await openJob(page, ROUGH);
    const facts = await readFacts(page);
    await shot(page, ROUGH);
    assert.equal(facts.banner, null, 'the S3 list is shown, not the DynamoDB fallback');
    assert.equal(facts.count, 5000);
    assert.equal(facts.totalUsd, want.summary.total_cost_usd);
    assert.equal(facts.noCost, want.summary.no_cost);
    assert.equal(facts.invalidCost, want.summary.invalid_cost, 'the 1e400 cost is one more invalid cost; its step stays');
    const note = page.locator('[data-testid=repair-note]');
    assert.equal(await note.getAttribute('data-repaired'), '2');
    assert.match((await note.textContent()) ?? '', /^2 text values in the step list had invalid characters, shown as �\.$/);

    /** Scrolls the virtualized list to a step and opens it. @param {number} number */
    const open = async (number) => {
      await page.locator('[data-testid=step-list]').evaluate((list, n) => list.scrollTo(0, (n - 3) * 52), number);
      await openStep(page, String(number));
    };
    await open(want.rough.invalidUtf8Step);
    assert.equal(await page.locator('[data-testid=step-output-source]').textContent(), 'caf\uFFFD\uFFFD au lait');
    await open(want.rough.loneSurrogateStep);
    // The step's value is JSON.parse's: a string holding the lone unit, as res.json() gives it.
    assert.equal(await page.locator('[data-testid=step-output-source]').textContent(), 'a lone \uD800 surrogate');
    const row = page.locator(`[data-testid=step-row][data-step-number="${want.rough.hugeCostStep}"]`);
    await page.locator('[data-testid=step-list]').evaluate((list, n) => list.scrollTo(0, (n - 3) * 52), want.rough.hugeCostStep);
    assert.equal(await row.locator('[data-col=cost]').textContent(), '—');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('live updates', () => {
  test('the running job gains rows while it runs and ends completed', async () => {
    await stack.admin('POST', '/__admin/running/restart');
    const { context, page } = await newPage();
    await openJob(page, RUNNING);
    let facts = await readFacts(page);
    assert.equal(facts.count, 3);
    assert.equal(facts.status, 'running');
    await shot(page, 'running-start');

    await stack.admin('POST', '/__admin/running/advance');
    await stack.admin('POST', '/__admin/running/advance');
    await page.locator('[data-testid=job-step-count][data-count="5"]').waitFor();

    let state = { done: false };
    while (!state.done) state = await stack.admin('POST', '/__admin/running/advance');
    await page.locator('[data-testid=job-status]', { hasText: 'completed' }).waitFor();
    await waitSettled(page);
    facts = await readFacts(page);
    assert.equal(facts.count, 24);
    assert.equal(facts.banner, null);
    await shot(page, 'running-done');
    await context.close();
  });
});

describe('phone', () => {
  test('pages fit a phone screen', async () => {
    const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await openJob(page, BIG);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
    await shot(page, 'phone-big');
    await openJob(page, SMALL);
    await openStep(page, '3');
    await shot(page, 'phone-small-step-3');
    await page.goto(`${stack.origin}/dashboard/jobs`);
    await page.locator('[data-testid=job-list]').waitFor();
    await shot(page, 'phone-list');
    await context.close();
  });
});

describe('security headers', () => {
  /** @param {string} path */
  async function get(path) {
    const response = await fetch(`${stack.origin}${path}`, { redirect: 'manual' });
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  test('pages carry a nonce-based CSP, a fresh nonce each time, on the scripts Next.js writes', async () => {
    const first = await get(`/dashboard/jobs/${SMALL}`);
    const second = await get(`/dashboard/jobs/${SMALL}`);
    assert.equal(first.status, 200);
    const policy = first.headers.get('content-security-policy') ?? '';
    const directives = new Map(policy.split(/;\s*/).map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
    assert.ok(nonce && nonce.length >= 22, policy);
    assert.notEqual(/'nonce-([^']+)'/.exec(second.headers.get('content-security-policy') ?? '')?.[1], nonce, 'one nonce per response');
    assert.ok(directives.get('script-src')?.includes(`'nonce-${nonce}'`));
    assert.ok(directives.get('script-src')?.includes("'strict-dynamic'"));
    assert.ok(!directives.get('script-src')?.includes("'unsafe-inline'") && !directives.get('script-src')?.includes("'unsafe-eval'"));
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('worker-src'), ["'self'"], 'the fetch worker, from the dashboard only');
    assert.ok(directives.get('connect-src')?.includes(stack.apiUrl), 'the API is reachable');
    const scripts = [...first.body.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    assert.ok(scripts.length > 0);
    for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), `script without the nonce: ${tag}`);
  });

  test('every response: nosniff, no referrer, no framing, no X-Powered-By', async () => {
    const page = await get('/dashboard/jobs');
    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(asset, 'a static script of the build');
    for (const path of ['/dashboard/jobs', `/dashboard/jobs/${SMALL}`, '/no-such-page', asset]) {
      const { headers } = await get(path);
      assert.equal(headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(headers.get('x-frame-options'), 'DENY', path);
      assert.equal(headers.get('x-powered-by'), null, path);
    }
    assert.match((await get('/no-such-page')).headers.get('content-security-policy') ?? '', /'nonce-/, 'the 404 page is a page too');
  });

  test('a page asked for under a foreign Host (DNS rebinding) is refused', async () => {
    const { port } = new URL(stack.origin);
    /** @param {string} host */
    const statusFor = (host) =>
      new Promise((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port, path: '/dashboard/jobs', headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode);
        });
        request.on('error', reject);
        request.end();
      });
    assert.equal(await statusFor(`rebound.example:${port}`), 403);
    assert.equal(await statusFor('127.0.0.1.evil.example'), 403);
    assert.equal(await statusFor(`localhost:${port}`), 200);
    assert.equal(await statusFor(`127.0.0.1:${port}`), 200);
  });

  test('another site cannot frame the dashboard', async () => {
    // Not newPage(): the refusal is itself reported as a CSP violation, on the framing page.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route('http://framing.test/', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<iframe id="victim" onload="window.victimLoaded = true" src="${stack.origin}/dashboard/jobs"></iframe>`,
      }),
    );
    await page.goto('http://framing.test/');
    await page.waitForFunction(() => /** @type {any} */ (window).victimLoaded === true);
    const victim = page.frames().find((frame) => frame !== page.mainFrame());
    assert.ok(victim);
    assert.match(victim.url(), /^chrome-error:/, 'the browser refused to render the dashboard in the frame');
    assert.equal(await victim.locator('[data-testid=job-list]').count(), 0);
    await context.close();
  });

  test('`npm start` serves the dashboard on the loopback address only', () => {
    const port = Number(new URL(stack.origin).port);
    /** @type {string[]} */
    const listening = [];
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
        const [, local, , state] = line.trim().split(/\s+/);
        const [address, portHex] = local.split(':');
        if (state === '0A' && Number.parseInt(portHex, 16) === port) listening.push(address);
      }
    }
    // 0100007F: 127.0.0.1 in /proc/net/tcp's byte order.
    assert.deepEqual(listening, ['0100007F']);
  });
});

describe('content security policy', () => {
  test('no page of this file reported a CSP violation', () => {
    assert.deepEqual(cspViolations, []);
  });
});
