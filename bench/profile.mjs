// Where the index's time goes, pass by pass: runs the wasm build of bench/native/pass_profile.cc
// (built by `bash tools/build.sh pass-profile`, part of `npm run bench`) under node on the
// documents bench/run.mjs wrote, and prints each pass with its share of the index's time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROGRAM = join(root, 'build', 'wasm', 'bench', 'native', 'pass_profile.cjs');

/** `documents`: [{name, path}]. Returns one entry per document, or null without the program. */
export function nativeProfile(documents, runs = 5) {
  if (!existsSync(PROGRAM)) return null;
  // Emscripten 3.1.6's node glue loads its .wasm with fetch() when there is one, which fails on a
  // file path: without fetch it reads the file.
  const run = spawnSync(process.execPath, ['--no-experimental-fetch', PROGRAM, String(runs), ...documents.map((d) => `${d.name}=${d.path}`)],
    { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`pass_profile failed: ${run.stderr.slice(-2000)}`);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

const gbps = (bytes, ms) => `${(bytes / 1e6 / ms).toFixed(2)} GB/s`;

export function printProfile(profile) {
  if (profile === null) {
    console.log('\nprofile: build/wasm/bench/native/pass_profile.cjs missing (bash tools/build.sh pass-profile)');
    return;
  }
  console.log('\nwhere the index\'s time goes (wasm under node, each pass alone over the same bytes, medians; ms and share of the index):');
  for (const p of profile) {
    // Measured: the index, the copy, the tokenizer, the cost parsing; records are what is left.
    const records = Math.max(0, p.indexMs - p.scannerMs - p.copyMs - p.costsMs);
    const part = (ms) => `${ms.toFixed(1)} (${((ms / p.indexMs) * 100).toFixed(0)}%)`;
    console.log(`  ${p.name} (${(p.bytes / 1e6).toFixed(1)} MB): index ${p.indexMs.toFixed(1)} ms ${gbps(p.bytes, p.indexMs)} = ` +
      `copy ${part(p.copyMs)} + tokenizer ${part(p.scannerMs)} + records ${part(records)} + cost parsing ${part(p.costsMs)}; ` +
      `alone: string-content skipping (UTF-8 check fused) ${p.stringsMs.toFixed(1)} ms, UTF-8 check over every byte ${p.utf8Ms.toFixed(1)} ms; ` +
      `copy line ${gbps(p.bytes, p.copyMs)}, index at ${((p.copyMs / p.indexMs) * 100).toFixed(0)}% of it`);
    // The floor: the copy plus the least a scan must do to find where strings end (quote, control
    // and backslash bitmasks over every byte, nothing validated), and the UTF-8 check that
    // JSON.parse's decoding also makes over every byte. What an index adds (escape codes,
    // structure, records, costs) comes on top, so these shares bound what any design reaches here.
    if (p.endsMs !== undefined) {
      const share = (ms) => `${((p.copyMs / ms) * 100).toFixed(0)}%`;
      const ends = p.copyMs + p.endsMs;
      const endsAndUtf8 = ends + p.utf8Ms;
      console.log(`    floor: copy + string-end bitmasks alone ${ends.toFixed(1)} ms (${share(ends)} of the copy line), ` +
        `+ the UTF-8 check ${endsAndUtf8.toFixed(1)} ms (${share(endsAndUtf8)}); the index ${p.indexMs.toFixed(1)} ms (${share(p.indexMs)})`);
    }
  }
}
