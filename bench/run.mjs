// The step index benchmark: the package's WebAssembly index against the baseline the
// dashboard would otherwise run (`new TextDecoder().decode(bytes)` + `JSON.parse` + summing
// `cost_usd` in JS), on the generated documents: non-ASCII (~31 MB), ASCII-only, and the non-ASCII
// one as the Python worker writes it (`json.dumps` defaults: every non-ASCII character a `\uXXXX`
// escape, ~52 MB).
//
//   node --expose-gc bench/run.mjs [--runs N] [--peer-runs N] [--memory-runs N] [--no-browser]
//
// Time: in this one process, runs interleaved (wasm whole, wasm 64 KB chunks, baseline, the copy
// line, ...), medians. The clock runs from bytes in memory to an indexed list with the exact
// total; each run's total is checked against the generator's. The streaming peers users would
// pick instead (`@streamparser/json`, `@discoveryjs/json-ext` `parseChunked`) are fed the same
// 64 KB chunks in the same loop for the first --peer-runs runs (they take seconds per run).
// The copy line: the same bytes copied in the same chunks into a wasm memory, what the index
// would cost if scanning were free; the index's throughput is given as a share of it.
// Memory: one child process per measurement (sides interleaved, median), because wasm memory never
// shrinks and V8's heap keeps garbage from earlier runs: a fresh process starts both sides from the
// same state (module loaded, document bytes in memory, full GC). The figure is the growth of
// heapUsed + external right after the work, without a GC, while the result is alive: for the
// baseline the decoded string and the parsed tree (still referenced), for wasm the live index.
// In Node 20 `external` counts wasm memory and ArrayBuffers (arrayBuffers is a subset of it), so
// nothing is counted twice; the child checks that wasm growth is inside `external`.
// Size: gzip (zlib, level 9) of the .wasm, the Emscripten glue and the facade's JS files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { JSONParser } from '@streamparser/json';
import { parseChunked } from '@discoveryjs/json-ext';

import { generateStepsDocument } from './generate.mjs';
import { nativeProfile, printProfile } from './profile.mjs';
import { measureSize, printSizeBreakdown } from './wasm_size.mjs';
import {
  baselineIndex,
  captureWasmMemories,
  checkBaseline,
  checkWasm,
  copyIntoWasmMemory,
  median,
  parseChunkedIndex,
  streamparserIndex,
  wasmIndexChunked,
} from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(root, 'wasm', 'dist');
const outDir = join(here, 'out');

export const GOALS = {
  timeRatio: 0.1,
  memoryRatio: 0.5,
  longestTaskMs: 16,
  copyShare: 0.4,
  gzipBytes: 90 * 1024,
  searchRatio: 0.1,
  searchMs: 50,
};

// What the explorer's search benchmark looks for: a phrase thousands of steps hold, and a prompt
// only one step holds (the search reads the whole document either way).
export const SEARCH_NEEDLES = {
  'non-ASCII': ['naïve coöpération', '(step 4242)'],
  ASCII: ['naive cooperation', 'with "quoted" words'],
  'Python-written': ['naïve coöpération', '(step 4242)'],
};

/** The documents, by name: generator options and the file the memory children read. */
export const DOCUMENTS = [
  { name: 'non-ASCII', file: 'steps-non-ascii.json', options: { nonAscii: true } },
  { name: 'ASCII', file: 'steps-ascii.json', options: { nonAscii: false } },
  { name: 'Python-written', file: 'steps-python.json', options: { nonAscii: true, pythonDumps: true } },
];

function timeIt(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const copyMemory = new WebAssembly.Memory({ initial: 1 });

async function measureTime(jd, doc, runs, peerRuns) {
  const whole = [];
  const chunked = [];
  const base = [];
  const copy = [];
  const streamparser = [];
  const chunkedParse = [];
  for (let r = -1; r < runs; r++) {
    // Run -1 warms up (JIT, wasm memory growth); its figures are dropped.
    const a = timeIt(() => checkWasm(jd.indexSteps(doc.bytes), doc, 'indexSteps'));
    const b = timeIt(() => {
      const { index, result } = wasmIndexChunked(jd, doc.bytes);
      index.dispose();
      checkWasm(result, doc, 'createStepIndex');
    });
    const c = timeIt(() => checkBaseline(baselineIndex(doc.bytes), doc));
    const d = timeIt(() => copyIntoWasmMemory(copyMemory, doc.bytes));
    if (r >= 0) {
      whole.push(a);
      chunked.push(b);
      base.push(c);
      copy.push(d);
    }
    if (r >= 0 && r < peerRuns) {
      streamparser.push(timeIt(() => checkBaseline(streamparserIndex(JSONParser, doc.bytes), doc)));
      chunkedParse.push(await timeAsync(async () => checkBaseline(await parseChunkedIndex(parseChunked, doc.bytes), doc)));
    }
  }
  return {
    wasmWholeMs: median(whole),
    wasmChunkedMs: median(chunked),
    baselineMs: median(base),
    copyMs: median(copy),
    streamparserMs: streamparser.length ? median(streamparser) : null,
    parseChunkedMs: chunkedParse.length ? median(chunkedParse) : null,
  };
}

// ---- memory: child mode ----
async function memoryChild(side, path, expectedTotal) {
  const wasmMemories = captureWasmMemories();
  const { loadJobDetail } = await import(join(dist, 'node.js'));
  const bytes = new Uint8Array(readFileSync(path));
  const jd = await loadJobDetail();
  const doc = { steps: 5000, expectedTotalUsd: expectedTotal };
  globalThis.gc();
  globalThis.gc();
  const wasmBefore = wasmMemories[0].buffer.byteLength;
  const before = process.memoryUsage();
  let keep;
  if (side === 'baseline') {
    keep = baselineIndex(bytes);
  } else if (side === 'wasm') {
    keep = wasmIndexChunked(jd, bytes);
    checkWasm(keep.result, doc, 'createStepIndex');
  } else {
    keep = jd.indexSteps(bytes);
    checkWasm(keep, doc, 'indexSteps');
  }
  const after = process.memoryUsage();
  const wasmGrowth = wasmMemories[0].buffer.byteLength - wasmBefore;
  const heap = after.heapUsed - before.heapUsed;
  const external = after.external - before.external;
  if (side === 'baseline') checkBaseline(keep, doc);
  process.stdout.write(
    JSON.stringify({ bytes: heap + external, heap, external, wasmGrowth, wasmCounted: external >= wasmGrowth }),
  );
}

function measureMemoryInChildren(docPath, expectedTotal, runs) {
  const samples = { baseline: [], wasm: [], indexSteps: [] };
  for (let r = 0; r < runs; r++) {
    for (const side of Object.keys(samples)) {
      const child = spawnSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), '--memory-child', side, docPath, expectedTotal],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (child.status !== 0) throw new Error(`memory child ${side} failed: ${child.stderr}`);
      const sample = JSON.parse(child.stdout);
      if (!sample.wasmCounted) throw new Error(`memory child ${side}: wasm memory not inside external`);
      samples[side].push(sample);
    }
  }
  const pick = (list) => median(list.map((s) => s.bytes));
  return {
    baselineBytes: pick(samples.baseline),
    wasmChunkedBytes: pick(samples.wasm),
    wasmWholeBytes: pick(samples.indexSteps),
    wasmChunkedWasmGrowth: median(samples.wasm.map((s) => s.wasmGrowth)),
  };
}

// ---- report ----
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(1)} ms`;
const throughput = (bytes, t) => (bytes / 1e6 / (t / 1e3) >= 1000 ? `${(bytes / 1e6 / t).toFixed(2)} GB/s` : `${(bytes / 1e6 / (t / 1e3)).toFixed(0)} MB/s`);

// `met`: true, false, or null for a figure without a goal (a peer, a reference).
function row(figure, wasm, baseline, ratio, goal, met) {
  return { figure, wasm, baseline, ratio: ratio === null ? '' : ratio.toFixed(3), goal, met: met === null ? '' : met ? 'yes' : 'NO' };
}

export function printTable(rows) {
  const heads = ['figure', 'wasm', 'baseline', 'ratio', 'goal', 'met?'];
  const keys = ['figure', 'wasm', 'baseline', 'ratio', 'goal', 'met'];
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[keys[i]]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
  console.log(line(heads));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const runs = option('--runs', 9);
  const peerRuns = option('--peer-runs', 1);
  const memoryRuns = option('--memory-runs', 3);
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

  mkdirSync(outDir, { recursive: true });
  const { loadJobDetail } = await import(join(dist, 'node.js'));
  const jd = await loadJobDetail();
  const size = await measureSize();
  const results = { date: new Date().toISOString(), node: process.version, runs, peerRuns, memoryRuns, size, variants: {} };
  const rows = [];
  const docs = {};
  for (const { name, file, options } of DOCUMENTS) {
    const doc = generateStepsDocument(options);
    const path = join(outDir, file);
    writeFileSync(path, doc.bytes);
    docs[name] = { ...doc, path };
    console.error(`${name}: ${mb(doc.bytes.length)}, ${doc.steps} steps, total ${doc.expectedTotalUsd} USD`);
    const time = await measureTime(jd, doc, runs, peerRuns);
    const memory = measureMemoryInChildren(path, doc.expectedTotalUsd, memoryRuns);
    results.variants[name] = { bytes: doc.bytes.length, steps: doc.steps, time, memory };
    const speed = (t) => `${ms(t)} ${throughput(doc.bytes.length, t)}`;
    const timeRow = (figure, t) =>
      row(figure, speed(t), speed(time.baselineMs), t / time.baselineMs, `<= ${GOALS.timeRatio}`, t / time.baselineMs <= GOALS.timeRatio);
    const peerRow = (figure, t) =>
      t === null ? [] : [row(figure, speed(t), speed(time.baselineMs), t / time.baselineMs, '(a peer)', null)];
    const share = time.copyMs / time.wasmChunkedMs;
    rows.push(
      timeRow(`node ${name} time (one feed)`, time.wasmWholeMs),
      timeRow(`node ${name} time (64 KB feeds)`, time.wasmChunkedMs),
      ...peerRow(`node ${name} @streamparser/json (64 KB feeds)`, time.streamparserMs),
      ...peerRow(`node ${name} json-ext parseChunked (64 KB feeds)`, time.parseChunkedMs),
      row(`node ${name} copy into wasm memory (64 KB chunks)`, speed(time.copyMs), `index at ${(share * 100).toFixed(0)}% of it`,
        share, `>= ${GOALS.copyShare}`, share >= GOALS.copyShare),
      row(`node ${name} peak memory (64 KB feeds)`, mb(memory.wasmChunkedBytes), mb(memory.baselineBytes),
        memory.wasmChunkedBytes / memory.baselineBytes, `<= ${GOALS.memoryRatio}`, memory.wasmChunkedBytes / memory.baselineBytes <= GOALS.memoryRatio),
      row(`node ${name} peak memory (indexSteps)`, mb(memory.wasmWholeBytes), mb(memory.baselineBytes),
        memory.wasmWholeBytes / memory.baselineBytes, `<= ${GOALS.memoryRatio}`, memory.wasmWholeBytes / memory.baselineBytes <= GOALS.memoryRatio),
    );
  }
  const { measureSearch } = await import('./search.mjs');
  const searchRow = (figure, s) => {
    const ratio = s.wasmMs / s.baselineMs;
    const cpu = s.wasmCpuMs === null ? '' : ` (CPU ${ms(s.wasmCpuMs)})`;
    return row(figure, `${ms(s.wasmMs)}${cpu} in ${s.slices} slices, longest ${ms(s.longestSliceMs)}`, ms(s.baselineMs), ratio,
      `<= ${GOALS.searchRatio}, <= ${GOALS.searchMs} ms`, ratio <= GOALS.searchRatio && s.wasmMs <= GOALS.searchMs);
  };
  results.search = {};
  for (const [name, needles] of Object.entries(SEARCH_NEEDLES)) {
    const found = await measureSearch(jd, docs[name].bytes, needles, runs);
    results.search[name] = found;
    for (const s of found) rows.push(searchRow(`node ${name} search "${s.text}" (${s.matched} steps)`, s));
  }
  if (!args.includes('--no-browser')) {
    const { runBrowser } = await import('./browser.mjs');
    // A peer under 5 MB/s in Node (@streamparser/json on the escape-heavy Python-written document:
    // 2 MB/s, a minute and more per run in Chromium) is left out there to keep the bench short.
    const slowPeers = Object.fromEntries(Object.entries(results.variants).map(([name, v]) =>
      [name, v.time.streamparserMs !== null && v.bytes / 1e3 / v.time.streamparserMs < 5]));
    const browser = await runBrowser({ docs, runs: Math.max(3, Math.ceil(runs / 2)), peerRuns: Math.min(peerRuns, 1), memoryRuns, slowPeers,
      searchNeedles: SEARCH_NEEDLES });
    results.browser = browser;
    for (const [name, b] of Object.entries(browser.variants)) {
      const bytes = docs[name].bytes.length;
      const speed = (t) => `${ms(t)} ${throughput(bytes, t)}`;
      const timeRow = (figure, t) =>
        row(figure, speed(t), speed(b.baselineMs), t / b.baselineMs, `<= ${GOALS.timeRatio}`, t / b.baselineMs <= GOALS.timeRatio);
      const peerRow = (figure, t) =>
        t === null ? [] : [row(figure, speed(t), speed(b.baselineMs), t / b.baselineMs, '(a peer)', null)];
      const share = b.copyMs / b.wasmChunkedMs;
      const taskRow = (figure, wasm, baseline) =>
        row(figure, ms(wasm), baseline === null ? '' : ms(baseline), null, `<= ${GOALS.longestTaskMs} ms`, wasm <= GOALS.longestTaskMs);
      rows.push(
        timeRow(`chromium ${name} time (one feed)`, b.wasmMs),
        timeRow(`chromium ${name} time (64 KB feeds)`, b.wasmChunkedMs),
        ...(b.streamparserMs === null && b.parseChunkedMs !== null
          ? [row(`chromium ${name} @streamparser/json (64 KB feeds)`, 'left out: < 5 MB/s in Node', '', null, '(a peer)', null)]
          : peerRow(`chromium ${name} @streamparser/json (64 KB feeds)`, b.streamparserMs)),
        ...peerRow(`chromium ${name} json-ext parseChunked (64 KB feeds)`, b.parseChunkedMs),
        row(`chromium ${name} copy into wasm memory (64 KB chunks)`, speed(b.copyMs), `index at ${(share * 100).toFixed(0)}% of it`,
          share, `>= ${GOALS.copyShare}`, share >= GOALS.copyShare),
        row(`chromium ${name} peak memory (64 KB feeds)`, mb(b.wasmBytes), mb(b.baselineBytes), b.wasmBytes / b.baselineBytes,
          `<= ${GOALS.memoryRatio}`, b.wasmBytes / b.baselineBytes <= GOALS.memoryRatio),
        taskRow(`chromium ${name} longest task, 64 KB arrivals (feed / collect+parse)`, b.wasmLongestTaskMs, b.baselineLongestTaskMs),
        taskRow(`chromium ${name} longest task, client, 64 KB arrivals`, b.clientChunkedLongestTaskMs, null),
        // Beside it, the floor: the page reading the same body alone, without the module.
        row(`chromium ${name} longest task, client, local server (reads up to ${mb(b.clientServerLargestReadBytes)})`,
          ms(b.clientServerLongestTaskMs), `${ms(b.serverReadLongestTaskMs)} reading alone`, null,
          `<= ${GOALS.longestTaskMs} ms`, b.clientServerLongestTaskMs <= GOALS.longestTaskMs),
        // The same download with the body read in a Worker (createWorkerFetch): that floor is off the page.
        row(`chromium ${name} longest task, client, local server, body read in a Worker (reads up to ${mb(b.clientWorkerLargestReadBytes)})`,
          ms(b.clientWorkerLongestTaskMs), '', null, `<= ${GOALS.longestTaskMs} ms`, b.clientWorkerLongestTaskMs <= GOALS.longestTaskMs),
      );
      // Beside the Node search line: the same documents, needles and goal, in Chromium.
      for (const s of b.search) rows.push(searchRow(`chromium ${name} search "${s.text}" (${s.matched} steps)`, s));
    }
  }
  rows.push(row('package size, published files (each gzip)', kb(size.gzipBytes), '', null, '(not shipped as is)', null));
  rows.push(row('package size, production bundle (min+gzip)', kb(size.bundleGzipBytes),
    `wasm ${kb(size.wasmGzipBytes)}, glue ${kb(size.glueGzipBytes)}, facade ${kb(size.facadeGzipBytes)}`, null,
    `<= ${GOALS.gzipBytes / 1024} KB`, size.bundleGzipBytes <= GOALS.gzipBytes));
  results.rows = rows;
  const profile = nativeProfile(DOCUMENTS.map(({ name, file }) => ({ name, path: join(outDir, file) })));
  results.profile = profile;
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(rows);
  console.log(`\nmedians of ${runs} interleaved runs (peers: ${peerRuns} in Node, ${Math.min(peerRuns, 1)} in Chromium; ` +
    `memory: ${memoryRuns} child processes per side); written to bench/out/latest.json`);
  printSizeBreakdown(size);
  printProfile(profile);
}

if (process.argv[2] === '--memory-child') {
  await memoryChild(process.argv[3], process.argv[4], process.argv[5]);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
