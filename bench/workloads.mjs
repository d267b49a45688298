// The two sides of the benchmark, shared by Node (run.mjs) and the Chromium page (browser.mjs):
// plain module code, no Node imports.

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const CHUNK_BYTES = 64 * 1024;

/** The baseline: what plain TypeScript does with the response bytes. */
export function baselineIndex(bytes) {
  const text = new TextDecoder().decode(bytes);
  const doc = JSON.parse(text);
  const steps = doc.execution_steps;
  return { count: steps.length, total: sumCosts(steps), text, doc };
}

/** Sums `cost_usd` over parsed steps as the baseline does. */
function sumCosts(steps) {
  let total = 0;
  for (const step of steps) {
    const cost = step.cost_usd;
    if (typeof cost === 'number') total += cost;
    else if (typeof cost === 'string' && cost.trim() !== '' && !Number.isNaN(Number(cost))) total += Number(cost);
  }
  return total;
}

function* chunksOf(bytes) {
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) yield bytes.subarray(at, at + CHUNK_BYTES);
}

/**
 * A streaming peer: `@streamparser/json`'s JSONParser (the class is passed in: the page imports a
 * bundle, Node the package) fed the same 64 KB chunks, emitting each step as it completes (the
 * way it is meant to be used on a large array: `paths` plus `keepStack: false`).
 */
export function streamparserIndex(JSONParser, bytes) {
  const parser = new JSONParser({ paths: ['$.execution_steps.*'], keepStack: false });
  let count = 0;
  let total = 0;
  parser.onValue = ({ value }) => {
    count += 1;
    total += sumCosts([value]);
  };
  for (const chunk of chunksOf(bytes)) parser.write(chunk);
  if (!parser.isEnded) parser.end();  // it ends by itself after the root value
  return { count, total };
}

/** A streaming peer: `@discoveryjs/json-ext` `parseChunked` over the same 64 KB chunks. */
export async function parseChunkedIndex(parseChunked, bytes) {
  const doc = await parseChunked(() => chunksOf(bytes));
  const steps = doc.execution_steps;
  return { count: steps.length, total: sumCosts(steps), doc };
}

/**
 * The physical reference: the same bytes copied in the same 64 KB chunks into a wasm linear
 * memory (a Memory of its own: writing into the module's would corrupt it), as the module's feed
 * does before any scanning.
 */
export function copyIntoWasmMemory(memory, bytes) {
  const pages = Math.ceil(bytes.length / 65536);
  if (memory.buffer.byteLength < pages * 65536) memory.grow(pages - memory.buffer.byteLength / 65536);
  const view = new Uint8Array(memory.buffer);
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) view.set(bytes.subarray(at, at + CHUNK_BYTES), at);
  return view[bytes.length - 1];
}

/** The package's streaming index fed in 64 KB chunks; the caller disposes `index`. */
export function wasmIndexChunked(jd, bytes) {
  const index = jd.createStepIndex();
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) index.feed(bytes.subarray(at, at + CHUNK_BYTES));
  return { index, result: index.finish() };
}

/** `expected`: {steps, expectedTotalUsd}. Throws unless the index has every step and the exact total. */
export function checkWasm(result, expected, what) {
  if (!result.ok || result.count !== expected.steps || result.totalCostUsd !== expected.expectedTotalUsd) {
    throw new Error(`${what}: wrong result ${JSON.stringify(result)} (expected ${expected.steps} steps, ${expected.expectedTotalUsd})`);
  }
}

/** The baseline's float total must agree with the exact total to the micro-dollar. */
export function checkBaseline(out, expected) {
  if (out.count !== expected.steps || Math.abs(out.total - Number(expected.expectedTotalUsd)) > 1e-6) {
    throw new Error(`baseline: wrong result ${out.count} ${out.total}`);
  }
}

/** Records every wasm memory instantiated from now on (the facade does not expose it). */
export function captureWasmMemories() {
  const memories = [];
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = async function instantiate(...args) {
      const result = await original.apply(this, args);
      const instance = result instanceof WebAssembly.Instance ? result : result.instance;
      for (const value of Object.values(instance.exports)) {
        if (value instanceof WebAssembly.Memory) memories.push(value);
      }
      return result;
    };
  }
  return memories;
}
