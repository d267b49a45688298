// The index against the baseline it replaces, `res.json()`, which is
// `JSON.parse(new TextDecoder().decode(bytes))`: V8 is the oracle. Over the whole JSONTestSuite
// corpus (y_, n_ and i_ files) and over a generated 5,000-step document holding what strict parsers
// refuse, the index accepts exactly what V8 accepts, and `step(i)` gives exactly V8's values.
//
// Each corpus file is put where a steps document holds values, as the one member of the one step
// (`[{"v": <file>}]`, a leading BOM kept first), and both sides read the same bytes. The file's own
// verdict by V8 is checked to survive the wrapping, so the comparison is about the file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

const jd = await loadJobDetail();
// File names hold `#`: paths, not URLs.
const corpus = fileURLToPath(new URL('../../../shared/corpora/JSONTestSuite/test_parsing/', import.meta.url));
const BOM = [0xef, 0xbb, 0xbf];

/** What res.json() does with the bytes: the value, or null when it throws. */
function baseline(bytes) {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return { ok: false, value: undefined };
  }
}

function wrapAsStep(file) {
  const bom = BOM.every((byte, i) => file[i] === byte);
  const body = bom ? file.subarray(3) : file;
  const head = new TextEncoder().encode('[{"v":');
  const tail = new TextEncoder().encode('}]');
  return Uint8Array.from([...(bom ? BOM : []), ...head, ...body, ...tail]);
}

/** The index's verdict, fed whole and byte by byte (they must agree), and step 0 when accepted. */
function indexed(bytes) {
  const outcomes = [];
  let step;
  for (const chunk of [bytes.length || 1, 1]) {
    const index = jd.createStepIndex();
    for (let at = 0; at < bytes.length; at += chunk) index.feed(bytes.subarray(at, at + chunk));
    const result = index.finish();
    outcomes.push(result.ok ? 'ok' : result.error.code);
    if (result.ok && step === undefined) step = index.step(0);
    index.dispose();
  }
  assert.equal(outcomes[0], outcomes[1], 'the same verdict at any chunking');
  return { outcome: outcomes[0], step };
}

test('JSONTestSuite: every y_, n_ and i_ file gets V8\'s verdict and V8\'s values', (t) => {
  if (!existsSync(corpus)) {
    t.skip(`corpus missing at ${corpus} (../shared/corpora beside the project)`);
    return;
  }
  const names = readdirSync(corpus).filter((name) => /^[yni]_.*\.json$/.test(name)).sort();
  assert.equal(names.length, 318);
  const tally = { agree: 0, accepted: 0, rejected: 0 };
  for (const name of names) {
    const file = readFileSync(join(corpus, name));
    const wrapped = wrapAsStep(file);
    const expected = baseline(wrapped);
    // The wrapping does not change what V8 thinks of the file (a BOM stays first, the value stays
    // one JSON value).
    assert.equal(expected.ok, baseline(file).ok, `${name}: V8's verdict survives the wrapping`);
    if (name.startsWith('y_')) assert.equal(expected.ok, true, `${name}: V8 accepts y_ files`);
    if (name.startsWith('n_')) assert.equal(expected.ok, false, `${name}: V8 refuses n_ files`);
    const { outcome, step } = indexed(wrapped);
    assert.equal(outcome === 'ok', expected.ok, `${name}: index ${outcome}, V8 ${expected.ok ? 'accepts' : 'refuses'}`);
    if (expected.ok) {
      assert.deepStrictEqual(step, expected.value[0], `${name}: step(0) is JSON.parse's value`);
      tally.accepted += 1;
    } else {
      assert.notEqual(outcome, 'unexpected_shape', `${name}: refused as JSON, not for its shape`);
      tally.rejected += 1;
    }
    tally.agree += 1;
  }
  t.diagnostic(`agree with V8 on ${tally.agree} of ${names.length} files (${tally.accepted} accepted, ${tally.rejected} refused)`);
});

test('a 5,000-step document with ill-formed UTF-8, a lone surrogate and cost 1e400 keeps every step', () => {
  const encoder = new TextEncoder();
  const parts = [encoder.encode('{"job_id":"j","execution_steps":[')];
  for (let i = 1; i <= 5000; i += 1) {
    if (i > 1) parts.push(encoder.encode(','));
    const step = `{"step_number":${i},"step_name":"Step ${i}","cost_usd":${i === 3000 ? '1e400' : '"0.001"'},"output":"<html><p>`;
    parts.push(encoder.encode(step));
    if (i === 1000) parts.push(Uint8Array.from([0x61, 0xff, 0xfe, 0x62]));  // "a\xff\xfeb"
    if (i === 2000) parts.push(encoder.encode('\\ud800 lone'));
    parts.push(encoder.encode(`caf\u00e9 ${i}</p></html>"}`));
  }
  parts.push(encoder.encode(']}'));
  const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  const expected = baseline(bytes);
  assert.equal(expected.ok, true);
  const index = jd.createStepIndex();
  for (let offset = 0; offset < bytes.length; offset += 65_536) index.feed(bytes.subarray(offset, offset + 65_536));
  const result = index.finish();
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(result.count, 5000);
  assert.equal(result.invalidCost, 1);
  assert.equal(result.repairedStrings, 2);
  assert.equal(result.totalCostUsd, '4.999');
  for (const i of [0, 999, 1999, 2999, 4999]) {
    assert.deepStrictEqual(index.step(i), expected.value.execution_steps[i], `step ${i + 1}`);
  }
  assert.equal(index.step(999).output, '<html><p>a\uFFFD\uFFFDbcafé 1000</p></html>');
  assert.equal(index.step(1999).output.charCodeAt(9), 0xd800);
  assert.equal(index.step(2999).cost_usd, Infinity);
  assert.equal(index.summary(2999).cost.kind, 'invalid');
  index.dispose();
});
