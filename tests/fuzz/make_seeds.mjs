#!/usr/bin/env node
// Writes the committed seed corpus, tests/fuzz/seeds/<target>/<name> (a few KB in all): small
// documents that reach each target's interesting paths at once, so a short run starts deep.
// The run corpus (what libFuzzer grows) lives under build/fuzz/corpus and is never committed.
//   node tests/fuzz/make_seeds.mjs [out_dir]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'seeds');
const bom = '\u{FEFF}';

// Step index and job inputs carry option bytes before the document (see each target's header).
const stepDocs = {
  array: '[{"step_number":1,"step_name":"Plan","status":"completed","cost_usd":"0.50","input_tokens":12,"output":"<p>ok</p>"},{"step_number":"2","name":"Act","cost_usd":0.25}]',
  object: '{"job_id":"j-1","execution_steps":[{"step_id":"a","started_at":"2026-11-29T14:00:00Z","completed_at":"x","cost_usd":null,"model":"m","duration_ms":12.5}],"meta":{"n":[1,2]}}',
  steps_member: '{"steps":[{"id":7,"cost_usd":"$1,234.56","output_tokens":3,"total_tokens":1.5}]}',
  both_members: '{"steps":5,"execution_steps":[{"position":1}]}',
  duplicate_keys: '{"execution_steps":[{"cost_usd":1}],"execution_steps":[{"cost_usd":2,"cost_usd":3}]}',
  escapes: '[{"name":"\\u00e9\\u20AC\\uD83D\\uDE00\\n\\t\\"\\\\\\/","output":"\\u0000"}]',
  utf8: '[{"name":"Résumé 日本語 🎉"}]',
  lone_surrogate: '[{"name":"\\uD800"}]',
  numbers: '[{"cost_usd":18446744073709551617},{"cost_usd":1e400},{"cost_usd":-0.0},{"cost_usd":1E-5}]',
  bom: `${bom}[{"step_number":1}]`,
  not_object: '[1,"two",null,[3],{"step_number":4}]',
  deep: '[' + '['.repeat(30) + ']'.repeat(30) + ']',
  truncated: '[{"step_number":1},{"step_',
  bad_utf8: '[{"name":"\xC3("}]',
  empty: '[]',
  scalar: '"steps"',
};
const costs = [
  '0.5', '"$1,234.56"', '" -$5 "', 'null', 'true', '{"v":1}', '"1e-5"', '999999999999.9999999999995',
  '1e12', '-0.0000001', '"007"', '"12,34"', '0.000123456', '"NaN"', '1e400', '18446744073709551617',
  '"\\u0031"', ' 0.005 ', '-1234567.891', '"$.5"',
];
const jobs = {
  full: '{"id":"j1","status":"running","execution_steps":[{"step_number":1,"cost_usd":0.25},{"step_id":"x","cost_usd":"abc"}],"execution_steps_s3_key":"jobs/j1/steps.json","execution_steps_s3_url":"https://bucket.s3.amazonaws.com/jobs/j1/steps.json?X-Amz-Date=20261129T140000Z&X-Amz-Expires=3600&X-Amz-Signature=abc"}',
  job_id_number: '{"job_id":12345678901234567890,"execution_steps":null}',
  steps_string: '{"id":"j","execution_steps":"oops","status":""}',
  proto: '{"__proto__":{"polluted":1},"constructor":{"prototype":{}},"execution_steps":[{"__proto__":1}]}',
  array: '[1,2]',
  deep: '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}',
};

// Deterministic bytes for the session target, whose input is a stream of choices.
function* xorshift(seed) {
  let x = seed >>> 0 || 1;
  for (;;) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    yield x & 0xff;
  }
}
function bytes(seed, length) {
  const gen = xorshift(seed);
  return Buffer.from(Array.from({ length }, () => gen.next().value));
}

function write(target, name, content) {
  mkdirSync(join(out, target), { recursive: true });
  writeFileSync(join(out, target, name), content);
}

rmSync(out, { recursive: true, force: true });
for (const [name, doc] of Object.entries(stepDocs)) {
  // Byte 0: 0x00 keeps the default depth limit, 0x88 sets 9; byte 1 seeds the chunking.
  write('step_index', name, Buffer.concat([Buffer.from([0x00, 0x07]), Buffer.from(doc, name === 'bad_utf8' ? 'latin1' : 'utf8')]));
}
write('step_index', 'deep_limited', Buffer.concat([Buffer.from([0x88, 0x04]), Buffer.from(stepDocs.deep)]));
costs.forEach((text, i) => write('cost', `cost_${String(i).padStart(2, '0')}`, text));
for (const [name, doc] of Object.entries(jobs)) write('job', name, Buffer.concat([Buffer.from([0x00]), Buffer.from(doc)]));
write('job', 'deep_limited', Buffer.concat([Buffer.from([0x85]), Buffer.from(jobs.deep)]));
for (let i = 1; i <= 8; i++) write('session', `events_${i}`, bytes(i * 7919, 64 + i * 40));
