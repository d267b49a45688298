// The fault proxy: each mode answers as S3 would, rules are scoped and counted, requests are
// counted per object, and the --fault switch sets rules at start.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { demoStepOptions, DEMO_JOB_IDS, GENERATED_DEMO_JOBS } from '../backend/demo-jobs.js';
import { FaultTable, parseFaultRule, parseFaultSwitch } from '../backend/faults.js';
import { generateSteps } from '../backend/step-generator.js';
import { stepsObjectKey } from '../backend/writer.js';
import { admin, DASHBOARD_ORIGIN, fetchJob, rawRequest, startTestBackend, xmlValue } from '../testing/helpers.js';

const TARGET = GENERATED_DEMO_JOBS.small.jobId;
const TARGET_BYTES = Buffer.from(JSON.stringify(generateSteps(demoStepOptions(GENERATED_DEMO_JOBS.small)).steps));

/** @type {Awaited<ReturnType<typeof startTestBackend>>} */
let backend;
before(async () => {
  backend = await startTestBackend({ demo: { big: false, running: false } });
});
after(async () => {
  await backend?.stop();
});
beforeEach(async () => {
  assert.equal((await admin(backend, 'POST', '/__admin/reset')).status, 200);
});

/** A presigned URL for a job's object, as the API would hand it out (unique per signing second). */
async function presign(jobId = TARGET, signingDate = new Date()) {
  return getSignedUrl(
    backend.presignS3,
    new GetObjectCommand({ Bucket: backend.config.bucket, Key: stepsObjectKey(jobId) }),
    { expiresIn: 3600, signingDate },
  );
}

/** @param {Record<string, unknown>} rule */
async function setFault(rule) {
  const response = await admin(backend, 'POST', '/__admin/fault', rule);
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

const ERROR_MODES = [
  { mode: 'expired', status: 403, code: 'AccessDenied', message: 'Request has expired' },
  { mode: 'forbidden', status: 403, code: 'AccessDenied', message: 'Access Denied' },
  { mode: 'not_found', status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' },
  { mode: 'server_error', status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  { mode: 'storm503', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
];

describe('error modes answer with S3 XML errors and CORS headers', () => {
  for (const expected of ERROR_MODES) {
    test(expected.mode, async () => {
      await setFault({ mode: expected.mode, jobId: TARGET });
      const response = await fetch(await presign(), { headers: { origin: DASHBOARD_ORIGIN } });
      assert.equal(response.status, expected.status);
      assert.equal(response.headers.get('content-type'), 'application/xml');
      assert.equal(response.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN);
      assert.equal(response.headers.get('access-control-expose-headers'), 'ETag, Content-Length, Content-Range, Date, Retry-After');
      assert.ok(response.headers.get('x-amz-request-id'));
      const body = await response.text();
      assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(body)));
      assert.equal(xmlValue(body, 'Code'), expected.code);
      assert.equal(xmlValue(body, 'Message'), expected.message);
      assert.ok(xmlValue(body, 'RequestId'));
      if (expected.mode === 'expired') {
        assert.equal(xmlValue(body, 'X-Amz-Expires'), '3600');
        assert.match(xmlValue(body, 'Expires') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(xmlValue(body, 'ServerTime'));
      }
      if (expected.mode === 'not_found') assert.equal(xmlValue(body, 'Key'), stepsObjectKey(TARGET));
    });
  }
});

describe('body and connection modes', () => {
  test('slow drips the complete body in many chunks', async () => {
    await setFault({ mode: 'slow', jobId: TARGET, chunkBytes: 1024, intervalMs: 1 });
    const response = await rawRequest(await presign(), { origin: DASHBOARD_ORIGIN });
    assert.equal(response.status, 200);
    assert.equal(response.error, null);
    assert.ok(response.body.equals(TARGET_BYTES));
    assert.ok(response.chunks >= Math.floor(TARGET_BYTES.byteLength / 1024 / 2), `got ${response.chunks} chunks`);
    assert.equal(response.headers['access-control-allow-origin'], DASHBOARD_ORIGIN);
  });

  test('truncated announces the full length and cuts the connection halfway', async () => {
    await setFault({ mode: 'truncated', jobId: TARGET });
    const response = await rawRequest(await presign());
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], String(TARGET_BYTES.byteLength));
    assert.ok(response.error !== null, 'the body ends with a broken connection');
    assert.equal(response.body.byteLength, Math.floor(TARGET_BYTES.byteLength / 2));
    assert.ok(response.body.equals(TARGET_BYTES.subarray(0, response.body.byteLength)));
    await setFault({ mode: 'truncated', jobId: TARGET, cutAtBytes: 100 });
    assert.equal((await rawRequest(await presign())).body.byteLength, 100);
  });

  test('reset destroys the connection before any response', async () => {
    await setFault({ mode: 'reset', jobId: TARGET });
    const response = await rawRequest(await presign());
    assert.equal(response.status, null);
    assert.ok(response.error);
    await assert.rejects(fetch(await presign()), TypeError);
  });

  test('no_cors serves the object without CORS headers and refuses the preflight', async () => {
    await setFault({ mode: 'no_cors', jobId: TARGET });
    const url = await presign();
    const response = await rawRequest(url, { origin: DASHBOARD_ORIGIN });
    assert.equal(response.status, 200);
    assert.ok(response.body.equals(TARGET_BYTES));
    assert.equal(Object.keys(response.headers).filter((h) => h.startsWith('access-control-')).length, 0);
    const preflight = await rawRequest(url, { origin: DASHBOARD_ORIGIN, 'access-control-request-method': 'GET' }, 'OPTIONS');
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(xmlValue(preflight.body.toString(), 'Code'), 'CORSResponse');
  });
});

describe('rule scope, lifetime and request counting', () => {
  test('a job rule leaves other jobs alone; none clears it', async () => {
    await setFault({ mode: 'server_error', jobId: TARGET });
    assert.equal((await fetch(await presign(DEMO_JOB_IDS.flakyS3, new Date(Date.now() - 1000)))).status, 503, 'flaky job keeps its own rule');
    assert.equal((await fetch(await presign())).status, 500);
    await setFault({ mode: 'none', jobId: TARGET });
    assert.equal((await fetch(await presign())).status, 200);
  });

  test('a global rule applies to every object; job rules win over it', async () => {
    await setFault({ mode: 'forbidden' });
    await setFault({ mode: 'not_found', jobId: TARGET });
    assert.equal((await fetch(await presign())).status, 404);
    assert.equal((await fetch(await presign(DEMO_JOB_IDS.legacy))).status, 403);
    await setFault({ mode: 'none' });
    assert.equal((await fetch(await presign(DEMO_JOB_IDS.legacy))).status, 404, 'the legacy job has no object');
    assert.equal((await fetch(await presign())).status, 200);
  });

  test('times limits a rule to that many requests, and requests are counted per object', async () => {
    await setFault({ mode: 'storm503', jobId: TARGET, times: 2 });
    const url = await presign();
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(url)).status);
    assert.deepEqual(statuses, [503, 503, 200, 200]);
    const { body } = await admin(backend, 'GET', '/__admin/requests');
    const entry = body.objects[stepsObjectKey(TARGET)];
    assert.equal(entry.jobId, TARGET);
    assert.equal(entry.total, 4);
    assert.deepEqual(entry.methods, { GET: 4 });
    assert.deepEqual(entry.log.map((/** @type {any} */ e) => e.status), [503, 503, 200, 200]);
    assert.deepEqual(entry.log.map((/** @type {any} */ e) => e.fault), ['storm503', 'storm503', null, null]);
    await admin(backend, 'DELETE', '/__admin/requests');
    assert.deepEqual((await admin(backend, 'GET', '/__admin/requests')).body.objects, {});
  });

  test('the flaky demo job answers 503 SlowDown twice per presigned URL, then the document', async () => {
    const job = await fetchJob(backend, DEMO_JOB_IDS.flakyS3);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await fetch(job.execution_steps_s3_url)).status);
    assert.deepEqual(statuses, [503, 503, 200]);
    const other = await presign(DEMO_JOB_IDS.flakyS3, new Date(Date.now() - 5000));
    assert.equal((await fetch(other)).status, 503, 'a new URL starts over');
    const { body } = await admin(backend, 'GET', '/__admin/requests');
    assert.equal(body.objects[stepsObjectKey(DEMO_JOB_IDS.flakyS3)].total, 4);
  });

  test('preflights are counted but never consume or trigger error rules', async () => {
    await setFault({ mode: 'expired', jobId: TARGET, times: 1 });
    const url = await presign();
    const preflight = await rawRequest(url, { origin: DASHBOARD_ORIGIN, 'access-control-request-method': 'GET' }, 'OPTIONS');
    assert.equal(preflight.status, 200);
    assert.equal((await fetch(url)).status, 403);
    assert.equal((await fetch(url)).status, 200);
    const entry = (await admin(backend, 'GET', '/__admin/requests')).body.objects[stepsObjectKey(TARGET)];
    assert.deepEqual(entry.methods, { OPTIONS: 1, GET: 2 });
  });

  test('the admin route rejects malformed rules', async () => {
    assert.equal((await admin(backend, 'POST', '/__admin/fault', { mode: 'explode' })).status, 400);
    assert.equal((await admin(backend, 'POST', '/__admin/fault', { mode: 'slow', chunkBytes: 0 })).status, 400);
    assert.equal((await admin(backend, 'POST', '/__admin/fault', [1])).status, 400);
    const listed = await admin(backend, 'GET', '/__admin/fault');
    assert.deepEqual(listed.body.rules.map((/** @type {any} */ r) => r.jobId), [DEMO_JOB_IDS.flakyS3]);
  });
});

describe('fault rules without a server', () => {
  test('--fault switch syntax', () => {
    const parsed = parseFaultSwitch('storm503:job-big-5000*2');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.ok && [parsed.rule.mode, parsed.rule.jobId, parsed.rule.times], ['storm503', 'job-big-5000', 2]);
    const global = parseFaultSwitch('expired');
    assert.ok(global.ok && global.rule.jobId === null && global.rule.times === null);
    assert.equal(parseFaultSwitch('expired:').ok, false);
    assert.equal(parseFaultSwitch('warp').ok, false);
  });

  test('per-URL rules count each URL separately; reset restores built-in rules', () => {
    const parsed = parseFaultRule({ mode: 'storm503', jobId: 'j', times: 1, perUrl: true });
    assert.ok(parsed.ok);
    const table = new FaultTable(parsed.ok ? [parsed.rule] : []);
    assert.equal(table.take('j', '/a')?.mode, 'storm503');
    assert.equal(table.take('j', '/a'), null);
    assert.equal(table.take('j', '/b')?.mode, 'storm503');
    assert.equal(table.take('other', '/a'), null);
    table.set({ ...(parsed.ok ? parsed.rule : /** @type {never} */ (null)), mode: 'none' });
    assert.equal(table.take('j', '/c'), null);
    table.reset();
    assert.equal(table.take('j', '/c')?.mode, 'storm503');
  });
});

describe('--fault at start', () => {
  test('startBackend({faults}) installs the rules before the first request', async () => {
    const faulty = await startTestBackend({ demo: { big: false, running: false }, faults: ['expired:job-small-finished', 'storm503'] });
    try {
      const small = await getSignedUrl(faulty.presignS3, new GetObjectCommand({ Bucket: faulty.config.bucket, Key: stepsObjectKey(TARGET) }));
      assert.equal((await fetch(small)).status, 403);
      const other = await getSignedUrl(faulty.presignS3, new GetObjectCommand({ Bucket: faulty.config.bucket, Key: stepsObjectKey(DEMO_JOB_IDS.missingS3) }));
      assert.equal((await fetch(other)).status, 503);
    } finally {
      await faulty.stop();
    }
    await assert.rejects(startTestBackend({ faults: ['bogus'] }), /expected mode|mode must be one of/);
  });
});
