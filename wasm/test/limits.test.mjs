// Bombs and limits through the package (the wasm half of
// tests/native/limits_test.cc): each hostile input gives a typed outcome, and the module's
// WebAssembly memory stays under a bound derived from the input (it grows on demand and never
// shrinks, so each measured case loads a fresh module and reads memoryBytes() afterwards).
// Also item 5 at the package level: `__proto__` / `constructor` keys in JSON are inert.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

const wasmBinary = await readFile(new URL('../dist/job_detail_wasm.wasm', import.meta.url));
const freshModule = () => loadJobDetail({ wasmBinary });
const jd = await loadJobDetail();
const utf8 = new TextEncoder();
const MiB = 1 << 20;
// What a module holds before any input: INITIAL_MEMORY (4 MiB, bindings/CMakeLists.txt) with the
// 1 MiB stack inside it, plus room for growth steps and the glue's transfer buffer.
const BASE = 8 * MiB;

function feedInChunks(index, bytes, size = 64 * 1024) {
  for (let at = 0; at < bytes.length; at += size) index.feed(bytes.subarray(at, at + size));
}
const outcome = (result) => (result.ok ? 'ok' : `${result.error.code}@${result.error.offset}`);

test('nesting of 10^6 levels stops at the depth limit with bounded memory', async (t) => {
  const mod = await freshModule();
  const brackets = utf8.encode('['.repeat(1_000_000));
  const index = mod.createStepIndex();
  feedInChunks(index, brackets);
  assert.equal(outcome(index.finish()), 'too_deep@512');
  index.dispose();
  assert.equal(outcome(mod.indexSteps(utf8.encode('{"execution_steps":' + '['.repeat(1_000_000)))), 'too_deep@530');
  const job = mod.parseJob('{"a":'.repeat(200_000));
  assert.equal(job.ok, false);
  assert.equal(job.error.code, 'too_deep');
  assert.equal(job.error.offset, 2560);
  assert.equal(mod.formatCost({ json: '['.repeat(100_000) }), '—');
  // indexSteps reserves the whole input (1 MB) once; the scanner stops at the 513th bracket.
  t.diagnostic(`memory ${mod.memoryBytes()} bytes`);
  assert.ok(mod.memoryBytes() <= BASE + 2 * brackets.length, `${mod.memoryBytes()}`);
});

test('a document over the byte cap stops at the cap and keeps no more than the cap', async (t) => {
  const mod = await freshModule();
  const step = `{"step_number":1,"output":"<p>${'x'.repeat(1000)}</p>"}`;
  const bytes = utf8.encode('[' + Array(3 * 1024).fill(step).join(',') + ']');
  const cap = MiB;
  const index = mod.createStepIndex({ maxBytes: cap });
  feedInChunks(index, bytes);
  const result = index.finish();
  assert.equal(outcome(result), `too_large@${cap}`);
  assert.ok(result.count > 900, `${result.count}`);
  assert.equal(index.step(result.count - 1).step_number, 1);  // steps before the cap stay readable
  index.dispose();
  // 3 MB were offered; the index holds at most the cap (growth by 1.25x can leave spare room).
  t.diagnostic(`memory ${mod.memoryBytes()} bytes for a ${bytes.length}-byte document capped at ${cap}`);
  assert.ok(mod.memoryBytes() <= BASE + 2.25 * cap, `${mod.memoryBytes()}`);
});

test('numbers beyond uint64 are typed, beyond double are Infinity as in JSON.parse (invalid costs)', () => {
  const doc = utf8.encode(
    '[{"step_number":18446744073709551617,"input_tokens":18446744073709551617,' +
      '"total_tokens":18446744073709551615,"duration_ms":18446744073709551617,"cost_usd":18446744073709551617},' +
      '{"step_number":-9223372036854775809,"id":18446744073709551617,"cost_usd":"1e400"}]',
  );
  const index = jd.createStepIndex();
  index.feed(doc);
  const result = index.finish();
  assert.equal(outcome(result), 'ok');
  assert.equal(result.invalidCost, 2);
  const first = index.summary(0);
  assert.equal(first.key, '#0');
  assert.equal(first.inputTokens, null);
  assert.equal(first.totalTokens, 18446744073709551615);  // a JS number: the nearest double
  assert.equal(first.durationMs, '18446744073709551617');
  assert.equal(first.cost.kind, 'invalid');
  assert.equal(index.summary(1).key, '#1');
  assert.equal(index.step(0).cost_usd, 18446744073709551617);
  index.dispose();
  // JSON.parse reads 1e400 as Infinity: the step is kept (its tokens unread); strict refuses it.
  const huge = jd.createStepIndex();
  huge.feed(utf8.encode('[{"output_tokens":1e400,"cost_usd":-1e400}]'));
  assert.equal(outcome(huge.finish()), 'ok');
  assert.equal(huge.summary(0).outputTokens, null);
  assert.equal(huge.summary(0).cost.kind, 'invalid');
  assert.deepEqual(huge.step(0), { output_tokens: Infinity, cost_usd: -Infinity });
  huge.dispose();
  assert.equal(outcome(jd.indexSteps(utf8.encode('[{"output_tokens":1e400}]'), { strict: true })), 'invalid_json@18');
  const job = jd.parseJob('{"id":18446744073709551617,"execution_steps":[{"cost_usd":1}]}');
  assert.equal(job.ok, true);
  assert.equal(job.id, null);
  // The job too: 1e400 is a valid number and an invalid cost, the step is kept.
  const hugeCost = jd.parseJob('{"retries":1e400,"execution_steps":[{"cost_usd":1e400},{"cost_usd":1}]}');
  assert.equal(hugeCost.ok, true);
  assert.equal(hugeCost.stepCount, 2);
  assert.deepEqual(hugeCost.stepCosts.map((c) => c.display), ['—', '$1.00']);
  assert.equal(jd.formatCost({ json: '1e400' }), '—');
  assert.equal(jd.formatCost({ json: '18446744073709551617' }), '—');
});

test('lone surrogates are kept as JSON.parse keeps them; NUL bytes and a misplaced BOM are invalid JSON at their byte', () => {
  // [document, outcome by default (as res.json()), outcome with strict: true]
  const cases = [
    ['[{"name":"\\uD800"}]', 'ok', 'invalid_json@16'],
    ['[{"name":"\\uDC00"}]', 'ok', 'invalid_json@10'],
    ['[{"name":"\\uD83D\\u0041"}]', 'ok', 'invalid_json@16'],
    ['[{"name":"\\uD83D\\uDE00"}]', 'ok', 'ok'],
    ['[{"name":"a\0b"}]', 'invalid_json@11', 'invalid_json@11'],
    ['[{}]\0', 'invalid_json@4', 'invalid_json@4'],
    ['\uFEFF[{"step_number":1}]', 'ok', 'ok'],
    ['[\uFEFF]', 'invalid_json@1', 'invalid_json@1'],
    ['\uFEFF\uFEFF[]', 'invalid_json@3', 'invalid_json@3'],
    ['\uFEFF', 'truncated@3', 'truncated@3'],
  ];
  for (const [text, byDefault, strict] of cases) {
    assert.equal(outcome(jd.indexSteps(utf8.encode(text))), byDefault, JSON.stringify(text));
    assert.equal(outcome(jd.indexSteps(utf8.encode(text), { strict: true })), strict, JSON.stringify(text));
  }
  const lone = jd.createStepIndex();
  lone.feed(utf8.encode('[{"name":"\\uD83D\\u0041"}]'));
  assert.equal(lone.finish().repairedStrings, 1);
  assert.equal(lone.summary(0).name, '\uFFFDA', 'a row shows U+FFFD for the lone unit');
  assert.equal(lone.step(0).name, '\uD83DA', 'step(i) gives what JSON.parse gives');
  lone.dispose();
  const index = jd.createStepIndex();
  index.feed(utf8.encode('[{"name":"a\\u0000b"}]'));
  assert.equal(outcome(index.finish()), 'ok');
  assert.equal(index.summary(0).name, 'a\0b');
  index.dispose();
  assert.equal(jd.parseJob('{}\0').error.offset, 2);
  // The job accepts a lone surrogate as JSON.parse does (shown as U+FFFD, which UTF-8 can hold).
  assert.equal(jd.parseJob('{"status":"\\uD800"}').status, '\uFFFD');
  assert.equal(jd.formatCost({ json: '"\\uD800"' }), '—');
});

test('duplicate keys: the last one wins, as in a decoded object', () => {
  const index = jd.createStepIndex();
  index.feed(
    utf8.encode(
      '{"execution_steps":[{"cost_usd":1}],"execution_steps":' +
        '[{"step_number":1,"step_number":2,"cost_usd":"0.5","cost_usd":"0.25"}]}',
    ),
  );
  const result = index.finish();
  assert.equal(outcome(result), 'ok');
  assert.equal(result.count, 1);
  assert.equal(index.summary(0).key, '2');
  assert.equal(result.totalCostUsd, '0.25');
  assert.deepEqual(index.step(0), { step_number: 2, cost_usd: '0.25' });
  index.dispose();
  const job = jd.parseJob('{"id":"a","id":"b","execution_steps":[],"execution_steps":[{}]}');
  assert.equal(job.id, 'b');
  assert.equal(job.stepCount, 1);
});

test('100,000 tiny steps cost a small fixed record each', async (t) => {
  const mod = await freshModule();
  const steps = 100_000;
  const bytes = utf8.encode('[' + Array(steps).fill('{"cost_usd":0.01}').join(',') + ']');
  const index = mod.createStepIndex({ expectedBytes: bytes.length });
  feedInChunks(index, bytes);
  const result = index.finish();
  assert.equal(outcome(result), 'ok');
  assert.equal(result.count, steps);
  assert.equal(result.totalCostUsd, '1000');
  assert.equal(index.summary(steps - 1).key, '#99999');
  // The document once (reserved) plus one record per step. A record is 15 32-bit spans and 4
  // bytes of flags (core/include/job_detail/detail/step_record.h): under 136 bytes. The record
  // array grows by doubling, so old and new arrays peak at 3x the count; Emscripten grows the
  // memory itself by up to 20% more than asked. Anything per step beyond that would break this.
  const bound = BASE + 1.2 * (bytes.length + 3 * steps * 136);
  t.diagnostic(`memory ${mod.memoryBytes()} bytes for ${steps} steps in ${bytes.length} bytes (bound ${bound})`);
  assert.ok(mod.memoryBytes() <= bound, `${mod.memoryBytes()} > ${bound}`);
  index.dispose();
});

test('one 50 MB HTML string is held once', async (t) => {
  const mod = await freshModule();
  const html = 50 * MiB;
  const head = utf8.encode('{"execution_steps":[{"step_number":1,"cost_usd":"0.5","output":"<div>');
  const tail = utf8.encode('</div>"},{"step_number":2}]}');
  const bytes = new Uint8Array(head.length + html + tail.length);
  bytes.set(head);
  bytes.fill(0x78, head.length, head.length + html);
  bytes.set(tail, head.length + html);
  const index = mod.createStepIndex({ expectedBytes: bytes.length });
  feedInChunks(index, bytes, 1 * MiB);
  const result = index.finish();
  assert.equal(outcome(result), 'ok');
  assert.equal(result.count, 2);
  assert.equal(index.summary(0).outputChars, html + 11);
  // Reserved once from the expected size: the document, and nothing proportional besides.
  const held = mod.memoryBytes();
  t.diagnostic(`memory ${held} bytes for a ${bytes.length}-byte document`);
  assert.ok(held <= BASE + bytes.length * 1.05, `${held}`);
  // Decoding hands the text to JS once, untruncated (the copy lives in JS, not in wasm memory).
  assert.equal(index.step(0).output.length, html + 11);
  index.dispose();
});

test('__proto__ and constructor keys in JSON are inert through the package', () => {
  const doc = utf8.encode(
    '[{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},' +
      '"step_number":1,"name":"__proto__","cost_usd":"0.1"},' +
      '{"step_number":2,"prototype":1,"toString":"x","hasOwnProperty":"y"}]',
  );
  const index = jd.createStepIndex();
  index.feed(doc);
  assert.equal(outcome(index.finish()), 'ok');
  const step = index.step(0);
  // An own data property named "__proto__", not a prototype change.
  assert.equal(Object.getPrototypeOf(step), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(step, '__proto__'));
  assert.deepEqual(Object.getOwnPropertyDescriptor(step, '__proto__').value, { polluted: true });
  assert.equal(typeof step.constructor, 'object');
  assert.equal(index.summary(0).name, '__proto__');
  const second = index.step(1);
  assert.equal(second.toString, 'x');
  for (let i = 0; i < 2; i++) {
    const summary = index.summary(i);
    assert.equal(Object.getPrototypeOf(summary), Object.prototype);
    assert.equal(typeof summary.constructor, 'function');  // the summary's own keys are fixed
  }
  index.dispose();
  const job = jd.parseJob('{"__proto__":{"polluted":true},"constructor":1,"id":"j","execution_steps":[{"__proto__":1}]}');
  assert.equal(job.ok, true);
  assert.equal(job.id, 'j');
  assert.equal(job.stepCount, 1);
  assert.equal(Object.getPrototypeOf(job), Object.prototype);
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
});

test('16 M tiny steps: too_large when the records outgrow memory, and the same module goes on', async () => {
  // 3 bytes a step in the document but 124 bytes a record: 16 M steps need ~2 GB of records, more
  // than wasm32 can give. Growth that cannot be had is a typed error, not an abort of the module.
  const mod = await freshModule();
  const steps = 16 * 1024 * 1024;
  const bytes = new Uint8Array(steps * 3 + 1);
  bytes[0] = 0x5b;  // [
  for (let i = 0; i < steps; i += 1) {
    bytes[1 + i * 3] = 0x7b;  // {
    bytes[2 + i * 3] = 0x7d;  // }
    bytes[3 + i * 3] = i === steps - 1 ? 0x5d : 0x2c;  // ] or ,
  }
  const index = mod.createStepIndex();
  feedInChunks(index, bytes, 4 * MiB);
  const result = index.finish();
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'too_large');
  assert.match(result.error.message, /out of memory for the step list after \d+ steps/);
  assert.ok(result.count > 1_000_000 && result.count < steps, `${result.count} steps indexed before`);
  assert.equal(result.error.offset, 1 + result.count * 3, 'at the first byte of the step that did not fit');
  assert.deepEqual(index.step(result.count - 1), {}, 'the steps before stay readable');
  index.dispose();
  // The module is alive: the next document is indexed by the same instance.
  const next = mod.indexSteps(utf8.encode('[{"step_number":1,"cost_usd":"0.5"}]'));
  assert.equal(next.ok, true);
  assert.equal(next.totalCostUsd, '0.5');
  // And a step cap gives the same typed error long before memory matters.
  const capped = mod.indexSteps(bytes.subarray(0, 3 * 1000 + 1), { maxSteps: 10 });
  assert.equal(`${capped.error.code}@${capped.error.offset}`, 'too_large@31');
});
