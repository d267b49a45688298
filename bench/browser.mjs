// The Chromium part of the step index benchmark (called by run.mjs): headless /usr/bin/chromium
// through playwright-core, a page served by a tiny node:http server that imports the package's
// browser entry (wasm/dist/index.js) and fetches the generated document.
//
// Time: as in Node, bytes in memory -> indexed list with the exact total, interleaved, medians.
// Memory: a fresh page per measurement (wasm memory never shrinks); JS heap from the DevTools
// protocol (Runtime.getHeapUsage after HeapProfiler.collectGarbage, then again right after the work
// while the result is alive) plus wasm memory growth (performance.memory is coarse and
// measureUserAgentSpecificMemory needs cross-origin isolation, so neither is used). The document's
// own bytes are ArrayBuffer backing store, outside both figures, on both sides.
// Longest task: the document arrives in 64 KB chunks, one macrotask each (MessageChannel, no timer
// clamping); the wasm side feeds each chunk, the baseline collects them and parses at the end. The
// figure is the longest handler measured with performance.now(), cross-checked with the
// PerformanceObserver 'longtask' entries (the larger of the two is reported).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'wasm', 'dist');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--headless',
];

// Runs in the page. Same baseline and wasm work as run.mjs.
const PAGE_SCRIPT = String.raw`
import { loadJobDetail } from '/wasm/dist/index.js';
import { CHUNK_BYTES as CHUNK, baselineIndex, captureWasmMemories, checkBaseline as checkBaselineOf, checkWasm as checkWasmOf, wasmIndexChunked } from '/bench/workloads.mjs';

const checkBaseline = (out) => checkBaselineOf(out, expected);
const checkWasm = (result) => checkWasmOf(result, expected, 'wasm');

const memories = captureWasmMemories();

let jd;
let doc;
let expected;
let keep;

const wasmChunked = (bytes) => wasmIndexChunked(jd, bytes);
const wasmBytes = () => memories[0].buffer.byteLength;

const channel = new MessageChannel();
let wake;
channel.port1.onmessage = () => wake();
const nextTask = () => new Promise((resolve) => { wake = resolve; channel.port2.postMessage(0); });

window.bench = {
  async load(name, steps, total) {
    doc = new Uint8Array(await (await fetch('/doc/' + name)).arrayBuffer());
    expected = { steps, expectedTotalUsd: total };
    jd = await loadJobDetail();
    return doc.length;
  },
  time(side) {
    const start = performance.now();
    if (side === 'baseline') {
      checkBaseline(baselineIndex(doc));
    } else if (side === 'whole') {
      checkWasm(jd.indexSteps(doc));
    } else {
      const { index, result } = wasmChunked(doc);
      index.dispose();
      checkWasm(result);
    }
    return performance.now() - start;
  },
  wasmBytes,
  // Runs one side and keeps its result alive; returns the wasm memory growth.
  work(side) {
    const before = wasmBytes();
    if (side === 'baseline') {
      keep = baselineIndex(doc);
      checkBaseline(keep);
    } else {
      keep = wasmChunked(doc);
      checkWasm(keep.result);
    }
    return wasmBytes() - before;
  },
  async stream(side) {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    let longest = 0;
    const chunks = [];
    const index = side === 'wasm' ? jd.createStepIndex() : null;
    const start = performance.now();
    for (let at = 0; at < doc.length; at += CHUNK) {
      await nextTask();
      const chunk = doc.slice(at, at + CHUNK); // a fresh buffer, as the network gives
      const last = at + CHUNK >= doc.length;
      const t0 = performance.now();
      if (index) {
        index.feed(chunk);
        if (last) checkWasm(index.finish());
      } else {
        chunks.push(chunk);
        if (last) {
          const all = new Uint8Array(doc.length);
          let offset = 0;
          for (const c of chunks) { all.set(c, offset); offset += c.length; }
          checkBaseline(baselineIndex(all));
        }
      }
      longest = Math.max(longest, performance.now() - t0);
    }
    const total = performance.now() - start;
    await nextTask();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the observer deliver
    observer.disconnect();
    if (index) index.dispose();
    return { longestSliceMs: longest, longestTaskMs: Math.max(0, ...longTasks), totalMs: total };
  },
};
window.benchReady = true;
`;

function contentType(path) {
  if (path.endsWith('.wasm')) return 'application/wasm';
  if (path.endsWith('.js') || path.endsWith('.mjs')) return 'text/javascript';
  if (path.endsWith('.html')) return 'text/html';
  return 'application/octet-stream';
}

function startServer(docs) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      let body;
      let type;
      if (url.pathname === '/') {
        body = '<!DOCTYPE html><meta charset="utf-8"><title>bench</title><script type="module" src="/page.mjs"></script>';
        type = 'text/html';
      } else if (url.pathname === '/page.mjs') {
        body = PAGE_SCRIPT;
        type = 'text/javascript';
      } else if (url.pathname === '/bench/workloads.mjs') {
        body = await readFile(join(root, 'bench', 'workloads.mjs'));
        type = 'text/javascript';
      } else if (url.pathname.startsWith('/doc/')) {
        body = docs[decodeURIComponent(url.pathname.slice(5))].bytes;
        type = 'application/json';
      } else if (url.pathname.startsWith('/wasm/dist/')) {
        const file = normalize(join(dist, url.pathname.slice('/wasm/dist/'.length)));
        if (!file.startsWith(dist)) throw new Error('outside dist');
        body = await readFile(file);
        type = contentType(file);
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * @param {{docs: Record<string, {bytes: Uint8Array, steps: number, expectedTotalUsd: string}>,
 *   runs: number, memoryRuns: number}} options
 */
export async function runBrowser({ docs, runs, memoryRuns }) {
  const server = await startServer(docs);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    const open = async (name) => {
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => window.benchReady === true);
      const doc = docs[name];
      await page.evaluate(([n, s, t]) => window.bench.load(n, s, t), [name, doc.steps, doc.expectedTotalUsd]);
    };
    const heapUsed = async () => (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const out = { chromium: browser.version(), variants: {} };
    for (const name of Object.keys(docs)) {
      await open(name);
      const whole = [];
      const chunked = [];
      const base = [];
      for (let r = -1; r < runs; r++) {
        const a = await page.evaluate(() => window.bench.time('whole'));
        const b = await page.evaluate(() => window.bench.time('chunked'));
        const c = await page.evaluate(() => window.bench.time('baseline'));
        if (r >= 0) {
          whole.push(a);
          chunked.push(b);
          base.push(c);
        }
      }
      const memory = { wasm: [], baseline: [] };
      for (let r = 0; r < memoryRuns; r++) {
        for (const side of ['wasm', 'baseline']) {
          await open(name);
          await cdp.send('HeapProfiler.collectGarbage');
          const before = await heapUsed();
          const wasmGrowth = await page.evaluate((s) => window.bench.work(s), side);
          const heap = (await heapUsed()) - before;
          memory[side].push(heap + wasmGrowth);
        }
      }
      const stream = { wasm: [], baseline: [] };
      for (let r = 0; r < memoryRuns; r++) {
        for (const side of ['wasm', 'baseline']) {
          await open(name);
          const s = await page.evaluate((x) => window.bench.stream(x), side);
          stream[side].push(Math.max(s.longestSliceMs, s.longestTaskMs));
        }
      }
      out.variants[name] = {
        wasmMs: median(whole),
        wasmChunkedMs: median(chunked),
        baselineMs: median(base),
        wasmBytes: median(memory.wasm),
        baselineBytes: median(memory.baseline),
        wasmLongestTaskMs: median(stream.wasm),
        baselineLongestTaskMs: median(stream.baseline),
      };
    }
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}
