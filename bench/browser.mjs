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
// PerformanceObserver 'longtask' entries (the larger of the two is reported). Then the whole path a
// dashboard runs: a JobDetailClient loads a job from this server and downloads its steps, either
// from a byte stream that yields 64 KB per macrotask, from this server as Chromium delivers it
// (its loader takes several MB at a time on loopback; the client's BYOB reads take 256 KiB), or
// from this server read in a Worker (the package's createWorkerFetch: the chunks reach the page as
// transferred buffers); a probe posts itself a
// message in a loop and the longest gap between two of its turns is the longest task the page ran
// meanwhile.
// Search: bench/search.mjs in the page, on the same documents and needles as the Node line.
// Peers: `@streamparser/json` and `@discoveryjs/json-ext`, bundled for the page by esbuild.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { chromium } from 'playwright-core';

import { median } from './workloads.mjs';

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
import { createWorkerFetch, loadJobDetail } from '/wasm/dist/index.js';
import { JSONParser, parseChunked } from '/bench/peers.js';
import {
  CHUNK_BYTES as CHUNK, baselineIndex, captureWasmMemories, checkBaseline as checkBaselineOf, checkWasm as checkWasmOf,
  copyIntoWasmMemory, parseChunkedIndex, streamparserIndex, wasmIndexChunked,
} from '/bench/workloads.mjs';

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
const copyMemory = new WebAssembly.Memory({ initial: 1 });
let docName;

// The longest gap between turns of a task that re-posts itself: the longest task run meanwhile.
function gapProbe() {
  const probe = new MessageChannel();
  let last = performance.now();
  let longest = 0;
  let running = true;
  const gaps = [];
  probe.port1.onmessage = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    if (now - last > 16) gaps.push([Math.round(last), Math.round(now - last)]);
    last = now;
    if (running) probe.port2.postMessage(0);
  };
  probe.port2.postMessage(0);
  return () => {
    running = false;
    probe.port1.close();
    return { longest, gaps };
  };
}

// A body that yields 64 KB per macrotask, as a network delivering 64 KB reads. A byte stream, as
// Chromium's fetch bodies are: a BYOB read gets the bytes copied into the reader's own buffer (what
// Chromium's BodyStreamBuffer does), any other read a fresh 64 KB buffer.
function chunkedBody() {
  let at = 0;
  return new ReadableStream({
    type: 'bytes',
    async pull(controller) {
      await nextTask();
      const request = controller.byobRequest;
      if (request) {
        const n = Math.min(CHUNK, request.view.byteLength, doc.length - at);
        new Uint8Array(request.view.buffer, request.view.byteOffset, n).set(doc.subarray(at, at + n));
        request.respond(n);
        at += n;
      } else {
        controller.enqueue(doc.slice(at, at + CHUNK));
        at += CHUNK;
      }
      if (at >= doc.length) controller.close();
    },
  });
}

// The largest read the page's code made while work() ran, whatever reader made it: the client's
// body is read as it comes, not through a counting stream that would hide what kind of stream it is.
async function largestReadDuring(work) {
  const readers = [ReadableStreamDefaultReader.prototype, ReadableStreamBYOBReader.prototype];
  const reads = readers.map((proto) => proto.read);
  let largest = 0;
  readers.forEach((proto, n) => {
    proto.read = async function (...args) {
      const result = await reads[n].apply(this, args);
      if (result.value?.byteLength) largest = Math.max(largest, result.value.byteLength);
      return result;
    };
  });
  try {
    return { result: await work(), largestRead: largest };
  } finally {
    readers.forEach((proto, n) => void (proto.read = reads[n]));
  }
}

window.bench = {
  async load(name, steps, total) {
    docName = name;
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
    } else if (side === 'copy') {
      copyIntoWasmMemory(copyMemory, doc);
    } else {
      const { index, result } = wasmChunked(doc);
      index.dispose();
      checkWasm(result);
    }
    return performance.now() - start;
  },
  async peer(side) {
    const start = performance.now();
    if (side === 'streamparser') checkBaseline(streamparserIndex(JSONParser, doc));
    else checkBaseline(await parseChunkedIndex(parseChunked, doc));
    return performance.now() - start;
  },
  // The dashboard's path: a client loads the job and downloads its steps ('chunked': 64 KB per
  // macrotask; 'server': from this server as Chromium reads it; 'worker': the same, read in a
  // Worker by createWorkerFetch, started before the probe as a page would at its start).
  async client(mode) {
    const workerFetch = mode === 'worker' ? createWorkerFetch() : null;
    if (workerFetch) await workerFetch.ready;
    const fetchSteps = async (input, init) => {
      if (!String(input).includes('/s3/')) return fetch(input, init);
      if (mode === 'chunked') {
        return new Response(chunkedBody(), { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(doc.length) } });
      }
      return (workerFetch ?? fetch)(input, init);
    };
    const client = jd.createJobDetailClient({
      apiBaseUrl: location.origin + '/api', pageEvents: null, pollIntervalMs: false, documentCacheBytes: 0, fetch: fetchSteps,
    });
    const stop = gapProbe();
    const start = performance.now();
    const published = [];
    const { result: snapshot, largestRead } = await largestReadDuring(() => new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('client: no complete list after 120 s')), 120000);
      const unsubscribe = client.subscribe(() => {
        const s = client.getSnapshot();
        published.push([Math.round(performance.now() - start), s.progress?.bytes ?? null]);
        if (s.status === 'error') reject(new Error(JSON.stringify(s.error)));
        if (s.steps?.source === 's3' && s.steps.complete && !s.isFetching) {
          clearTimeout(deadline);
          unsubscribe();
          resolve(s);
        }
      });
      client.load(docName);
    }));
    const end = performance.now();
    const totalMs = end - start;
    const probed = stop();
    const longestTaskMs = probed.longest;
    // Where the long tasks were: [ms after the load started, length], and when the list completed.
    const gaps = probed.gaps.map(([at, ms]) => [at - Math.round(start), ms]);

    client.dispose();
    workerFetch?.close();
    checkWasm({ ok: true, count: snapshot.steps.count, totalCostUsd: snapshot.steps.totalCostUsd });
    return { longestTaskMs, totalMs, largestRead, gaps, published };
  },
  // The floor under the 'server' figure: the same body from this server, read by the page as the
  // client reads it (a BYOB reader, one reused 256 KiB buffer) and dropped, no module. What is left
  // is Chromium's own work: its loader drains the network's data pipe into memory in tasks of
  // several milliseconds (ResponseBodyLoader in a trace), before any read of the page.
  async readBody() {
    const stop = gapProbe();
    const start = performance.now();
    const reader = (await fetch('/s3/' + encodeURIComponent(docName), { cache: 'no-store' })).body.getReader({ mode: 'byob' });
    let largestRead = 0;
    for (let buffer = new ArrayBuffer(256 * 1024); ;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      largestRead = Math.max(largestRead, value.byteLength);
      buffer = value.buffer;
    }
    const totalMs = performance.now() - start;
    const probed = stop();
    const gaps = probed.gaps.map(([at, ms]) => [at - Math.round(start), ms]);
    return { longestTaskMs: probed.longest, totalMs, largestRead, gaps, published: [] };
  },
  wasmBytes,
  // The explorer's search on this document against JSON.parse + includes (bench/search.mjs).
  async search(needles, runs) {
    const { measureSearch } = await import('/bench/search.mjs');
    return measureSearch(jd, doc, needles, runs);
  },
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

// The peers as one ES module the page can import (it cannot resolve bare package names).
async function bundlePeers() {
  const result = await build({
    stdin: {
      contents: "export { JSONParser } from '@streamparser/json'; export { parseChunked } from '@discoveryjs/json-ext';",
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

async function startServer(docs) {
  const peers = await bundlePeers();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      let body;
      let type;
      if (url.pathname.startsWith('/api/jobs/')) {
        // A job whose steps document is this server's /s3/<name> (the client's own requests).
        const name = decodeURIComponent(url.pathname.slice('/api/jobs/'.length));
        body = JSON.stringify({
          id: name,
          status: 'completed',
          execution_steps: [],
          execution_steps_s3_key: `steps/${name}.json`,
          execution_steps_s3_url: `http://${req.headers.host}/s3/${encodeURIComponent(name)}`,
        });
        type = 'application/json';
      } else if (url.pathname.startsWith('/s3/')) {
        body = docs[decodeURIComponent(url.pathname.slice(4))].bytes;
        type = 'application/json';
      } else if (url.pathname === '/bench/peers.js') {
        body = peers;
        type = 'text/javascript';
      } else if (url.pathname === '/') {
        body = '<!DOCTYPE html><meta charset="utf-8"><title>bench</title><script type="module" src="/page.mjs"></script>';
        type = 'text/html';
      } else if (url.pathname === '/page.mjs') {
        body = PAGE_SCRIPT;
        type = 'text/javascript';
      } else if (url.pathname === '/bench/workloads.mjs' || url.pathname === '/bench/search.mjs') {
        body = await readFile(join(root, 'bench', url.pathname.slice('/bench/'.length)));
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
      // With its length, as S3 sends a body (writeHead without it makes Node send it chunked).
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * @param {{docs: Record<string, {bytes: Uint8Array, steps: number, expectedTotalUsd: string}>,
 *   runs: number, peerRuns: number, memoryRuns: number, slowPeers?: Record<string, boolean>,
 *   parts?: string[], searchNeedles?: Record<string, string[]>}} options
 * (`slowPeers[name]`: leave @streamparser/json out on that document; `parts`: which of 'time',
 * 'memory', 'stream', 'client', 'search' to measure, all by default, so one figure can be re-measured
 * alone; `searchNeedles[name]`: what the search line looks for there, no search when absent)
 */
export async function runBrowser({ docs, runs, peerRuns, memoryRuns, slowPeers = {}, parts = ['time', 'memory', 'stream', 'client', 'search'],
  searchNeedles = {} }) {
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
      const copy = [];
      const streamparser = [];
      const chunkedParse = [];
      for (let r = -1; r < (parts.includes('time') ? runs : -1); r++) {
        const a = await page.evaluate(() => window.bench.time('whole'));
        const b = await page.evaluate(() => window.bench.time('chunked'));
        const c = await page.evaluate(() => window.bench.time('baseline'));
        const d = await page.evaluate(() => window.bench.time('copy'));
        if (r >= 0) {
          whole.push(a);
          chunked.push(b);
          base.push(c);
          copy.push(d);
        }
        if (r >= 0 && r < peerRuns) {
          if (!slowPeers[name]) streamparser.push(await page.evaluate(() => window.bench.peer('streamparser')));
          chunkedParse.push(await page.evaluate(() => window.bench.peer('parseChunked')));
        }
      }
      const search = parts.includes('search') && searchNeedles[name]
        ? await page.evaluate(([needles, n]) => window.bench.search(needles, n), [searchNeedles[name], runs])
        : [];
      const memory = { wasm: [], baseline: [] };
      for (let r = 0; r < (parts.includes('memory') ? memoryRuns : 0); r++) {
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
      for (let r = 0; r < (parts.includes('stream') ? memoryRuns : 0); r++) {
        for (const side of ['wasm', 'baseline']) {
          await open(name);
          const s = await page.evaluate((x) => window.bench.stream(x), side);
          stream[side].push(Math.max(s.longestSliceMs, s.longestTaskMs));
        }
      }
      const client = { chunked: [], server: [], read: [], worker: [], largestRead: 0, workerLargestRead: 0, runs: [] };
      for (let r = 0; r < (parts.includes('client') ? memoryRuns : 0); r++) {
        for (const mode of ['chunked', 'server', 'read', 'worker']) {
          await open(name);
          // JD_BENCH_TRACE=dir: a Chromium trace of each run, to tell the page's own work in a long
          // task (thread time, tdur) from time it waited for a core or for V8's background GC
          // threads (wall time only; their work is in the trace too).
          const trace = process.env.JD_BENCH_TRACE ? join(process.env.JD_BENCH_TRACE, `${name}-${mode}-${r}.json`) : null;
          if (trace) await browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.gc'] });
          const c = await page.evaluate((m) => (m === 'read' ? window.bench.readBody() : window.bench.client(m)), mode);
          if (trace) await browser.stopTracing();
          client[mode].push(c.longestTaskMs);
          client.runs.push({ mode, ...c });
          if (mode === 'server') client.largestRead = Math.max(client.largestRead, c.largestRead);
          if (mode === 'worker') client.workerLargestRead = Math.max(client.workerLargestRead, c.largestRead);
        }
      }
      out.variants[name] = {
        copyMs: median(copy),
        streamparserMs: streamparser.length ? median(streamparser) : null,
        parseChunkedMs: chunkedParse.length ? median(chunkedParse) : null,
        clientChunkedLongestTaskMs: median(client.chunked),
        clientServerLongestTaskMs: median(client.server),
        clientServerLargestReadBytes: client.largestRead,
        serverReadLongestTaskMs: median(client.read),
        clientWorkerLongestTaskMs: median(client.worker),
        clientWorkerLargestReadBytes: client.workerLargestRead,
        clientRuns: client.runs,  // each run's gaps over 16 ms ([ms after load(), length]) and publishes
        wasmMs: median(whole),
        wasmChunkedMs: median(chunked),
        baselineMs: median(base),
        wasmBytes: median(memory.wasm),
        baselineBytes: median(memory.baseline),
        wasmLongestTaskMs: median(stream.wasm),
        baselineLongestTaskMs: median(stream.baseline),
        search,
      };
    }
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}
