// CORS as Chromium enforces it, with the dashboard, the API and the bucket on three origins: the
// headers the client needs are readable from the page (API: Date, ETag; bucket: ETag,
// Content-Length, Content-Range, Retry-After), and the package's client, loaded in the page,
// honours the bucket's Retry-After (it can only do so when the header is exposed).
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { startBackend } from '../../web/backend/start-backend.js';
import { launchBrowser, ROOT } from './stack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const JOB = 'job-flaky-s3';
const TYPES = /** @type {Record<string, string>} */ ({ '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' });

/** @type {http.Server} */
let dashboard;
/** @type {string} */
let dashboardOrigin;
/** @type {Awaited<ReturnType<typeof startBackend>>} */
let backend;
/** @type {string} */
let apiUrl;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  // The "dashboard": an empty page and the built package, on its own origin.
  dashboard = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>dashboard</title>');
      return;
    }
    const file = /^\/pkg\/([\w.]+\.(?:js|mjs|wasm))$/.exec(path);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(`${ROOT}wasm/dist/${file[1]}`);
      res.writeHead(200, { 'content-type': TYPES[file[1].slice(file[1].lastIndexOf('.'))] });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  dashboard.listen(0, '127.0.0.1');
  await once(dashboard, 'listening');
  dashboardOrigin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (dashboard.address()).port}`;
  backend = await startBackend(
    { port: 0, s3Port: 0, corsOrigins: [dashboardOrigin], demo: { big: false, running: false }, runningIntervalMs: 0 },
    {},
  );
  // Another host name than the page's: a cross-origin API, as a deployment has it.
  apiUrl = backend.apiUrl.replace('127.0.0.1', 'localhost');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await backend?.stop();
  dashboard?.closeAllConnections();
  await new Promise((resolve) => (dashboard ? dashboard.close(resolve) : resolve(undefined)));
});

test('the page reads the API and bucket headers across origins, and the client honours Retry-After', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${dashboardOrigin}/`);
    const seen = await page.evaluate(
      async ({ apiUrl, job }) => {
        /** @param {Response} response @param {string[]} names */
        const read = (response, names) => Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));
        const jobResponse = await fetch(`${apiUrl}/api/jobs/${job}`);
        const api = { status: jobResponse.status, ...read(jobResponse, ['date', 'etag', 'content-type']) };
        const url = (await jobResponse.json()).execution_steps_s3_url;
        // This presigned URL's first two answers are 503 SlowDown (the demo job's built-in rule).
        const slowDown = await fetch(url);
        await slowDown.arrayBuffer();
        const bucket503 = { status: slowDown.status, ...read(slowDown, ['retry-after', 'content-length']) };
        await (await fetch(url, { headers: { range: 'bytes=0-99' } })).arrayBuffer();
        const ranged = await fetch(url, { headers: { range: 'bytes=0-99' } });
        await ranged.arrayBuffer();
        const bucket206 = { status: ranged.status, ...read(ranged, ['etag', 'content-length', 'content-range']) };
        return { api, bucket503, bucket206 };
      },
      { apiUrl, job: JOB },
    );

    // The next two GETs of the job's object, whatever their URL: 503 SlowDown with Retry-After: 1.
    const fault = await fetch(`${backend.apiUrl}/__admin/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'storm503', jobId: JOB, times: 2 }),
    });
    assert.equal(fault.status, 200);
    // The package's client, from the page's own origin.
    const client = await page.evaluate(
      async ({ apiUrl, job }) => {
        const { loadJobDetail } = await import('/pkg/index.js');
        const jd = await loadJobDetail();
        // Every clock reading the client hands the session, and random 0: the client's own
        // backoff is then exactly 0 ms, so a retry due exactly 1,000 ms after a reading can only
        // come from the Retry-After header it read.
        /** @type {Set<number>} */
        const readings = new Set();
        const now = () => {
          const t = Date.now();
          readings.add(t);
          return t;
        };
        const client = jd.createJobDetailClient({ apiBaseUrl: `${apiUrl}/api`, now, random: () => 0 });
        /** @type {number[]} */
        const retryAts = [];
        const snapshot = await new Promise((resolve) => {
          const stop = client.subscribe(() => {
            const s = client.getSnapshot();
            if (s.nextRetryAt !== null && !retryAts.includes(s.nextRetryAt)) retryAts.push(s.nextRetryAt);
            if (s.status === 'ready' && !s.isFetching && s.steps?.complete) {
              stop();
              resolve({ source: s.steps.source, count: s.steps.count, attempt: s.attempt });
            }
          });
          client.load(job);
        });
        const delays = retryAts.map((at) => ([...readings].some((t) => at - t === 1000) ? 1000 : 'other'));
        client.dispose();
        return { snapshot, delays };
      },
      { apiUrl, job: JOB },
    );

    assert.equal(seen.api.status, 200);
    assert.ok(seen.api.date && Math.abs(Date.parse(seen.api.date) - Date.now()) < 60_000, `API Date readable: ${seen.api.date}`);
    assert.match(seen.api.etag ?? '', /^".+"$/, 'API ETag readable');
    assert.match(seen.api['content-type'] ?? '', /^application\/json/, 'safelisted header, for contrast');

    assert.equal(seen.bucket503.status, 503);
    assert.equal(seen.bucket503['retry-after'], '1', 'bucket Retry-After readable');
    assert.match(seen.bucket503['content-length'] ?? '', /^\d+$/, 'bucket Content-Length readable');

    assert.equal(seen.bucket206.status, 206);
    assert.match(seen.bucket206.etag ?? '', /^".+"$/, 'bucket ETag readable');
    assert.equal(seen.bucket206['content-length'], '100');
    assert.match(seen.bucket206['content-range'] ?? '', /^bytes 0-99\/\d+$/, 'bucket Content-Range readable');

    assert.deepEqual(client.snapshot, { source: 's3', count: 40, attempt: 0 }, JSON.stringify(client));
    // Two 503s with Retry-After: 1: each retry is scheduled exactly 1,000 ms after a clock reading.
    assert.deepEqual(client.delays, [1000, 1000], 'the client read Retry-After');
  } finally {
    await context.close();
  }
});
