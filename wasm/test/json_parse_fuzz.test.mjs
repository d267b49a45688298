// A seeded, deterministic fuzz of the `res.json()` contract: random steps documents holding what
// strict parsers refuse (ill-formed UTF-8 inside strings, lone surrogate escapes, numbers beyond
// double, a leading BOM, duplicate keys, `__proto__`), some of them damaged (bytes dropped,
// inserted or replaced, the text cut short). V8 is the oracle: the index accepts a document
// exactly when `JSON.parse(new TextDecoder().decode(bytes))` does (shape rules aside), at any
// chunking, and `step(i)` gives JSON.parse's value of each step. The job parser gets the same
// documents as its `execution_steps` and must accept exactly what JSON.parse accepts.
//
// Same seed, same documents: a failure names its seed and case, and reproduces.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

const jd = await loadJobDetail();
const encoder = new TextEncoder();

const SEED = 0x5eed_2026;
const CASES = 4000;

/** mulberry32: small, seedable, good enough to pick bytes. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes written in pieces: text (UTF-8) or raw bytes, which may be ill-formed. */
class Bytes {
  constructor() {
    this.parts = [];
  }
  text(s) {
    this.parts.push(...encoder.encode(s));
  }
  raw(bytes) {
    this.parts.push(...bytes);
  }
  done() {
    return Uint8Array.from(this.parts);
  }
}

// What the WHATWG decoder turns into U+FFFD: truncated sequences, overlongs, encoded surrogates,
// code points past U+10FFFF, stray continuation and invalid lead bytes.
const ILL_FORMED = [[0xff], [0xfe, 0xff], [0xe2, 0x82], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xc3], [0xf0, 0x9f, 0x98]];
const ESCAPES = ['\\ud800', '\\udc00', '\\uD83D\\u0041', '\\uD83D\\uDE00', '\\u0000', '\\n', '\\"', '\\\\', '\\/', '\\u00e9', '\\uDBFF'];
const NUMBERS = ['0', '-0', '1', '0.1', '1e400', '-1e400', '1e-400', '18446744073709551617', '-9223372036854775809', '0.1e999999999', '123.456e-7', '1E+2'];
const KEYS = ['step_number', 'step_name', 'name', 'status', 'cost_usd', 'output', 'id', 'step_id', 'input_tokens', 'model', '__proto__', 'constructor', 'x'];
const COSTS = ['0.5', '"0.0123"', '" $0.5 "', '"1,234.56"', '"abc"', 'null', 'true', '1e400', '-1e400', '"1e400"', '{}'];
// Bytes that damage structure when dropped in anywhere.
const DAMAGE = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', 'e', '-', '\0', '\u00e9'];

function generator(seed) {
  const random = rng(seed);
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];

  function string(out) {
    out.text('"');
    const pieces = int(5);
    for (let i = 0; i < pieces; i += 1) {
      const kind = int(4);
      if (kind === 0) out.raw(pick(ILL_FORMED));
      else if (kind === 1) out.text(pick(ESCAPES));
      else out.text(pick(['a', 'caf\u00e9', '<p>x</p>', ' ', '\u{1F600}', 'html']));
    }
    out.text('"');
  }

  function value(out, depth) {
    const kind = int(depth > 2 ? 5 : 7);
    if (kind === 0) string(out);
    else if (kind === 1) out.text(pick(NUMBERS));
    else if (kind === 2) out.text(pick(['true', 'false', 'null']));
    else if (kind === 3 || kind === 4) string(out);
    else if (kind === 5) {
      out.text('[');
      const n = int(3);
      for (let i = 0; i < n; i += 1) {
        if (i > 0) out.text(',');
        value(out, depth + 1);
      }
      out.text(']');
    } else {
      object(out, depth + 1);
    }
  }

  function object(out, depth) {
    out.text('{');
    const n = int(4);
    for (let i = 0; i < n; i += 1) {
      if (i > 0) out.text(',');
      if (int(4) === 0) string(out);
      else out.text(`"${pick(KEYS)}"`);
      out.text(int(5) === 0 ? ' : ' : ':');
      value(out, depth);
    }
    out.text('}');
  }

  function step(out) {
    if (int(10) === 0) {
      value(out, 1);  // an invalid entry: indexed all the same
      return;
    }
    out.text(`{"step_number":${int(20)},"cost_usd":${pick(COSTS)},"output":`);
    string(out);
    const extra = int(3);
    for (let i = 0; i < extra; i += 1) {
      out.text(`,"${pick(KEYS)}":`);
      value(out, 2);
    }
    out.text('}');
  }

  function steps(out) {
    out.text('[');
    const n = int(6);
    for (let i = 0; i < n; i += 1) {
      if (i > 0) out.text(int(6) === 0 ? ' ,\n' : ',');
      step(out);
    }
    out.text(']');
  }

  /** A steps document (a list, or an object holding one), maybe with a BOM, maybe damaged. */
  function document() {
    const out = new Bytes();
    if (int(4) === 0) out.raw([0xef, 0xbb, 0xbf]);
    if (int(3) === 0) {
      out.text('{"job_id":"j",');
      out.text(int(2) ? '"execution_steps":' : '"steps":');
      steps(out);
      out.text('}');
    } else {
      steps(out);
    }
    let bytes = out.done();
    const damage = int(3) === 0 ? 1 + int(2) : 0;
    for (let d = 0; d < damage; d += 1) bytes = damaged(bytes);
    return bytes;
  }

  function damaged(bytes) {
    const at = int(bytes.length + 1);
    const kind = int(4);
    const insert = encoder.encode(pick(DAMAGE));
    if (kind === 0) return bytes.subarray(0, at);  // cut short
    if (kind === 1) return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    if (kind === 2) return Uint8Array.from([...bytes.subarray(0, at), ...insert, ...bytes.subarray(at)]);
    return Uint8Array.from([...bytes.subarray(0, at), ...insert, ...bytes.subarray(at + 1)]);
  }

  return { document, chunk: () => 1 + int(16) };
}

/** res.json(): the value, or undefined when it throws. */
function baseline(bytes) {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

/** The list the index reads from a document JSON.parse accepted, or undefined for another shape. */
function stepsOf(value) {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== 'object') return undefined;
  const own = (key) => Object.prototype.hasOwnProperty.call(value, key);
  if (own('execution_steps')) return Array.isArray(value.execution_steps) ? value.execution_steps : undefined;
  if (own('steps')) return Array.isArray(value.steps) ? value.steps : undefined;
  return undefined;
}

function index(bytes, chunk) {
  const ix = jd.createStepIndex();
  for (let at = 0; at < bytes.length; at += chunk) ix.feed(bytes.subarray(at, at + chunk));
  const result = ix.finish();
  return { ix, result };
}

test('random documents with anomalies: the index accepts what JSON.parse accepts, with its values', (t) => {
  const gen = generator(SEED);
  const tally = { accepted: 0, refused: 0, shape: 0, steps: 0 };
  // Accepted documents holding each anomaly: the generator must reach them all.
  const anomalies = { illFormedUtf8: 0, surrogateEscape: 0, beyondDouble: 0, bom: 0 };
  for (let n = 0; n < CASES; n += 1) {
    const bytes = gen.document();
    const where = `seed ${SEED}, case ${n}: ${JSON.stringify(new TextDecoder().decode(bytes))}`;
    const expected = baseline(bytes);
    const whole = index(bytes, bytes.length || 1);
    const chunked = index(bytes, gen.chunk());
    try {
      const outcome = (r) => (r.ok ? 'ok' : `${r.error.code}@${r.error.offset}`);
      assert.equal(outcome(chunked.result), outcome(whole.result), `${where}: same outcome at any chunking`);
      const { result, ix } = whole;
      if (!expected.ok) {
        // (A shape already wrong before the JSON breaks is reported first, as unexpected_shape.)
        assert.equal(result.ok, false, `${where}: JSON.parse refuses, the index must too`);
        tally.refused += 1;
        continue;
      }
      const list = stepsOf(expected.value);
      if (list === undefined) {
        assert.equal(result.ok ? 'ok' : result.error.code, 'unexpected_shape', where);
        tally.shape += 1;
        continue;
      }
      assert.equal(result.ok, true, `${where}: JSON.parse accepts, the index must too (${JSON.stringify(result.error)})`);
      assert.equal(result.count, list.length, where);
      for (let i = 0; i < list.length; i += 1) {
        assert.deepStrictEqual(ix.step(i), list[i], `${where}: step(${i}) is JSON.parse's value`);
        ix.summary(i);  // every row reads
      }
      tally.accepted += 1;
      tally.steps += list.length;
      const text = new TextDecoder().decode(bytes);
      if (text.includes('\uFFFD')) anomalies.illFormedUtf8 += 1;
      if (/\\u[dD][89abAB]/i.test(text)) anomalies.surrogateEscape += 1;
      if (/e(400|999999999)/.test(text)) anomalies.beyondDouble += 1;
      if (bytes[0] === 0xef) anomalies.bom += 1;
    } finally {
      whole.ix.dispose();
      chunked.ix.dispose();
    }
  }
  t.diagnostic(`${CASES} documents: ${tally.accepted} accepted (${tally.steps} steps), ${tally.refused} refused as JSON, ${tally.shape} refused for their shape`);
  t.diagnostic(`accepted with each anomaly: ${JSON.stringify(anomalies)}`);
  assert.ok(tally.accepted > CASES / 3 && tally.refused > CASES / 20, JSON.stringify(tally));
  for (const [name, count] of Object.entries(anomalies)) assert.ok(count > CASES / 50, `${name}: ${count}`);
});

test('the same documents as a job\'s execution_steps: parseJob accepts what JSON.parse accepts', (t) => {
  const gen = generator(SEED + 1);
  let accepted = 0;
  for (let n = 0; n < CASES; n += 1) {
    const bytes = gen.document();
    // The job arrives as text (the client reads it with res.text()), so decode first as the
    // browser does, then put the document where the job holds its steps.
    const document = new TextDecoder().decode(bytes);
    const text = `{"id":"j","status":"running","execution_steps":${document}}`;
    const where = `seed ${SEED + 1}, case ${n}: ${JSON.stringify(text)}`;
    const expected = (() => {
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false };
      }
    })();
    const job = jd.parseJob(text);
    assert.equal(job.ok, expected.ok, `${where}: ${JSON.stringify(job.error)}`);
    if (!expected.ok) {
      assert.equal(job.error.code, 'invalid_json', where);
      continue;
    }
    const steps = expected.value.execution_steps;
    assert.equal(job.stepsField, Array.isArray(steps) ? 'array' : steps === null ? 'null' : 'other_type', where);
    assert.equal(job.stepCount, Array.isArray(steps) ? steps.length : 0, where);
    assert.equal(job.stepCosts.length, job.stepCount, where);
    if (Array.isArray(steps)) {
      // One reader of step lists: the job's costs are what the index reads from the same list.
      const { ix } = index(encoder.encode(document), 64);
      for (let i = 0; i < steps.length; i += 1) {
        assert.deepStrictEqual(job.stepCosts[i], ix.summary(i).cost, `${where}: cost of step ${i}`);
      }
      ix.dispose();
    }
    accepted += 1;
  }
  t.diagnostic(`${CASES} jobs: ${accepted} accepted`);
  assert.ok(accepted > CASES / 3);
});
