// The worker's storage rule against the stand-ins, and the demo jobs it produced (the 30 MB job
// is written once for this file).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { demoStepOptions, DEMO_JOB_IDS, GENERATED_DEMO_JOBS, LEGACY_HTML_LIMIT, RUNNING_JOB_TOTAL_STEPS } from '../backend/demo-jobs.js';
import { generateSteps } from '../backend/step-generator.js';
import { DYNAMODB_ITEM_LIMIT_BYTES, itemSize, planItem, stepsObjectKey, writeJob } from '../backend/writer.js';
import { admin, fetchJob, startTestBackend } from '../testing/helpers.js';

/** @type {Awaited<ReturnType<typeof startTestBackend>>} */
let backend;
before(async () => {
  backend = await startTestBackend();
});
after(async () => {
  await backend?.stop();
});

/** @param {string} jobId */
async function readItem(jobId) {
  const { Item } = await backend.storage.ddb.send(new GetCommand({ TableName: backend.config.table, Key: { job_id: jobId } }));
  return /** @type {Record<string, any>} */ (Item);
}

/** @param {string} key */
async function readObject(key) {
  const object = await backend.storage.s3.send(new GetObjectCommand({ Bucket: backend.config.bucket, Key: key }));
  return Buffer.from(await /** @type {any} */ (object.Body).transformToByteArray());
}

describe('item size and the 400 KB rule', () => {
  // ASCII padding: dynalite counts strings in UTF-16 units where DynamoDB counts UTF-8 bytes
  // (itemSize follows DynamoDB, so it is the stricter of the two for non-ASCII text).
  test('an item sized exactly at the limit is accepted by DynamoDB and one byte more is refused', async () => {
    const base = { job_id: 'size-probe', status: 'completed', execution_steps: [{ step_number: 1, cost_usd: '0.5', output: '' }] };
    const padding = DYNAMODB_ITEM_LIMIT_BYTES - itemSize(base);
    const atLimit = { ...base, execution_steps: [{ step_number: 1, cost_usd: '0.5', output: 'x'.repeat(padding) }] };
    assert.equal(itemSize(atLimit), DYNAMODB_ITEM_LIMIT_BYTES);
    assert.equal(itemSize({ text: 'é🚀' }), 4 + 2 + 4, 'strings count UTF-8 bytes');
    await backend.storage.ddb.send(new PutCommand({ TableName: backend.config.table, Item: atLimit }));
    const over = { ...base, execution_steps: [{ step_number: 1, cost_usd: '0.5', output: 'x'.repeat(padding + 1) }] };
    await assert.rejects(
      backend.storage.ddb.send(new PutCommand({ TableName: backend.config.table, Item: over })),
      /Item size has exceeded the maximum allowed size/,
    );
  });

  test('planItem keeps all steps when they fit, else the first 5 and the S3 key', () => {
    const small = generateSteps({ jobId: 'p', seed: 1, count: 8, startTimeMs: 0, htmlEvery: 4, htmlBytes: 10_000 });
    const fits = planItem({ job_id: 'p', status: 'completed' }, small.steps);
    assert.equal(fits.partial, false);
    assert.equal(fits.item.execution_steps, small.steps);
    assert.equal(fits.item.execution_steps_s3_key, undefined);
    assert.equal(fits.item.step_count, 8);

    const large = generateSteps({ jobId: 'q', seed: 2, count: 30, startTimeMs: 0, htmlEvery: 2, htmlBytes: 40_000 });
    const partial = planItem({ job_id: 'q', status: 'completed' }, large.steps);
    assert.equal(partial.partial, true);
    assert.deepEqual(partial.item.execution_steps, large.steps.slice(0, 5));
    assert.equal(partial.item.execution_steps_s3_key, stepsObjectKey('q'));
    assert.equal(partial.item.step_count, 30);
    assert.ok(partial.itemBytes <= DYNAMODB_ITEM_LIMIT_BYTES);

    const always = planItem({ job_id: 'p', status: 'completed' }, small.steps, { recordS3Key: 'always' });
    assert.equal(always.partial, false);
    assert.equal(always.item.execution_steps_s3_key, stepsObjectKey('p'));
  });

  test('when even the first 5 steps are too big the item keeps as many as fit', () => {
    const huge = generateSteps({ jobId: 'h', seed: 3, count: 6, startTimeMs: 0, htmlEvery: 1, htmlBytes: 150_000 });
    const plan = planItem({ job_id: 'h', status: 'completed' }, huge.steps);
    assert.equal(plan.partial, true);
    assert.equal(/** @type {unknown[]} */ (plan.item.execution_steps).length, 2);
    assert.ok(plan.itemBytes <= DYNAMODB_ITEM_LIMIT_BYTES);
  });

  test('writeJob stores every job in S3 and only the overflowing ones point at it', async () => {
    const steps = generateSteps({ jobId: 'w', seed: 4, count: 3, startTimeMs: 0 }).steps;
    const result = await writeJob(backend.storage, { job_id: 'write-small', status: 'completed' }, steps);
    assert.equal(result.partial, false);
    assert.equal((await readObject(result.s3Key)).toString(), JSON.stringify(steps));
    const item = await readItem('write-small');
    assert.deepEqual(item.execution_steps, steps);
    assert.equal(item.execution_steps_s3_key, undefined);
  });
});

describe('demo jobs', () => {
  test('the small finished job is entirely in DynamoDB and the API gives no S3 URL', async () => {
    const definition = GENERATED_DEMO_JOBS.small;
    const steps = generateSteps(demoStepOptions(definition)).steps;
    const item = await readItem(definition.jobId);
    assert.deepEqual(item.execution_steps, steps);
    assert.equal(item.execution_steps_s3_key, undefined);
    const job = await fetchJob(backend, definition.jobId);
    assert.equal(job.execution_steps_s3_url, undefined);
    assert.equal(job.execution_steps.length, 6);
    assert.match(String(steps[2].output), /<script>/, 'step 3 carries the probe script');
  });

  test('the big job: first 5 steps in DynamoDB, the presigned document equals the generated steps', async () => {
    const definition = GENERATED_DEMO_JOBS.big;
    const generated = generateSteps(demoStepOptions(definition));
    const expectedBytes = Buffer.from(JSON.stringify(generated.steps));
    assert.ok(expectedBytes.byteLength > 28e6 && expectedBytes.byteLength < 34e6, `about 30 MB, got ${expectedBytes.byteLength}`);

    const item = await readItem(definition.jobId);
    assert.deepEqual(item.execution_steps, generated.steps.slice(0, 5));
    assert.equal(item.execution_steps_s3_key, stepsObjectKey(definition.jobId));
    assert.equal(item.step_count, 5000);

    const job = await fetchJob(backend, definition.jobId);
    assert.equal(job.execution_steps.length, 5);
    const url = new URL(job.execution_steps_s3_url);
    assert.equal(url.origin, backend.s3Url);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '3600');
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), String(expectedBytes.byteLength));
    assert.match(response.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
    const body = Buffer.from(await response.arrayBuffer());
    assert.ok(body.equals(expectedBytes), 'S3 document is byte-identical to the generated steps');
  });

  test('the big job mixes cost shapes and carries full non-ASCII HTML pages', () => {
    const { steps } = generateSteps(demoStepOptions(GENERATED_DEMO_JOBS.big));
    const costs = steps.map((step) => step.cost_usd);
    assert.ok(costs.some((c) => typeof c === 'number'));
    assert.ok(costs.some((c) => typeof c === 'string' && /^\d+\.\d+$/.test(c)), 'plain decimal strings');
    assert.ok(costs.some((c) => typeof c === 'string' && /^ \$\d/.test(c)), 'dollar strings with spaces');
    assert.ok(costs.some((c) => typeof c === 'string' && /^\d{1,3}(,\d{3})+\.\d\d$/.test(c)), 'thousands separators');
    assert.ok(costs.some((c) => c === null));
    assert.ok(costs.some((c) => c === true || c === 'NaN' || c === 'abc' || c === ''), 'invalid values');
    const expected = backend.expected[DEMO_JOB_IDS.big].summary;
    assert.equal(expected.count, 5000);
    assert.ok(expected.invalid_cost > 0 && expected.no_cost > 0);
    const html = steps.filter((step) => step.output_type === 'html');
    assert.equal(html.length, 500);
    for (const step of html) {
      assert.equal(step.step_name, 'html-generation');
      assert.equal(Number(step.step_number) % 10, 0);
      assert.ok(Buffer.byteLength(String(step.output)) >= 50_000);
      assert.match(String(step.output), /^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    }
    assert.match(String(html[0].output), /東京/);
  });

  test('generation is deterministic', () => {
    const options = demoStepOptions(GENERATED_DEMO_JOBS.flakyS3);
    assert.equal(JSON.stringify(generateSteps(options).steps), JSON.stringify(generateSteps(options).steps));
  });

  test('the missing-object job has a key and a URL whose object answers 404 NoSuchKey', async () => {
    const job = await fetchJob(backend, DEMO_JOB_IDS.missingS3);
    assert.equal(job.execution_steps.length, 5);
    assert.equal(job.execution_steps_s3_key, stepsObjectKey(DEMO_JOB_IDS.missingS3));
    const response = await fetch(job.execution_steps_s3_url);
    assert.equal(response.status, 404);
    assert.match(await response.text(), /<Code>NoSuchKey<\/Code>/);
  });

  test('the legacy job keeps HTML cut at 5,000 characters in DynamoDB and has no S3 key', async () => {
    const job = await fetchJob(backend, DEMO_JOB_IDS.legacy);
    assert.equal(job.execution_steps_s3_url, undefined);
    assert.equal(job.execution_steps_s3_key, undefined);
    const html = job.execution_steps.filter((/** @type {any} */ step) => step.output_type === 'html');
    assert.equal(html.length, 4);
    for (const step of html) {
      assert.equal([...step.output].length, LEGACY_HTML_LIMIT);
      assert.doesNotMatch(step.output, /<\/html>/);
    }
  });

  test('the running job gains steps, moves to S3 once too big, then completes', async () => {
    const first = await fetchJob(backend, DEMO_JOB_IDS.running);
    assert.equal(first.status, 'running');
    assert.equal(first.step_count, 3);
    assert.equal(first.execution_steps.at(-1).status, 'running');
    assert.equal(first.execution_steps_s3_url, undefined);
    /** @type {string[]} */
    const storage = [];
    for (let count = 4; count <= RUNNING_JOB_TOTAL_STEPS; count += 1) {
      const advanced = await admin(backend, 'POST', '/__admin/running/advance');
      assert.equal(advanced.body.step_count, count);
      const job = await fetchJob(backend, DEMO_JOB_IDS.running);
      assert.equal(job.step_count, count);
      storage.push(job.execution_steps_s3_url ? 'partial+s3' : 'dynamodb');
    }
    assert.equal(storage[0], 'dynamodb');
    assert.equal(storage.at(-1), 'partial+s3');
    const last = await fetchJob(backend, DEMO_JOB_IDS.running);
    assert.equal(last.status, 'completed');
    const document = JSON.parse(await (await fetch(last.execution_steps_s3_url)).text());
    assert.equal(document.length, RUNNING_JOB_TOTAL_STEPS);
    assert.ok(document.every((/** @type {any} */ step) => step.status === 'completed'));
    const restarted = await admin(backend, 'POST', '/__admin/running/restart');
    assert.equal(restarted.body.step_count, 3);
    assert.equal((await fetchJob(backend, DEMO_JOB_IDS.running)).status, 'running');
  });
});
