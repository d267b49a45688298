// The boundary is described once on each side: C++ field and name tables (reported by the module's
// `schema()`) and the TypeScript types (`SCHEMA` in types.ts, checked against the interfaces at
// compile time). These tests fail when the two disagree: a field or code added, renamed or removed
// on one side only.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';
import { RAW_SNAPSHOT_FIELDS } from '../dist/snapshot.js';
import { SCHEMA } from '../dist/types.js';

const jd = await loadJobDetail();
const reported = jd.schema();

function sameNames(actual, expected, what) {
  const missingInTs = actual.filter((name) => !expected.includes(name));
  const missingInCpp = expected.filter((name) => !actual.includes(name));
  assert.deepEqual({ missingInTs, missingInCpp }, { missingInTs: [], missingInCpp: [] }, what);
}

for (const [name, fields] of Object.entries(SCHEMA.structs)) {
  test(`struct ${name}: the C++ field table and the TypeScript type name the same fields`, () => {
    assert.ok(reported.structs[name], `the module reports no struct ${name}`);
    sameNames(reported.structs[name], fields, name);
  });
}

test('struct SessionSnapshot: the C++ field table and RawSnapshot name the same fields', () => {
  sameNames(reported.structs.SessionSnapshot, RAW_SNAPSHOT_FIELDS, 'SessionSnapshot');
});

for (const [name, values] of Object.entries(SCHEMA.enums)) {
  test(`enum ${name}: the C++ name table and the TypeScript union name the same values, in order`, () => {
    assert.ok(reported.enums[name], `the module reports no enum ${name}`);
    assert.deepEqual(reported.enums[name], [...values], name);
  });
}

test('every struct and enum the module reports is described in TypeScript', () => {
  const described = [...Object.keys(SCHEMA.structs), 'SessionSnapshot'].sort();
  assert.deepEqual(Object.keys(reported.structs).sort(), described);
  assert.deepEqual(Object.keys(reported.enums).sort(), Object.keys(SCHEMA.enums).sort());
});

test('a value the module returns has exactly the reported fields (the conversion follows the table)', () => {
  const index = jd.createStepIndex();
  index.feed(new TextEncoder().encode('[{"step_number":1,"output":"<!DOCTYPE html><p>x</p>","cost_usd":"0.5"}]'));
  assert.equal(index.finish().ok, true);
  assert.deepEqual(Object.keys(index.summary(0)), reported.structs.StepRow);
  assert.equal(index.summary(0).outputIsHtml, true);
  index.dispose();
});

test('the schema check itself fails on a difference (a removed field and a renamed code)', () => {
  const fields = reported.structs.StepRow.filter((name) => name !== 'outputChars');
  assert.throws(() => sameNames(fields, SCHEMA.structs.StepRow, 'StepRow'), /outputChars/);
  const codes = reported.enums.ErrorCode.map((code) => (code === 'too_deep' ? 'too_nested' : code));
  assert.throws(() => assert.deepEqual(codes, [...SCHEMA.enums.ErrorCode]));
});
