// The step index through the built package: chunked feeding, results, errors with offsets, rows,
// full steps, limits, dispose.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { JobDetailError, loadJobDetail } from '@jobdash/job-detail';

const jd = await loadJobDetail();
const utf8 = new TextEncoder();

const steps = [
  { step_number: 1, step_name: 'Plan', status: 'completed', cost_usd: '0.50', input_tokens: 12, output: '<p>Résumé 日本語 🎉</p>' },
  { step_number: '2', name: 'Act', started_at: '2026-11-29T14:00:00Z', duration_ms: 1250.5, cost_usd: 0.25 },
  { step_number: 3, cost_usd: null, output: '<div>' + 'é'.repeat(100_000) + '</div>' },
  { step_number: 4, cost_usd: 'oops' },
  'not an object',
];
const documentBytes = utf8.encode(JSON.stringify({ execution_steps: steps }));

function feedInChunks(index, bytes, size) {
  for (let offset = 0; offset < bytes.length; offset += size) index.feed(bytes.subarray(offset, offset + size));
}

test('any chunking gives the same result, rows and steps', () => {
  for (const size of [1, 2, 3, 7, 64, 65_536, documentBytes.length]) {
    const index = jd.createStepIndex();
    feedInChunks(index, documentBytes, size);
    assert.equal(index.count, 5, `chunk size ${size}`);
    const result = index.finish();
    assert.deepEqual(result, {
      ok: true,
      count: 5,
      totalCostUsd: '0.75',
      totalCostDisplay: '$0.75',
      noCost: 1,
      invalidCost: 2,
      repairedStrings: 0,
    });
    for (let i = 0; i < steps.length; i++) assert.deepEqual(index.step(i), steps[i], `step ${i}, chunk ${size}`);
    index.dispose();
  }
});

test('summary rows carry the list fields, exact costs and byte spans', () => {
  const index = jd.createStepIndex();
  index.feed(documentBytes);
  index.finish();
  const first = index.summary(0);
  assert.equal(first.index, 0);
  assert.equal(first.isObject, true);
  assert.equal(first.problem, null);
  assert.equal(first.key, '1');
  assert.equal(first.stepNumber, '1');
  assert.equal(first.name, 'Plan');
  assert.equal(first.status, 'completed');
  assert.equal(first.inputTokens, 12);
  assert.equal(first.outputTokens, null);
  assert.deepEqual(first.cost, { kind: 'valid', value: '0.5', display: '$0.50' });
  const text = new TextDecoder().decode(documentBytes.subarray(first.begin, first.end));
  assert.deepEqual(JSON.parse(text), steps[0]);

  const second = index.summary(1);
  assert.equal(second.key, '2');
  assert.equal(second.name, 'Act');
  assert.equal(second.startedAt, '2026-11-29T14:00:00Z');
  assert.equal(second.durationMs, '1250.5');
  const last = index.summary(4);
  assert.equal(last.isObject, false);
  assert.equal(typeof last.problem, 'string');
  assert.equal(last.key, '#4');
  assert.equal(last.cost.kind, 'invalid');
  index.dispose();
});

test('progress is readable while bytes arrive', () => {
  const index = jd.createStepIndex();
  const half = Math.floor(documentBytes.length / 2);
  index.feed(documentBytes.subarray(0, half));
  const progress = index.progress();
  assert.equal(progress.bytes, half);
  assert.equal(progress.error, null);
  assert.ok(progress.count >= 2 && progress.count < 5, `count ${progress.count}`);
  assert.equal(index.finished, false);
  index.feed(documentBytes.subarray(half));
  assert.equal(index.finish().ok, true);
  assert.equal(index.finished, true);
  index.dispose();
});

test('errors carry the core code and byte offset, and keep what was indexed', () => {
  const truncated = jd.indexSteps(utf8.encode('[{"step_number":1,"cost_usd":"1.5"},{"step_number":2'));
  assert.equal(truncated.ok, false);
  assert.equal(truncated.error.code, 'truncated');
  assert.equal(truncated.error.offset, 52);
  assert.equal(truncated.count, 1);
  assert.equal(truncated.totalCostUsd, '1.5');

  const invalid = jd.indexSteps(utf8.encode('[{"a":1},{"b":tru}]'));
  assert.equal(invalid.ok, false);
  assert.equal(invalid.error.code, 'invalid_json');
  assert.equal(invalid.error.offset, 17);  // the `}` where `tru` became invalid
  assert.equal(invalid.count, 1);

  // Ill-formed UTF-8 inside a string is what res.json() reads as U+FFFD; strict refuses it.
  const badUtf8Bytes = new Uint8Array([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]);
  const repaired = jd.indexSteps(badUtf8Bytes);
  assert.equal(repaired.ok, true);
  assert.equal(repaired.count, 1);
  assert.equal(repaired.repairedStrings, 1);
  const badUtf8 = jd.indexSteps(badUtf8Bytes, { strict: true });
  assert.equal(badUtf8.ok, false);
  assert.equal(badUtf8.error.code, 'invalid_json');
  assert.equal(badUtf8.error.offset, 3);
  assert.throws(() => jd.indexSteps(badUtf8Bytes, { strict: 'yes' }), { code: 'invalid_argument' });

  const shape = jd.indexSteps(utf8.encode('{"items":[]}'));
  assert.equal(shape.ok, false);
  assert.equal(shape.error.code, 'unexpected_shape');

  const tooLarge = jd.indexSteps(documentBytes, { maxBytes: 100 });
  assert.equal(tooLarge.ok, false);
  assert.equal(tooLarge.error.code, 'too_large');
  assert.equal(tooLarge.error.offset, 100);
});

test('the rows indexed before an error stay readable', () => {
  const index = jd.createStepIndex();
  index.feed(utf8.encode('[{"step_number":1,"output":"kept"}, nope'));
  assert.equal(index.progress().error.code, 'invalid_json');
  index.feed(utf8.encode(']'));  // ignored after an error
  const result = index.finish();
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'invalid_json');
  assert.deepEqual(index.step(0), { step_number: 1, output: 'kept' });
  index.dispose();
});

test('a depth bomb of 10^6 nested arrays is too_deep, not a RangeError', () => {
  const depth = 1_000_000;
  const bomb = new Uint8Array(2 + depth * 2);
  bomb[0] = 0x5b;  // [
  bomb.fill(0x5b, 1, 1 + depth);
  bomb.fill(0x5d, 1 + depth, 1 + 2 * depth);
  bomb[bomb.length - 1] = 0x5d;
  const index = jd.createStepIndex();
  feedInChunks(index, bomb, 65_536);
  const result = index.finish();
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'too_deep');
  assert.equal(result.error.offset, 512);
  assert.equal(index.count, 0);
  index.dispose();
  assert.equal(jd.indexSteps(bomb, { maxDepth: 4 }).error.offset, 4);
});

test('accepts ArrayBuffer and other views, and a BOM', () => {
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode('[{"cost_usd":1}]')]);
  assert.equal(jd.indexSteps(withBom.buffer).totalCostUsd, '1');
  const index = jd.createStepIndex();
  index.feed(new DataView(withBom.buffer, 0, 5));
  index.feed(withBom.subarray(5).slice().buffer);
  assert.equal(index.finish().count, 1);
  index.dispose();
});

test('out-of-range and bad arguments throw JobDetailError invalid_argument', () => {
  const index = jd.createStepIndex();
  index.feed(utf8.encode('[1,2]'));
  index.finish();
  // Past 2^32 too: the wasm side counts in 32 bits, and 2^32 + 1 must not wrap to row 1.
  const bad = [2, -1, 0.5, NaN, Infinity, 2 ** 32, 2 ** 32 + 1, 2 ** 53, '0'];
  for (const i of bad) {
    for (const call of [() => index.summary(i), () => index.step(i)]) {
      assert.throws(call, (error) => error instanceof JobDetailError && error.code === 'invalid_argument', String(i));
    }
  }
  assert.equal(index.step(0), 1);
  assert.throws(() => jd.createStepIndex({ maxBytes: -1 }), JobDetailError);
  assert.throws(() => jd.createStepIndex({ maxDepth: 1.5 }), JobDetailError);
  index.dispose();
});

test('dispose is idempotent, later use throws, and `using` disposes', () => {
  const index = jd.createStepIndex();
  index.dispose();
  index.dispose();
  assert.throws(() => index.count, /after dispose/);
  assert.throws(() => index.feed(new Uint8Array(1)), JobDetailError);
  assert.equal(typeof index[Symbol.dispose], 'function');
  const other = jd.createStepIndex();
  other[Symbol.dispose]();
  assert.throws(() => other.finish(), /after dispose/);
});

test('indexes dropped without dispose are freed by the finalizer backstop', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const big = utf8.encode(JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ step_number: i, output: 'x'.repeat(10_000) }))));
  const wasmBytes = () => jd.memoryBytes();
  const start = wasmBytes();
  for (let round = 0; round < 60; round++) {
    const index = jd.createStepIndex();  // 4 MB each, never disposed
    index.feed(big);
    assert.equal(index.finish().count, 400);
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  // 60 undisposed indexes would hold 240 MB of documents; the backstop keeps a few at most.
  const grew = wasmBytes() - start;
  assert.ok(grew < 64 * 1024 * 1024, `wasm memory grew by ${grew} bytes`);
});
