// The two sides of the benchmark, shared by Node (run.mjs) and the Chromium page (browser.mjs):
// plain module code, no Node imports.

export const CHUNK_BYTES = 64 * 1024;

/** The baseline: what plain TypeScript does with the response bytes. */
export function baselineIndex(bytes) {
  const text = new TextDecoder().decode(bytes);
  const doc = JSON.parse(text);
  const steps = doc.execution_steps;
  let total = 0;
  for (const step of steps) {
    const cost = step.cost_usd;
    if (typeof cost === 'number') total += cost;
    else if (typeof cost === 'string' && cost.trim() !== '' && !Number.isNaN(Number(cost))) total += Number(cost);
  }
  return { count: steps.length, total, text, doc };
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
