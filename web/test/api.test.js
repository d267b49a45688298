// The API over loopback: list, detail (with presigned URL), JSON errors, Date, CORS, and the
// S3 side as the browser meets it (CORS, conditional GET, presigned expiry).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DEMO_JOB_IDS } from '../backend/demo-jobs.js';
import { stepsObjectKey } from '../backend/writer.js';
import { admin, DASHBOARD_ORIGIN, fetchJob, rawRequest, startTestBackend, xmlValue } from '../testing/helpers.js';

/** @type {Awaited<ReturnType<typeof startTestBackend>>} */
let backend;
before(async () => {
  backend = await startTestBackend({ demo: { big: false } });
});
after(async () => {
  await backend?.stop();
});

describe('GET /api/jobs', () => {
  test('lists every demo job with status, step count and total cost', async () => {
    const response = await fetch(`${backend.apiUrl}/api/jobs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const { jobs } = await response.json();
    const byId = Object.fromEntries(jobs.map((/** @type {any} */ job) => [job.job_id, job]));
    for (const [id, expected] of Object.entries(backend.expected)) {
      assert.equal(byId[id].status, 'completed');
      assert.equal(byId[id].step_count, expected.summary.count);
      assert.equal(byId[id].total_cost_usd, expected.summary.total_cost_usd);
      assert.equal(byId[id].has_s3_steps, expected.storage === 'partial+s3');
    }
    assert.equal(byId[DEMO_JOB_IDS.running].status, 'running');
    assert.equal(jobs.length, Object.keys(backend.expected).length + 1);
    assert.ok(jobs.every((/** @type {any} */ job) => !('execution_steps' in job)), 'the list carries no steps');
  });
});

describe('GET /api/jobs/:id', () => {
  test('returns the DynamoDB item plus a one-hour presigned URL for the S3 key, with a Date header', async () => {
    const before = Date.now();
    const response = await fetch(`${backend.apiUrl}/api/jobs/${DEMO_JOB_IDS.flakyS3}`);
    assert.equal(response.status, 200);
    const date = Date.parse(response.headers.get('date') ?? '');
    assert.ok(Math.abs(date - before) < 5_000, 'Date header is the server clock');
    const job = await response.json();
    assert.equal(job.job_id, DEMO_JOB_IDS.flakyS3);
    assert.equal(job.execution_steps.length, 5);
    assert.equal(job.step_count, 40);
    assert.equal(job.execution_steps_s3_key, stepsObjectKey(DEMO_JOB_IDS.flakyS3));
    const url = new URL(job.execution_steps_s3_url);
    assert.equal(url.origin, backend.s3Url, 'signed for the proxy the browser reaches');
    assert.equal(url.pathname, `/${backend.config.bucket}/${stepsObjectKey(DEMO_JOB_IDS.flakyS3)}`);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '3600');
    assert.match(url.searchParams.get('X-Amz-Date') ?? '', /^\d{8}T\d{6}Z$/);
    assert.ok(url.searchParams.get('X-Amz-Signature'));
  });

  test('an unknown job is a JSON 404', async () => {
    const response = await fetch(`${backend.apiUrl}/api/jobs/no-such-job`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await response.json(), { error: { code: 'not_found', message: 'job no-such-job not found' } });
  });

  test('ids are percent-decoded; bad encodings, other methods and routes are JSON errors', async () => {
    assert.equal((await fetch(`${backend.apiUrl}/api/jobs/job%2Dsmall%2Dfinished`)).status, 200);
    const bad = await fetch(`${backend.apiUrl}/api/jobs/%E0%A4%A`);
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, 'bad_request');
    const post = await fetch(`${backend.apiUrl}/api/jobs/${DEMO_JOB_IDS.small}`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal((await post.json()).error.code, 'method_not_allowed');
    const unknown = await fetch(`${backend.apiUrl}/nothing`);
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).error.code, 'not_found');
  });

  test('answers If-None-Match with 304 when the job did not change', async () => {
    const first = await fetch(`${backend.apiUrl}/api/jobs/${DEMO_JOB_IDS.small}`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const second = await fetch(`${backend.apiUrl}/api/jobs/${DEMO_JOB_IDS.small}`, { headers: { 'if-none-match': etag } });
    assert.equal(second.status, 304);
  });
});

describe('API CORS', () => {
  test('a preflight from the dashboard origin is allowed', async () => {
    const response = await rawRequest(
      `${backend.apiUrl}/api/jobs/${DEMO_JOB_IDS.small}`,
      { origin: DASHBOARD_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      'OPTIONS',
    );
    assert.equal(response.status, 204);
    assert.equal(response.headers['access-control-allow-origin'], DASHBOARD_ORIGIN);
    assert.match(String(response.headers['access-control-allow-methods']), /GET/);
    assert.match(String(response.headers['access-control-allow-headers']), /authorization/);
  });

  test('responses expose Date, ETag and Retry-After to the dashboard origin only', async () => {
    const allowed = await fetch(`${backend.apiUrl}/api/jobs`, { headers: { origin: DASHBOARD_ORIGIN } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN);
    assert.equal(allowed.headers.get('access-control-expose-headers'), 'Date, ETag, Retry-After');
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);
    const other = await fetch(`${backend.apiUrl}/api/jobs`, { headers: { origin: 'http://evil.test' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const otherPreflight = await rawRequest(`${backend.apiUrl}/api/jobs`, { origin: 'http://evil.test', 'access-control-request-method': 'GET' }, 'OPTIONS');
    assert.equal(otherPreflight.status, 403);
    assert.equal(otherPreflight.headers['access-control-allow-origin'], undefined);
  });
});

describe('S3 as the browser meets it', () => {
  test('bucket CORS: preflight with If-None-Match allowed, GET exposes ETag, Content-Length, Content-Range, Date, Retry-After', async () => {
    // The flaky job's object, with its built-in 503s switched off for this test.
    await admin(backend, 'POST', '/__admin/fault', { mode: 'none', jobId: DEMO_JOB_IDS.flakyS3 });
    const url = (await fetchJob(backend, DEMO_JOB_IDS.flakyS3)).execution_steps_s3_url;
    const preflight = await rawRequest(
      url,
      { origin: DASHBOARD_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
      'OPTIONS',
    );
    assert.equal(preflight.status, 200);
    assert.ok(preflight.headers['access-control-allow-origin']);
    assert.match(String(preflight.headers['access-control-allow-headers']), /if-none-match/);
    const response = await fetch(url, { headers: { origin: DASHBOARD_ORIGIN } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN);
    assert.equal(response.headers.get('access-control-expose-headers'), 'ETag, Content-Length, Content-Range, Date, Retry-After');
    const etag = response.headers.get('etag');
    assert.ok(etag);
    await response.arrayBuffer();
    const again = await fetch(url, { headers: { origin: DASHBOARD_ORIGIN, 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const disallowed = await fetch(url, { headers: { origin: 'http://evil.test' } });
    assert.equal(disallowed.headers.get('access-control-allow-origin'), null);
    await disallowed.arrayBuffer();
    await admin(backend, 'POST', '/__admin/reset');
  });

  test('an expired presigned URL gets 403 AccessDenied "Request has expired" from S3 itself', async () => {
    const url = await getSignedUrl(
      backend.presignS3,
      new GetObjectCommand({ Bucket: backend.config.bucket, Key: stepsObjectKey(DEMO_JOB_IDS.small) }),
      { expiresIn: 60, signingDate: new Date(Date.now() - 2 * 3600_000) },
    );
    const response = await fetch(url, { headers: { origin: DASHBOARD_ORIGIN } });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN, 'errors carry CORS headers');
    const xml = await response.text();
    assert.equal(xmlValue(xml, 'Code'), 'AccessDenied');
    assert.equal(xmlValue(xml, 'Message'), 'Request has expired');
    const fresh = await getSignedUrl(
      backend.presignS3,
      new GetObjectCommand({ Bucket: backend.config.bucket, Key: stepsObjectKey(DEMO_JOB_IDS.small) }),
      { expiresIn: 60 },
    );
    assert.equal((await fetch(fresh)).status, 200);
  });
});
