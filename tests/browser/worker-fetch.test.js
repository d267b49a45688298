// createWorkerFetch (wasm/src/worker_fetch.ts) in Chromium over real HTTP on loopback: a small
// node:http server serves the package's browser build and the answers each case needs, and the
// page drives the worker fetch directly and through a JobDetailClient, beside the page's own
// fetch as the reference. The server sees what the worker's requests really did (headers, whether
// a request was dropped before its body ended).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { generateStepsDocument } from '../../bench/generate.mjs';
import { ROOT, freePort, launchBrowser } from './stack.js';

const DIST = join(ROOT, 'wasm', 'dist');
// Large enough for Chromium to hand over the body in several reads.
const DOC = generateStepsDocument({ steps: 1200, nonAscii: true });
const NONCE = 'dGVzdC1ub25jZQ';

/** What the server saw per request path: request headers, and whether the request closed before its body was sent. */
const seen = /** @type {Map<string, {headers: import('node:http').IncomingHttpHeaders, closedEarly: boolean}>} */ (new Map());

// The page: the package's browser entry, and its helpers for the test.
const PAGE_SCRIPT = `
import { loadJobDetail, createWorkerFetch, WorkerFetchUnavailableError } from '/wasm/dist/index.js';
window.pkg = { loadJobDetail, createWorkerFetch, WorkerFetchUnavailableError };
window.pageReady = true;
`;

function page(policy) {
  return {
    type: 'text/html',
    headers: policy ? { 'content-security-policy': policy } : {},
    body: `<!DOCTYPE html><meta charset="utf-8"><title>worker fetch</title><script type="module" nonce="${NONCE}" src="/page.mjs"></script>`,
  };
}

/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const record = { headers: req.headers, closedEarly: false };
  seen.set(path, record);
  res.on('close', () => {
    if (!res.writableFinished) record.closedEarly = true;
  });
  const send = ({ status = 200, type = 'application/json', headers = {}, body }) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers }).end(body);
  };
  if (path === '/' || path === '/csp-self' || path === '/csp-none' || path === '/csp-fallback') {
    const policies = {
      '/': null,
      // The dashboard's shape (web/lib/content-security-policy.ts) with a worker source.
      '/csp-self': `default-src 'self'; script-src 'nonce-${NONCE}' 'strict-dynamic' 'wasm-unsafe-eval'; worker-src 'self'`,
      '/csp-none': `default-src 'self'; script-src 'nonce-${NONCE}' 'strict-dynamic' 'wasm-unsafe-eval'; worker-src 'none'`,
      // Without worker-src (nor child-src) a worker falls back to script-src (CSP3), where
      // 'strict-dynamic' allows a request that is not parser-inserted, as a Worker made by a script is.
      '/csp-fallback': `default-src 'self'; script-src 'nonce-${NONCE}' 'strict-dynamic' 'wasm-unsafe-eval'`,
    };
    const { type, headers, body } = page(policies[path]);
    send({ type, headers, body });
  } else if (path === '/page.mjs') {
    send({ type: 'text/javascript', body: PAGE_SCRIPT });
  } else if (path.startsWith('/wasm/dist/')) {
    const file = normalize(join(DIST, path.slice('/wasm/dist/'.length)));
    if (!file.startsWith(DIST)) return send({ status: 404, body: '' });
    send({ type: file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript', body: await readFile(file) });
  } else if (path.startsWith('/api/jobs/')) {
    // A job whose complete list is this server's /s3/<name>.
    const name = decodeURIComponent(path.slice('/api/jobs/'.length));
    send({
      body: JSON.stringify({
        id: name,
        status: 'completed',
        execution_steps: [],
        execution_steps_s3_key: `steps/${name}.json`,
        execution_steps_s3_url: `http://${req.headers.host}/s3/${encodeURIComponent(name)}`,
      }),
    });
  } else if (path === '/s3/doc') {
    send({ headers: { etag: '"doc-v1"' }, body: DOC.bytes });
  } else if (path === '/s3/not-modified') {
    res.writeHead(304, { etag: '"doc-v1"', 'x-probe': 'kept' }).end();
  } else if (path === '/s3/failing') {
    res.statusMessage = 'Service Unavailable';
    send({ status: 503, type: 'application/xml', headers: { 'retry-after': '1' }, body: '<Error><Code>SlowDown</Code></Error>' });
  } else if (path === '/s3/echo') {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    send({ body: JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() }) });
  } else if (path === '/s3/truncated') {
    // Announces the whole document, sends 40% of it, then drops the connection.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': DOC.bytes.length, 'cache-control': 'no-store' });
    res.write(DOC.bytes.subarray(0, Math.floor(DOC.bytes.length * 0.4)), () => setTimeout(() => res.destroy(), 50));
  } else if (path === '/s3/stalled') {
    // 64 KB of a 10 MB body, then nothing: only the client can end this request.
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 10 * 1024 * 1024 });
    res.write(Buffer.alloc(64 * 1024, 0x61));
    const keepOpen = setTimeout(() => res.destroy(), 60_000);
    res.on('close', () => clearTimeout(keepOpen));
  } else {
    send({ status: 404, body: '' });
  }
}

/** @type {import('node:http').Server} */
let server;
let origin = '';
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(() => resolve(undefined)));
});

/** A fresh page on `path` with the package loaded; its uncaught errors are collected. */
async function openPage(path = '/') {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${origin}${path}`);
  await page.waitForFunction(() => /** @type {any} */ (window).pageReady === true);
  return { context, page, errors };
}

/** Resolves when the server saw `path` closed early (or times out). */
async function closedEarly(path, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (seen.get(path)?.closedEarly) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

describe('createWorkerFetch in Chromium', () => {
  test('a JobDetailClient gives the same steps and totals with the worker fetch as with the page fetch', async () => {
    const { context, page, errors } = await openPage();
    try {
      const result = await page.evaluate(async () => {
        const { loadJobDetail, createWorkerFetch } = /** @type {any} */ (window).pkg;
        const jd = await loadJobDetail();
        const workerFetch = createWorkerFetch();
        await workerFetch.ready;
        const load = (fetchFunction) =>
          new Promise((resolve, reject) => {
            const client = jd.createJobDetailClient({
              apiBaseUrl: `${location.origin}/api`, pageEvents: null, pollIntervalMs: false, documentCacheBytes: 0,
              ...(fetchFunction ? { fetch: fetchFunction } : {}),
            });
            const timer = setTimeout(() => reject(new Error('no final list after 60 s')), 60_000);
            client.subscribe(() => {
              const s = client.getSnapshot();
              if (s.status === 'error') reject(new Error(JSON.stringify(s.error)));
              if (s.status === 'ready' && !s.isFetching && s.steps && !s.steps.streaming) {
                clearTimeout(timer);
                const rows = [0, 1, Math.floor(s.steps.count / 2), s.steps.count - 1].map((i) => client.summary(i));
                const { source, complete, reason, count, totalCostUsd, totalCostDisplay, noCost, invalidCost } = s.steps;
                const out = { steps: { source, complete, reason, count, totalCostUsd, totalCostDisplay, noCost, invalidCost }, rows, lastStep: client.step(s.steps.count - 1) };
                client.dispose();
                resolve(out);
              }
            });
            client.load('doc');
          });
        const viaPage = await load(null);
        const viaWorker = await load(workerFetch);
        workerFetch.close();
        return { viaPage, viaWorker };
      });
      assert.equal(result.viaWorker.steps.source, 's3');
      assert.equal(result.viaWorker.steps.complete, true);
      assert.equal(result.viaWorker.steps.count, DOC.steps);
      assert.equal(result.viaWorker.steps.totalCostUsd, DOC.expectedTotalUsd);
      assert.deepEqual(result.viaWorker, result.viaPage);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('request fields reach the server; status, statusText and headers come back; 304 and 503 pass through', async () => {
    const { context, page } = await openPage();
    try {
      const result = await page.evaluate(async () => {
        const { createWorkerFetch } = /** @type {any} */ (window).pkg;
        const workerFetch = createWorkerFetch();
        const echo = await workerFetch('/s3/echo', {
          method: 'POST',
          headers: { 'x-probe': 'yes', 'if-none-match': '"doc-v1"' },
          body: 'hello',
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
          cache: 'no-store',
          redirect: 'error',
        });
        const echoed = await echo.json();
        const notModified = await workerFetch('/s3/not-modified', { cache: 'no-store' });
        const failing = await workerFetch('/s3/failing', { cache: 'no-store' });
        const out = {
          echo: { status: echo.status, ok: echo.ok, url: echo.url, type: echo.type, echoed },
          notModified: { status: notModified.status, body: notModified.body, etag: notModified.headers.get('etag'), probe: notModified.headers.get('x-probe') },
          failing: { status: failing.status, statusText: failing.statusText, retryAfter: failing.headers.get('retry-after'), text: await failing.text() },
        };
        workerFetch.close();
        return out;
      });
      assert.equal(result.echo.status, 200);
      assert.equal(result.echo.ok, true);
      assert.equal(result.echo.url, `${origin}/s3/echo`);
      assert.equal(result.echo.type, 'basic');
      assert.equal(result.echo.echoed.method, 'POST');
      assert.equal(result.echo.echoed.body, 'hello');
      assert.equal(result.echo.echoed.headers['x-probe'], 'yes');
      assert.equal(result.echo.echoed.headers['if-none-match'], '"doc-v1"');
      assert.equal(result.echo.echoed.headers.referer, undefined, 'referrerPolicy no-referrer: no Referer');
      assert.equal(result.echo.echoed.headers['cache-control'], 'no-cache', "cache: 'no-store' reached the worker's fetch");
      assert.deepEqual(result.notModified, { status: 304, body: null, etag: '"doc-v1"', probe: 'kept' });
      assert.deepEqual(result.failing, { status: 503, statusText: 'Service Unavailable', retryAfter: '1', text: '<Error><Code>SlowDown</Code></Error>' });
    } finally {
      await context.close();
    }
  });

  test('a reader slower than the network gets every byte in order (the worker pauses at the high-water mark and resumes)', async () => {
    const { context, page } = await openPage();
    try {
      const result = await page.evaluate(async () => {
        const { createWorkerFetch } = /** @type {any} */ (window).pkg;
        const digest = async (response, delayMs) => {
          const reader = response.body.getReader();
          const chunks = [];
          let length = 0;
          for (;;) {
            // A slow consumer: the stream fills past its mark while it waits.
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            const { done, value } = await reader.read();
            if (done) break;
            chunks.push(value);
            length += value.byteLength;
          }
          const all = new Uint8Array(length);
          let at = 0;
          for (const chunk of chunks) {
            all.set(chunk, at);
            at += chunk.byteLength;
          }
          return { length, sha256: [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))].map((b) => b.toString(16).padStart(2, '0')).join('') };
        };
        const workerFetch = createWorkerFetch({ highWaterMarkBytes: 64 * 1024 });
        const viaWorker = await digest(await workerFetch('/s3/doc', { cache: 'no-store' }), 20);
        const viaPage = await digest(await fetch('/s3/doc', { cache: 'no-store' }), 0);
        workerFetch.close();
        return { viaWorker, viaPage };
      });
      assert.equal(result.viaWorker.length, DOC.bytes.length);
      assert.deepEqual(result.viaWorker, result.viaPage);
    } finally {
      await context.close();
    }
  });

  test("abort mid-body errors the body with the signal's AbortError and drops the worker's request; an aborted signal rejects at once", async () => {
    const { context, page } = await openPage();
    try {
      seen.delete('/s3/stalled');
      const result = await page.evaluate(async () => {
        const { createWorkerFetch } = /** @type {any} */ (window).pkg;
        const workerFetch = createWorkerFetch();
        const controller = new AbortController();
        const response = await workerFetch('/s3/stalled', { signal: controller.signal, cache: 'no-store' });
        const reader = response.body.getReader();
        let received = 0;
        while (received < 64 * 1024) received += (await reader.read()).value.byteLength;
        const pending = reader.read();
        controller.abort();
        const readError = await pending.then(() => null, (error) => error);
        const already = new AbortController();
        already.abort();
        const atOnce = await workerFetch('/s3/doc', { signal: already.signal }).then(() => null, (error) => error);
        const beforeHead = new AbortController();
        const early = workerFetch('/s3/stalled?early', { signal: beforeHead.signal });
        beforeHead.abort();
        const earlyError = await early.then(() => null, (error) => error);
        return {
          received,
          readError: { name: readError?.name, same: readError === controller.signal.reason, isDomException: readError instanceof DOMException },
          atOnce: { name: atOnce?.name, same: atOnce === already.signal.reason },
          early: { name: earlyError?.name, same: earlyError === beforeHead.signal.reason },
        };
      });
      assert.equal(result.received, 64 * 1024);
      assert.deepEqual(result.readError, { name: 'AbortError', same: true, isDomException: true });
      assert.deepEqual(result.atOnce, { name: 'AbortError', same: true });
      assert.deepEqual(result.early, { name: 'AbortError', same: true });
      assert.equal(await closedEarly('/s3/stalled'), true, "the server saw the worker's request dropped before its body ended");
    } finally {
      await context.close();
    }
  });

  test("cancelling the body cancels the worker's read", async () => {
    const { context, page } = await openPage();
    try {
      seen.delete('/s3/stalled');
      const received = await page.evaluate(async () => {
        const { createWorkerFetch } = /** @type {any} */ (window).pkg;
        const workerFetch = createWorkerFetch();
        const reader = (await workerFetch('/s3/stalled', { cache: 'no-store' })).body.getReader();
        const { value } = await reader.read();
        await reader.cancel();
        return value.byteLength;
      });
      assert.ok(received > 0);
      assert.equal(await closedEarly('/s3/stalled'), true, 'the server saw the request dropped');
    } finally {
      await context.close();
    }
  });

  test('a body cut short errors the stream with a TypeError, and the client reports it as truncated, as with the page fetch', async () => {
    const { context, page } = await openPage();
    try {
      const result = await page.evaluate(async () => {
        const { loadJobDetail, createWorkerFetch } = /** @type {any} */ (window).pkg;
        const jd = await loadJobDetail();
        const workerFetch = createWorkerFetch();
        // Directly: some bytes, then the read fails as fetch's does.
        const reader = (await workerFetch('/s3/truncated', { cache: 'no-store' })).body.getReader();
        let bytes = 0;
        let readError = null;
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            bytes += value.byteLength;
          }
        } catch (error) {
          readError = { name: error.name, isTypeError: error instanceof TypeError };
        }
        const reasonWith = (fetchFunction) =>
          new Promise((resolve, reject) => {
            const client = jd.createJobDetailClient({
              apiBaseUrl: `${location.origin}/api`, pageEvents: null, pollIntervalMs: false, documentCacheBytes: 0,
              retry: { attempts: 1 }, ...(fetchFunction ? { fetch: fetchFunction } : {}),
            });
            const timer = setTimeout(() => reject(new Error('no final list after 30 s')), 30_000);
            client.subscribe(() => {
              const s = client.getSnapshot();
              if (s.status === 'ready' && !s.isFetching && s.steps && !s.steps.streaming) {
                clearTimeout(timer);
                const { source, complete, reason } = s.steps;
                client.dispose();
                resolve({ source, complete, reason });
              }
            });
            client.load('truncated');
          });
        const viaPage = await reasonWith(null);
        const viaWorker = await reasonWith(workerFetch);
        workerFetch.close();
        return { bytes, readError, viaPage, viaWorker };
      });
      assert.ok(result.bytes > 0 && result.bytes < DOC.bytes.length, `some bytes came first (${result.bytes})`);
      assert.deepEqual(result.readError, { name: 'TypeError', isTypeError: true });
      assert.deepEqual(result.viaPage, { source: 'dynamodb_fallback', complete: false, reason: 'truncated' });
      assert.deepEqual(result.viaWorker, result.viaPage);
    } finally {
      await context.close();
    }
  });

  test('a network failure rejects with a TypeError, as the page fetch does', async () => {
    const { context, page } = await openPage();
    const deadPort = await freePort();
    try {
      const result = await page.evaluate(async (port) => {
        const { createWorkerFetch } = /** @type {any} */ (window).pkg;
        const workerFetch = createWorkerFetch();
        const url = `http://127.0.0.1:${port}/nothing-listens`;
        const describe = (error) => ({ name: error?.name, isTypeError: error instanceof TypeError });
        const viaWorker = await workerFetch(url).then(() => null, describe);
        const viaPage = await fetch(url).then(() => null, describe);
        workerFetch.close();
        return { viaWorker, viaPage };
      }, deadPort);
      assert.deepEqual(result.viaWorker, { name: 'TypeError', isTypeError: true });
      assert.deepEqual(result.viaWorker, result.viaPage);
    } finally {
      await context.close();
    }
  });

  test('close() ends requests in flight as aborted and later calls reject with WorkerFetchUnavailableError', async () => {
    const { context, page } = await openPage();
    try {
      const result = await page.evaluate(async () => {
        const { createWorkerFetch, WorkerFetchUnavailableError } = /** @type {any} */ (window).pkg;
        const workerFetch = createWorkerFetch();
        const reader = (await workerFetch('/s3/stalled?close', { cache: 'no-store' })).body.getReader();
        await reader.read();
        const pending = reader.read();
        workerFetch.close();
        const inFlight = await pending.then(() => null, (error) => error.name);
        const later = await workerFetch('/s3/doc').then(() => null, (error) => error instanceof WorkerFetchUnavailableError);
        return { inFlight, later };
      });
      assert.deepEqual(result, { inFlight: 'AbortError', later: true });
    } finally {
      await context.close();
    }
  });

  test("under a nonce + 'strict-dynamic' policy it runs with worker-src 'self' or no worker-src, and says why under worker-src 'none'", async () => {
    const outcomes = {};
    for (const path of ['/csp-self', '/csp-none', '/csp-fallback']) {
      const { context, page } = await openPage(path);
      try {
        outcomes[path] = await page.evaluate(async () => {
          const { createWorkerFetch, WorkerFetchUnavailableError } = /** @type {any} */ (window).pkg;
          const workerFetch = createWorkerFetch();
          const ready = await workerFetch.ready.then(() => 'ready', (error) => (error instanceof WorkerFetchUnavailableError ? 'unavailable' : String(error)));
          const request = await workerFetch('/s3/not-modified').then((r) => r.status, (error) => (error instanceof WorkerFetchUnavailableError ? 'unavailable' : String(error)));
          workerFetch.close();
          return { ready, request };
        });
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(outcomes, {
      '/csp-self': { ready: 'ready', request: 304 },
      '/csp-none': { ready: 'unavailable', request: 'unavailable' },
      '/csp-fallback': { ready: 'ready', request: 304 },
    });
  });
});
