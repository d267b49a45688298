// A quick look at the step index's speed alone, for work on the scanner: the package's index
// (64 KB chunks, as the client feeds it) against TextDecoder + JSON.parse + summing costs, on the
// three documents the system meets: ASCII, non-ASCII, and the non-ASCII one as Python's
// `json.dumps` writes it (every non-ASCII character a `\uXXXX` escape, emoji as surrogate pairs,
// `", "` and `": "` separators). Runs interleaved, medians printed; no memory or browser figures
// (`npm run bench` has those).
//
//   npm run build:wasm && node bench/index_speed.mjs [--runs N] [--only ascii|non-ascii|python]
//     [--dist DIR]   (another build's wasm/dist, e.g. main's, to compare in the same conditions)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateStepsDocument } from './generate.mjs';
import { baselineIndex, checkBaseline, checkWasm, wasmIndexChunked } from './workloads.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function documents(only) {
  const nonAscii = generateStepsDocument({ nonAscii: true });
  const ascii = generateStepsDocument({ nonAscii: false });
  const python = generateStepsDocument({ nonAscii: true, pythonDumps: true });
  const all = { ascii, 'non-ascii': nonAscii, python };
  return Object.entries(all).filter(([name]) => !only || name === only);
}

function timeIt(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const runs = Number(option('--runs', 7));
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
      });
      const b = timeIt(() => checkBaseline(baselineIndex(doc.bytes), doc));
      if (r >= 0) {
        index.push(a);
        base.push(b);
      }
    }
    const mb = doc.bytes.length / 1e6;
    const [t, tb] = [median(index), median(base)];
    console.log(
      `${name.padEnd(9)} ${mb.toFixed(1).padStart(5)} MB  index ${t.toFixed(1).padStart(6)} ms ${(mb / t * 1e3).toFixed(0).padStart(5)} MB/s` +
        `  baseline ${tb.toFixed(1).padStart(6)} ms ${(mb / tb * 1e3).toFixed(0).padStart(4)} MB/s  ratio ${(t / tb).toFixed(3)}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
