// A quick look at the step index's speed alone, for work on the scanner: the package's index
// (64 KB chunks, as the client feeds it) against TextDecoder + JSON.parse + summing costs, on the
// three documents the system meets: ASCII, non-ASCII, and the non-ASCII one as Python's
// `json.dumps` writes it (every non-ASCII character a `\uXXXX` escape, emoji as surrogate pairs,
// `", "` and `": "` separators). Runs interleaved, medians printed; no memory figures
// (`npm run bench` has those).
// --chromium: the same in headless /usr/bin/chromium (a fresh page per document, as bench/browser.mjs
// opens one), the copy line (the same bytes into a wasm memory in the same chunks) interleaved too,
// and every index run's time printed in order: a fresh page runs the module's baseline code
// (Liftoff) until V8's tier-up to TurboFan lands, so the series shows whether the medians measure
// warm code and what the first runs cost.
//
//   npm run build:wasm && node bench/index_speed.mjs [--runs N] [--only ascii|non-ascii|python]
//     [--dist DIR]   (another build's wasm/dist, e.g. main's, to compare in the same conditions)
//     [--cpu-time]   (Node: process CPU time instead of wall clock, to compare on a busy machine)
//     [--chromium [--js-flags FLAGS] [--cpu-prof DIR]]   (V8 flags for the page, e.g. --no-liftoff to see the cold cost
//     without baseline code; --cpu-prof writes DIR/<document>.cpuprofile, the page's CPU profile of
//     every run, which build/wasm/job_detail_wasm.symbols names)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateStepsDocument } from './generate.mjs';
import { baselineIndex, checkBaseline, checkWasm, median, wasmIndexChunked } from './workloads.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function documents(only) {
  const nonAscii = generateStepsDocument({ nonAscii: true });
  const ascii = generateStepsDocument({ nonAscii: false });
  const python = generateStepsDocument({ nonAscii: true, pythonDumps: true });
  const all = { ascii, 'non-ascii': nonAscii, python };
  return Object.entries(all).filter(([name]) => !only || name === only);
}

// Wall-clock ms, or with `cpu` the process's CPU ms (user + system, every thread of node: the
// baseline's concurrent GC work counts too), which a machine shared with other work disturbs less.
// No collection is forced between runs, as in bench/run.mjs: a forced one returns before V8's
// helper threads have swept the baseline's hundreds of MB, and that sweeping then ran during the
// index's timed run (the Python-written index measured 39-43 ms wall and ~65 ms CPU right after a
// forced collection, 29-31 ms without one), so this tool overstated the index against the bench.
function timeIt(fn, cpu = false) {
  if (cpu) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  }
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const line = (name, mb, t, tb, extra = '') =>
  `${name.padEnd(9)} ${mb.toFixed(1).padStart(5)} MB  index ${t.toFixed(1).padStart(6)} ms ${(mb / t * 1e3).toFixed(0).padStart(5)} MB/s` +
  `  baseline ${tb.toFixed(1).padStart(6)} ms ${(mb / tb * 1e3).toFixed(0).padStart(4)} MB/s  ratio ${(t / tb).toFixed(3)}${extra}`;

// Runs in the page: one document, interleaved runs of copy / index / baseline, every time kept.
const CHROMIUM_PAGE = String.raw`
import { loadJobDetail } from '/dist/index.js';
import { baselineIndex, checkBaseline, checkWasm, copyIntoWasmMemory, wasmIndexChunked } from '/bench/workloads.mjs';
window.runIndexSpeed = async (name, steps, expectedTotalUsd, runs) => {
  const expected = { steps, expectedTotalUsd };
  const doc = new Uint8Array(await (await fetch('/doc/' + name)).arrayBuffer());
  const jd = await loadJobDetail();
  const memory = new WebAssembly.Memory({ initial: 1 });
  const time = (fn) => { const start = performance.now(); fn(); return performance.now() - start; };
  const out = { index: [], base: [], copy: [] };
  for (let r = 0; r < runs; r++) {
    out.index.push(time(() => { const { index, result } = wasmIndexChunked(jd, doc); index.dispose(); checkWasm(result, expected, name); }));
    out.base.push(time(() => checkBaseline(baselineIndex(doc), expected)));
    out.copy.push(time(() => copyIntoWasmMemory(memory, doc)));
  }
  return out;
};
window.ready = true;
`;

async function chromium(docs, runs, dist, jsFlags, cpuProfDir) {
  const { chromium: browserType } = await import('playwright-core');
  const byName = Object.fromEntries(docs);
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    try {
      let body = null;
      let type = 'text/javascript';
      if (path === '/') [body, type] = ['<!DOCTYPE html><meta charset="utf-8"><script type="module" src="/page.mjs"></script>', 'text/html'];
      else if (path === '/page.mjs') body = CHROMIUM_PAGE;
      else if (path === '/bench/workloads.mjs') body = await readFile(join(root, 'bench', 'workloads.mjs'));
      else if (path.startsWith('/doc/')) [body, type] = [byName[decodeURIComponent(path.slice(5))].bytes, 'application/json'];
      else if (path.startsWith('/dist/')) {
        const file = normalize(join(dist, path.slice(6)));
        if (!file.startsWith(dist)) throw new Error('outside dist');
        body = await readFile(file);
        if (file.endsWith('.wasm')) type = 'application/wasm';
      }
      if (body === null) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const browser = await browserType.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--headless', ...(jsFlags ? [`--js-flags=${jsFlags}`] : [])] });
  try {
    console.log(`Chromium ${browser.version()}: medians of runs 3.. (the first two are shown apart: cold page, tier-up)`);
    for (const [name, doc] of docs) {
      const page = await browser.newPage();
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => window.ready === true);
      const cdp = cpuProfDir ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      const out = await page.evaluate(([n, s, t, r]) => window.runIndexSpeed(n, s, t, r), [name, doc.steps, doc.expectedTotalUsd, runs + 2]);
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        const file = join(cpuProfDir, `${name}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
        console.log(`CPU profile of the page (every run, baseline and copy included): ${file}`);
      }
      await page.close();
      const mb = doc.bytes.length / 1e6;
      const warm = (values) => median(values.slice(2));
      const copy = warm(out.copy);
      console.log(line(name, mb, warm(out.index), warm(out.base),
        `  copy line ${copy.toFixed(1)} ms ${(mb / copy).toFixed(1)} GB/s (index at ${((copy / warm(out.index)) * 100).toFixed(0)}%)`));
      console.log(`          index runs in order (ms): ${out.index.map((t) => t.toFixed(1)).join(' ')}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const runs = Number(option('--runs', 7));
  const cpu = args.includes('--cpu-time');
  if (args.includes('--chromium')) {
    const cpuProfDir = option('--cpu-prof', undefined);
    if (cpuProfDir) await mkdir(cpuProfDir, { recursive: true });
    await chromium(documents(option('--only', undefined)), runs, resolve(option('--dist', join(root, 'wasm', 'dist'))), option('--js-flags', ''), cpuProfDir && resolve(cpuProfDir));
    return;
  }
  const { loadJobDetail } = await import(join(resolve(option('--dist', join(root, 'wasm', 'dist'))), 'node.js'));
  const jd = await loadJobDetail();
  for (const [name, doc] of documents(option('--only', undefined))) {
    const index = [];
    const base = [];
    for (let r = -1; r < runs; r++) {
      const a = timeIt(() => {
        const { index: built, result } = wasmIndexChunked(jd, doc.bytes);
        built.dispose();
        checkWasm(result, doc, name);
      }, cpu);
      const b = timeIt(() => checkBaseline(baselineIndex(doc.bytes), doc), cpu);
      if (r >= 0) {
        index.push(a);
        base.push(b);
      }
    }
    console.log(line(name, doc.bytes.length / 1e6, median(index), median(base)));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
