// The explorer's search benchmark: `client.setQuery({text})` on the indexed document (the list
// already shown) until every step is searched, against what a dashboard without the module does
// to answer the same question: `JSON.parse(new TextDecoder().decode(bytes))`, then
// `String.prototype.includes` over each step's name, model, input prompt and output.
//
// The client's search runs in slices (a timer between them); here the timers are drained at once,
// so the figure is the work itself, and the longest slice is the longest task the search adds.
// Both sides must find the same steps (the needles have one case, so ASCII case-folding changes
// nothing), or the run throws. Runs in Node and, imported by bench/browser.mjs's page, in Chromium.
import { median } from './workloads.mjs';

const JOB = {
  id: 'bench',
  status: 'completed',
  execution_steps: [],
  execution_steps_s3_key: 'jobs/bench/steps.json',
  execution_steps_s3_url: 'https://bench-bucket.s3.amazonaws.com/jobs/bench/steps.json',
};

/** A client whose job is `bytes` (served by an in-memory fetch); its zero-delay timers run when drained. */
async function clientFor(jd, bytes) {
  const queue = [];
  const client = jd.createJobDetailClient({
    apiBaseUrl: 'https://api.bench.invalid',
    pageEvents: null,
    pollIntervalMs: false,
    fetch: async (url) =>
      String(url).startsWith('https://api.bench.invalid')
        ? new Response(JSON.stringify(JOB), { headers: { 'content-type': 'application/json' } })
        : new Response(bytes, { headers: { 'content-length': String(bytes.length) } }),
    // Zero-delay timers (the search's next slice) wait in `queue`; others (request timeouts) are real.
    setTimeout: (fn, ms) => (ms > 0 ? { timer: setTimeout(fn, ms) } : (queue.push(fn), null)),
    clearTimeout: (handle) => handle !== null && clearTimeout(handle.timer),
  });
  client.load('bench');
  for (let i = 0; i < 10_000 && client.getSnapshot().steps?.complete !== true; i++) {
    while (queue.length > 0) queue.shift()();
    await new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
  }
  if (client.getSnapshot().steps?.complete !== true) throw new Error('search bench: the document did not load');
  return { client, queue };
}

/** Runs the search for `text` to the end; the work time, the slices and the longest one. */
function searchOnce(client, queue, text) {
  client.setQuery({ text: '' });  // a new text: every step is searched again
  let slices = 1;
  let longest = 0;
  const start = performance.now();
  let sliceStart = start;
  const cpuStart = typeof process === 'undefined' ? null : process.cpuUsage();
  client.setQuery({ text });
  longest = performance.now() - sliceStart;
  while (queue.length > 0) {
    sliceStart = performance.now();
    queue.shift()();
    longest = Math.max(longest, performance.now() - sliceStart);
    slices++;
  }
  const ms = performance.now() - start;
  // The process's own CPU time beside the wall time: on a loaded machine the wall time also holds
  // what other processes took.
  const cpuMs = cpuStart === null ? null : process.cpuUsage(cpuStart).user / 1000;
  const view = client.getSnapshot().explorer;
  if (view === null || view.searching) throw new Error('search bench: the search did not finish');
  return { ms, cpuMs, slices, longestSliceMs: longest, matched: view.matched };
}

function baselineSearch(bytes, text) {
  const steps = JSON.parse(new TextDecoder().decode(bytes)).execution_steps;
  let matched = 0;
  for (const step of steps) {
    const fields = [step.step_name, step.model, step.input?.prompt, step.output];
    if (fields.some((field) => typeof field === 'string' && field.includes(text))) matched++;
  }
  return matched;
}

/** Interleaved runs per needle; medians. */
export async function measureSearch(jd, bytes, needles, runs) {
  const { client, queue } = await clientFor(jd, bytes);
  const out = [];
  for (const text of needles) {
    const wasm = [];
    const base = [];
    let last = null;
    for (let r = -1; r < runs; r++) {
      const result = searchOnce(client, queue, text);
      const start = performance.now();
      const expected = baselineSearch(bytes, text);
      const baseMs = performance.now() - start;
      if (result.matched !== expected) {
        throw new Error(`search bench: "${text}" matched ${result.matched} steps, JSON.parse + includes ${expected}`);
      }
      if (r < 0) continue;  // warm-up
      wasm.push(result);
      base.push(baseMs);
      last = result;
    }
    out.push({
      text,
      matched: last.matched,
      wasmMs: median(wasm.map((r) => r.ms)),
      wasmCpuMs: wasm[0].cpuMs === null ? null : median(wasm.map((r) => r.cpuMs)),
      baselineMs: median(base),
      slices: last.slices,
      longestSliceMs: median(wasm.map((r) => r.longestSliceMs)),
    });
  }
  client.dispose();
  return out;
}

// A quick look at the search alone, for work on it (`npm run bench` prints the full line):
//
//   npm run build:wasm && node bench/search.mjs [--runs N] [--only ASCII|non-ASCII|Python-written]
//     [--dist DIR]   (another build's wasm/dist, e.g. main's, to compare in the same conditions)
async function main() {
  const { dirname, join, resolve } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const { generateStepsDocument } = await import('./generate.mjs');
  const { DOCUMENTS, SEARCH_NEEDLES } = await import('./run.mjs');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const runs = Number(option('--runs', 5));
  const only = option('--only', undefined);
  const { loadJobDetail } = await import(join(resolve(option('--dist', join(root, 'wasm', 'dist'))), 'node.js'));
  const jd = await loadJobDetail();
  for (const { name, options } of DOCUMENTS) {
    if (only && name !== only) continue;
    const doc = generateStepsDocument(options);
    for (const s of await measureSearch(jd, doc.bytes, SEARCH_NEEDLES[name], runs)) {
      const ratio = s.wasmMs / s.baselineMs;
      console.log(
        `${name.padEnd(14)} ${JSON.stringify(s.text).padEnd(22)} ${String(s.matched).padStart(5)} steps  search ${s.wasmMs.toFixed(1).padStart(6)} ms (CPU ${s.wasmCpuMs.toFixed(1)})` +
          ` (${s.slices} slices, longest ${s.longestSliceMs.toFixed(1)} ms)  baseline ${s.baselineMs.toFixed(1).padStart(6)} ms  ratio ${ratio.toFixed(3)}`,
      );
    }
  }
}

if (typeof process !== 'undefined' && process.argv?.[1] &&
    (await import('node:url')).fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
