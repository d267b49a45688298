// Where the backend sends its data, decided by variables alone; and the same code against
// emulators reached through the AWS endpoint variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../backend/config.js';
import { startBackend } from '../backend/start-backend.js';
import { startStandIns } from '../backend/storage.js';
import { DEMO_JOB_IDS } from '../backend/demo-jobs.js';
import { DASHBOARD_ORIGIN } from '../testing/helpers.js';

test('no AWS variables: local stand-ins with demo jobs and admin routes', () => {
  const config = resolveConfig({}, {});
  assert.equal(config.mode, 'local');
  assert.ok(config.demo);
  assert.equal(config.admin, true);
  assert.equal(config.apiPort, 4000);
  assert.equal(config.s3Port, 4569);
});

test('AWS credentials without endpoint variables: real AWS, no demo unless asked', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1', JOBS_TABLE: 't', EXECUTION_STEPS_BUCKET: 'b' };
  const config = resolveConfig({}, env);
  assert.equal(config.mode, 'aws');
  assert.equal(config.demo, null);
  assert.equal(config.admin, false);
  assert.equal(config.region, 'eu-west-1');
  assert.equal(config.table, 't');
  assert.equal(config.bucket, 'b');
  assert.equal(config.s3Endpoint, undefined);
  assert.ok(resolveConfig({}, { AWS_PROFILE: 'dev', JOBDASH_DEMO: '1' }).demo);
  assert.equal(resolveConfig({}, { AWS_PROFILE: 'dev' }).mode, 'aws');
});

test('endpoint variables win over credentials', () => {
  const config = resolveConfig({}, { AWS_ACCESS_KEY_ID: 'a', AWS_ENDPOINT_URL_S3: 'http://s3.test', AWS_ENDPOINT_URL_DYNAMODB: 'http://ddb.test' });
  assert.equal(config.mode, 'endpoints');
  assert.equal(config.s3Endpoint, 'http://s3.test');
  assert.equal(config.dynamoEndpoint, 'http://ddb.test');
});

test('ports, origins and intervals from variables; options over variables', () => {
  const env = { JOBDASH_API_PORT: '0', JOBDASH_S3_PORT: '5001', DASHBOARD_ORIGIN: 'http://a.test, http://b.test', PRESIGN_EXPIRES_SECONDS: '60' };
  const config = resolveConfig({ s3Port: 0 }, env);
  assert.equal(config.apiPort, 0);
  assert.equal(config.s3Port, 0);
  assert.deepEqual(config.corsOrigins, ['http://a.test', 'http://b.test']);
  assert.equal(config.presignExpiresSeconds, 60);
  assert.throws(() => resolveConfig({}, { JOBDASH_API_PORT: 'eighty' }), /not a port/);
});

test('endpoints mode: the same code writes and serves through emulators it did not start', async () => {
  const external = await startStandIns({ bucket: 'unused', corsOrigins: [DASHBOARD_ORIGIN] });
  const backend = await startBackend(
    { port: 0, demo: { big: false, running: false } },
    {
      AWS_ENDPOINT_URL_S3: external.s3Url,
      AWS_ENDPOINT_URL_DYNAMODB: external.dynamoUrl,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      DASHBOARD_ORIGIN,
    },
  );
  try {
    assert.equal(backend.config.mode, 'endpoints');
    assert.equal(backend.proxy, null);
    const job = await (await fetch(`${backend.apiUrl}/api/jobs/${DEMO_JOB_IDS.flakyS3}`)).json();
    assert.ok(job.execution_steps_s3_url.startsWith(`${external.s3Url}/`), 'presigned for the emulator itself');
    const steps = await fetch(job.execution_steps_s3_url, { headers: { origin: DASHBOARD_ORIGIN } });
    assert.equal(steps.status, 200, 'no fault proxy, so no built-in 503s');
    assert.equal(steps.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN, 'bucket created with CORS');
    assert.equal((await steps.json()).length, 40);
    assert.equal((await fetch(`${backend.apiUrl}/__admin/requests`)).status, 404);
  } finally {
    await backend.stop();
    await external.stop();
  }
});
