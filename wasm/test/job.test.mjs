// parseJob and mergeSteps through the built package.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadJobDetail } from '@jobdash/job-detail';

const jd = await loadJobDetail();

const partialJob = JSON.stringify({
  job_id: 'job-1',
  status: 'completed',
  owner: 'ana',
  execution_steps: [
    { step_number: 1, cost_usd: 0.5 },
    { step_number: '2', cost_usd: '$1,000' },
    { step_number: 6, cost_usd: null },
  ],
  execution_steps_s3_key: 'jobs/job-1/execution_steps.json',
  execution_steps_s3_url: 'https://bucket.s3.amazonaws.com/jobs/job-1/execution_steps.json?X-Amz-Expires=3600',
});

test('parseJob reads the fields the view decides on', () => {
  const job = jd.parseJob(partialJob);
  assert.equal(job.ok, true);
  assert.equal(job.id, 'job-1');
  assert.equal(job.status, 'completed');
  assert.equal(job.stepsField, 'array');
  assert.equal(job.stepCount, 3);
  assert.equal(job.s3Key, 'jobs/job-1/execution_steps.json');
  assert.match(job.s3Url, /^https:/);
  assert.deepEqual(
    job.stepCosts.map((c) => c.display),
    ['$0.50', '$1,000.00', '—'],
  );
});

test('parseJob gives typed errors with byte offsets, never throws', () => {
  assert.deepEqual(jd.parseJob('{"a":').error.code, 'invalid_json');
  assert.equal(jd.parseJob('{"a":').error.offset, 5);
  assert.equal(jd.parseJob('[1,2]').error.code, 'unexpected_shape');
  assert.equal(jd.parseJob('{"a":1}\u0000').error.code, 'invalid_json');
  assert.equal(jd.parseJob('['.repeat(100_000)).error.code, 'too_deep');
});

test('mergeSteps: S3 wins and DynamoDB-only steps are kept', () => {
  const steps = new TextEncoder().encode(
    JSON.stringify({ execution_steps: [1, 2, 3, 4, 5].map((n) => ({ step_number: n })) }),
  );
  const merged = jd.mergeSteps({ job: partialJob, steps });
  assert.deepEqual(merged, {
    ok: true,
    source: 's3',
    complete: true,
    reason: null,
    count: 6,
    steps: [
      { key: '1', origin: 's3' },
      { key: '2', origin: 's3' },
      { key: '3', origin: 's3' },
      { key: '4', origin: 's3' },
      { key: '5', origin: 's3' },
      { key: '6', origin: 'dynamodb' },
    ],
  });
});

test('mergeSteps falls back to DynamoDB and says why', () => {
  const expired = jd.mergeSteps({ job: partialJob, stepsError: 'expired' });
  assert.equal(expired.source, 'dynamodb_fallback');
  assert.equal(expired.complete, false);
  assert.equal(expired.reason, 'expired');
  assert.equal(expired.count, 3);
  const broken = jd.mergeSteps({ job: partialJob, steps: '[{"step_number":1},' });
  assert.equal(broken.reason, 'truncated');
  assert.equal(broken.count, 3);
  const noUrl = jd.mergeSteps({ job: JSON.stringify({ execution_steps_s3_key: 'k', execution_steps: [] }) });
  assert.equal(noUrl.reason, 's3_url_missing');
});

test('mergeSteps reports a bad job as an error result', () => {
  const result = jd.mergeSteps({ job: 'null' });
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'unexpected_shape');
  assert.equal(jd.mergeSteps({ job: partialJob, stepsError: 'bogus' }).error.code, 'invalid_argument');
});
