// What the .wasm's bytes are: its sections, and its code by origin (the core, the bindings, Embind's
// runtime, nlohmann/json, libc++, libc and the allocator), each part gzipped on its own (an estimate:
// gzip of the whole is a little smaller than the sum of its parts), and the biggest functions.
// Names come from the symbol map the build leaves beside itself (build/wasm/job_detail_wasm.symbols,
// `--emit-symbol-map`; the shipped .wasm carries no names), demangled by llvm-cxxfilt when present.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'wasm', 'dist');
const SYMBOLS = join(root, 'build', 'wasm', 'job_detail_wasm.symbols');
const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count'];

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function sections(bytes) {
  const out = [];
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    out.push({ id, name: SECTION_NAMES[id] ?? `#${id}`, start, size });
    at = start + size;
  }
  return out;
}

function importedFunctions(bytes, section) {
  let [count, at] = readLeb(bytes, section.start);
  let functions = 0;
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 2; k++) {
      const [length, next] = readLeb(bytes, at);
      at = next + length;
    }
    const kind = bytes[at++];
    if (kind === 0) {
      functions++;
      [, at] = readLeb(bytes, at);
    } else if (kind === 1) {
      at += 1;
      const [flags, next] = readLeb(bytes, at);
      [, at] = readLeb(bytes, next);
      if (flags & 1) [, at] = readLeb(bytes, at);
    } else if (kind === 2) {
      const [flags, next] = readLeb(bytes, at);
      [, at] = readLeb(bytes, next);
      if (flags & 1) [, at] = readLeb(bytes, at);
    } else {
      at += 2;
    }
  }
  return functions;
}

function demangle(names) {
  const run = spawnSync('llvm-cxxfilt', [], { input: names.join('\n'), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) return names;
  const out = run.stdout.split('\n');
  return names.map((name, i) => out[i] || name);
}

// The qualified name's first segment, template arguments and the return type left out.
function origin(name) {
  let plain = name;
  for (let before = ''; before !== plain; ) {
    before = plain;
    plain = plain.replace(/<[^<>]*>/g, '');
  }
  const head = plain.split('(')[0].trim().split(' ').at(-1);
  if (/embind|emval|^emscripten::/.test(name) && !head.startsWith('job_detail')) return 'Embind runtime';
  if (head.startsWith('job_detail::bindings') || head.startsWith('EMSCRIPTEN_BINDINGS')) return 'bindings';
  if (head.startsWith('job_detail::')) return 'core';
  if (head.startsWith('nlohmann::')) return 'nlohmann/json';
  if (head.startsWith('std::')) return /nlohmann/.test(name) ? 'nlohmann/json' : /job_detail/.test(name) ? 'core' : 'libc++';
  if (head.includes('::')) return /job_detail/.test(name) ? 'core' : 'other C++';
  return 'libc, allocator, runtime';
}

/** Sections, code by origin and the `top` biggest functions (sizes raw and gzipped). */
export function wasmBreakdown(bytes, top = 12) {
  const list = sections(bytes);
  const result = {
    sections: list.map((s) => ({ name: s.name, bytes: s.size, gzipBytes: gzipSync(bytes.subarray(s.start, s.start + s.size), { level: 9 }).length })),
    origins: null,
    biggest: null,
  };
  const code = list.find((s) => s.name === 'code');
  const imports = list.find((s) => s.name === 'import');
  if (code === undefined || !existsSync(SYMBOLS)) return result;
  const names = new Map();
  for (const line of readFileSync(SYMBOLS, 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    // Emscripten writes demangled names with `\\xx` hex escapes for characters such as `(` and ` `.
    if (colon > 0) names.set(Number(line.slice(0, colon)), line.slice(colon + 1).replace(/\\([0-9a-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))));
  }
  const firstDefined = imports === undefined ? 0 : importedFunctions(bytes, imports);
  let [count, at] = readLeb(bytes, code.start);
  const bodies = [];
  for (let i = 0; i < count; i++) {
    const [size, start] = readLeb(bytes, at);
    bodies.push({ index: firstDefined + i, start, size });
    at = start + size;
  }
  const mangled = bodies.map((b) => names.get(b.index) ?? `function ${b.index}`);
  const readable = demangle(mangled);
  const groups = new Map();
  bodies.forEach((body, i) => {
    body.name = readable[i];
    const key = origin(body.name);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(body);
  });
  result.origins = [...groups].map(([name, members]) => {
    const joined = Buffer.concat(members.map((b) => bytes.subarray(b.start, b.start + b.size)));
    return { name, functions: members.length, bytes: joined.length, gzipBytes: gzipSync(joined, { level: 9 }).length };
  }).sort((a, b) => b.bytes - a.bytes);
  result.biggest = [...bodies].sort((a, b) => b.size - a.size).slice(0, top)
    .map((b) => ({ name: b.name.length > 110 && top <= 12 ? `${b.name.slice(0, 107)}...` : b.name, bytes: b.size }));
  return result;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

export function printSizeBreakdown(size) {
  console.log(`\nproduction bundle ${kb(size.bundleGzipBytes)} min+gzip: wasm ${kb(size.wasmGzipBytes)}, ` +
    `glue ${kb(size.glueGzipBytes)}, facade ${kb(size.facadeGzipBytes)} (each gzipped alone)`);
  const { sections: list, origins, biggest } = size.wasm;
  console.log(`  wasm sections (raw / gzip): ${list.filter((s) => s.bytes > 256).map((s) => `${s.name} ${kb(s.bytes)} / ${kb(s.gzipBytes)}`).join(', ')}`);
  if (origins === null) {
    console.log('  (no symbol map in build/wasm: code by origin not available)');
    return;
  }
  console.log(`  wasm code by origin (raw / gzip alone): ${origins.map((o) => `${o.name} ${kb(o.bytes)} / ${kb(o.gzipBytes)} (${o.functions} fns)`).join(', ')}`);
  console.log('  biggest functions (raw):');
  for (const b of biggest) console.log(`    ${String(b.bytes).padStart(6)} ${b.name}`);
}

export function packageFiles() {
  const files = readdirSync(dist).filter((f) => f === 'job_detail_wasm.wasm' || f.endsWith('.mjs') || f.endsWith('.js'));
  // The node entry and the node CLI (with its module) are not shipped to browsers; everything else is.
  return files.filter((f) => !['node.js', 'cli.js', 'job_detail_cli.mjs'].includes(f)).map((f) => join(dist, f));
}

// Two figures: the files as published (each gzipped on its own, as a CDN serves them), and what a
// production bundle of the browser entry plus the React subpath adds (one minified chunk + the
// .wasm asset), which is what a dashboard user downloads.
export async function measureSize(top = 12) {
  let gzip = 0;
  let raw = 0;
  const files = packageFiles();
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  const { build } = await import('esbuild');
  const bundled = await build({
    stdin: {
      contents: "export * from './index.js'; export * from './react.js';",
      resolveDir: dist,
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['react', '*.wasm'],
    write: false,
    logLevel: 'silent',
  });
  const bundleJs = bundled.outputFiles[0].contents;
  const wasmBytes = readFileSync(join(dist, 'job_detail_wasm.wasm'));
  const wasmGzip = gzipSync(wasmBytes, { level: 9 }).length;
  const bundleGzipBytes = gzipSync(bundleJs, { level: 9 }).length + wasmGzip;
  // The parts: the glue alone, and the facade alone (the same bundle with the glue left out).
  const minified = async (options) =>
    gzipSync((await build({ bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', ...options }))
      .outputFiles[0].contents, { level: 9 }).length;
  const glueGzipBytes = await minified({ entryPoints: [join(dist, 'job_detail_wasm.mjs')], external: ['*.wasm'] });
  const facadeGzipBytes = await minified({
    stdin: { contents: "export * from './index.js'; export * from './react.js';", resolveDir: dist, loader: 'js' },
    external: ['react', '*.wasm', './job_detail_wasm.mjs'],
  });
  return {
    rawBytes: raw,
    gzipBytes: gzip,
    bundleGzipBytes,
    wasmGzipBytes: wasmGzip,
    glueGzipBytes,
    facadeGzipBytes,
    wasm: wasmBreakdown(wasmBytes, top),
    files: files.map((f) => f.slice(root.length + 1)),
  };
}

// Run alone (`node bench/wasm_size.mjs [--top N]`, after `npm run build:wasm`): the size figures
// without the whole bench, to measure one cut at a time; --top lists the N biggest functions.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--top');
  printSizeBreakdown(await measureSize(at > 0 ? Number(process.argv[at + 1]) : 12));
}
