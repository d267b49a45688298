// cost_usd through the built package: the same rules as the C++ core, reached from JS values.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

const jd = await loadJobDetail();

test('formats numbers and strings the same way', () => {
  assert.equal(jd.formatCost(0.000123), '$0.000123');
  assert.equal(jd.formatCost('0.000123'), '$0.000123');
  assert.equal(jd.formatCost(1234.5), '$1,234.50');
  assert.equal(jd.formatCost(' $0.5 '), '$0.50');
  assert.equal(jd.formatCost('1,234.56'), '$1,234.56');
  assert.equal(jd.formatCost(-1234.5), '-$1,234.50');
  assert.equal(jd.formatCost(0), '$0.00');
  assert.equal(jd.formatCost(0.009999), '$0.01');
  assert.equal(jd.formatCost(1e-7), '<$0.000001');
  assert.equal(jd.formatCost(-1e-7), '>-$0.000001');
});

test('no cost and invalid cost both display a dash but are told apart', () => {
  for (const value of [null, undefined]) {
    assert.deepEqual(jd.parseCost(value), { kind: 'none', value: null, display: '—' });
  }
  for (const value of ['', 'abc', 'NaN', 'Infinity', '0x10', '1.2.3', true, {}, [], NaN, Infinity, 1e12]) {
    assert.equal(jd.parseCost(value).kind, 'invalid', `value ${String(value)}`);
    assert.equal(jd.formatCost(value), '—');
  }
});

test('exact values never pass through a double', () => {
  assert.equal(jd.parseCostJson('0.1000000000000000055511151231257827').value, '0.1');
  assert.equal(jd.parseCostJson('"0.0000000000005"').value, '0');  // half-even at the 12th digit
  assert.equal(jd.parseCostJson('"0.0000000000015"').value, '0.000000000002');
});

test('totals are exact and count what they exclude', () => {
  const totals = jd.totalCost([0.1, 0.2, '0.3', null, 'oops', undefined, '$1,000']);
  assert.deepEqual(totals, {
    totalCostUsd: '1000.6',
    totalCostDisplay: '$1,000.60',
    noCost: 2,
    invalidCost: 1,
  });
  assert.deepEqual(jd.totalCost([]), {
    totalCostUsd: '0',
    totalCostDisplay: '$0.00',
    noCost: 0,
    invalidCost: 0,
  });
});

test('a circular object is an invalid cost, not a crash', () => {
  const circular = {};
  circular.self = circular;
  assert.equal(jd.parseCost(circular).kind, 'invalid');
});
