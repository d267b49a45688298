// A quick look at the longest main-thread task in Chromium while a JobDetailClient downloads the
// steps document, alone (`npm run bench` measures it among everything else): from a body that
// yields 64 KB per macrotask, from a local HTTP server in whatever reads Chromium makes, the floor
// under the latter (the page reading that body alone, without the module), and the local server
// read in a Worker (createWorkerFetch), which takes that floor off the main thread. Prints each run's
// longest task and where the tasks over 16 ms were, for work on the client's feeding.
//
//   npm run build:wasm && node bench/longest_task.mjs [--runs N] [--only ascii|non-ascii|python]
//   (JD_BENCH_TRACE=<dir> also writes a Chromium trace of each run, see bench/browser.mjs, and
//   prints each run's longest main-thread task from it by thread time: what the page's thread did,
//   without the time it waited for a core)
import { join } from 'node:path';

import { runBrowser } from './browser.mjs';
import { longestMainThreadTask } from './trace_tasks.mjs';
import { generateStepsDocument } from './generate.mjs';
import { median } from './workloads.mjs';

const DOCUMENTS = {
  'non-ascii': { nonAscii: true },
  ascii: { nonAscii: false },
  python: { nonAscii: true, pythonDumps: true },
};

const MODES = {
  chunked: 'client, 64 KB arrivals',
  server: 'client, local server',
  read: 'local server, body read alone',
  worker: 'client, local server, body read in a Worker',
};

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const runs = Number(option('--runs', 3));
  const only = option('--only', null);
  const docs = {};
  for (const [name, options] of Object.entries(DOCUMENTS)) {
    if (!only || name === only) docs[name] = generateStepsDocument(options);
  }
  const out = await runBrowser({ docs, runs: 0, peerRuns: 0, memoryRuns: runs, parts: ['client'] });
  for (const [name, variant] of Object.entries(out.variants)) {
    for (const [mode, label] of Object.entries(MODES)) {
      const list = variant.clientRuns.filter((r) => r.mode === mode);
      const longest = list.map((r) => r.longestTaskMs);
      const reads = Math.max(...list.map((r) => r.largestRead));
      console.log(
        `${name} ${label}: longest task median ${median(longest).toFixed(1)} ms (runs ${longest.map((t) => t.toFixed(1)).join(', ')}; ` +
          `total ${median(list.map((r) => r.totalMs)).toFixed(0)} ms${mode === 'chunked' ? '' : `; reads up to ${(reads / 1048576).toFixed(1)} MB`})`,
      );
      for (const r of list) {
        if (r.gaps.length) console.log(`  tasks over 16 ms [ms after start, length]: ${JSON.stringify(r.gaps.map(([at, ms]) => [at, Math.round(ms)]))}`);
      }
      if (process.env.JD_BENCH_TRACE) {
        const traced = list.map((_, r) => longestMainThreadTask(join(process.env.JD_BENCH_TRACE, `${name}-${mode}-${r}.json`)));
        console.log(`  traced longest main-thread task, thread time ${traced.map((t) => t.threadMs.toFixed(1)).join(', ')} ms ` +
          `(wall ${traced.map((t) => t.wallMs.toFixed(1)).join(', ')} ms; tracing slows the page)`);
      }
    }
  }
}

await main();
