// What a hostile page (or anything else on the network path of a browser) can send to the local
// stack, and the refusals it gets: the process stays up, nothing is written, nothing is steered,
// and presigned URLs are checked as S3 checks them.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DEMO_JOB_IDS } from '../backend/demo-jobs.js';
import { stepsObjectKey } from '../backend/writer.js';
import { admin, DASHBOARD_ORIGIN, rawRequest, rawExchange, startTestBackend, xmlValue } from '../testing/helpers.js';

const EVIL_ORIGIN = 'http://evil.test';
// Deep enough that `../../../escape-dir/pwned` from s3rver's bucket directory stays inside `sandbox`.
const NESTING = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];

/** @type {string} */
let sandbox;
/** @type {Awaited<ReturnType<typeof startTestBackend>>} */
let backend;
/** @type {{s3Url: string, dynamoUrl: string, directory: string}} */
let standIns;

before(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'jobdash-security-'));
  backend = await startTestBackend({ demo: { big: false, running: false }, dataDir: join(sandbox, ...NESTING) });
  assert.ok(backend.standIns, 'local mode has stand-ins');
  standIns = backend.standIns;
});
after(async () => {
  await backend?.stop();
  if (sandbox) await rm(sandbox, { recursive: true, force: true });
});
beforeEach(async () => {
  assert.equal((await admin(backend, 'POST', '/__admin/reset')).status, 200);
});

/** Every file under `directory`, as paths. @param {string} directory @returns {Promise<string[]>} */
async function filesUnder(directory) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Files anywhere in the sandbox that are not below s3rver's directory. */
async function filesOutsideDataDirectory() {
  return (await filesUnder(sandbox)).filter((file) => !file.startsWith(`${standIns.directory}/`));
}

/** Both answer, and the demo job still reads back. */
async function assertStackUp() {
  const api = await fetch(`${backend.apiUrl}/api/jobs/${DEMO_JOB_IDS.small}`);
  assert.equal(api.status, 200);
  await api.arrayBuffer();
  const url = await presign(DEMO_JOB_IDS.small);
  const s3 = await fetch(url);
  assert.equal(s3.status, 200);
  await s3.arrayBuffer();
}

/** @param {string} jobId @param {{signingDate?: Date, expiresIn?: number}} [options] */
function presign(jobId, options = {}) {
  return getSignedUrl(backend.presignS3, new GetObjectCommand({ Bucket: backend.config.bucket, Key: stepsObjectKey(jobId) }), {
    expiresIn: options.expiresIn ?? 3600,
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });
}

/**
 * The form a hostile page posts across sites (multipart: the body s3rver's form parser reads).
 * @param {string} key
 */
function hostileForm(key) {
  const boundary = '----jobdashBoundary7MA4YWxkTrZu0gW';
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\n${key}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x"\r\nContent-Type: text/plain\r\n\r\npwned\r\n` +
    `--${boundary}--\r\n`;
  return { body, headers: { origin: EVIL_ORIGIN, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('servers stay up', () => {
  test('GET /<bucket>/%E0%A4%A on the S3 port: 400 InvalidURI as S3 XML, the stack stays up', async () => {
    const response = await rawRequest(`${backend.s3Url}/${backend.config.bucket}/%E0%A4%A`);
    assert.equal(response.status, 400);
    assert.equal(response.headers['content-type'], 'application/xml');
    assert.equal(xmlValue(response.body.toString(), 'Code'), 'InvalidURI');
    await assertStackUp();
  });

  test('a malformed request line, an unknown method and a huge header section get typed 4xx on every port', async () => {
    const ports = [
      { name: 'api', url: backend.apiUrl, json: true },
      { name: 's3 proxy', url: backend.s3Url, json: false },
      { name: 's3rver', url: standIns.s3Url, json: false },
      { name: 'dynalite', url: standIns.dynamoUrl, json: true },
    ];
    for (const port of ports) {
      const { host } = new URL(port.url);
      const cases = [
        { raw: `GET /a b c HTTP/1.1\r\nHost: ${host}\r\n\r\n`, status: 400 },
        { raw: `FROB / HTTP/1.1\r\nHost: ${host}\r\n\r\n`, status: 400 },
        { raw: `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, status: 431 },
      ];
      for (const { raw, status } of cases) {
        const answer = await rawExchange(port.url, raw);
        assert.equal(answer.status, status, `${port.name}: ${raw.slice(0, 20)}`);
        if (port.json) assert.match(answer.body, /^\{"error":\{"code":"[a-z_]+"/, port.name);
        else assert.match(answer.body, /<Error><Code>[A-Za-z]+<\/Code>/, port.name);
      }
    }
    await assertStackUp();
  });

  test('a multipart POST never reaches s3rver: 405 on the proxy, refused by s3rver itself, no file written', async () => {
    const form = hostileForm('jobs/x/pwned');
    const viaProxy = await fetch(`${backend.s3Url}/${backend.config.bucket}`, { method: 'POST', headers: form.headers, body: form.body });
    assert.equal(viaProxy.status, 405);
    assert.equal(xmlValue(await viaProxy.text(), 'Code'), 'MethodNotAllowed');
    assert.equal(viaProxy.headers.get('allow'), 'GET, HEAD, OPTIONS');
    // Straight to s3rver's loopback port (a page could find it by scanning): refused as well.
    const direct = await fetch(`${standIns.s3Url}/${backend.config.bucket}`, {
      method: 'POST',
      headers: { 'content-type': form.headers['content-type'] },
      body: form.body,
    });
    assert.equal(direct.status, 405, 'the backend never POSTs to s3rver');
    assert.equal(xmlValue(await direct.text(), 'Code'), 'MethodNotAllowed');
    const signedPut = await fetch(`${standIns.s3Url}/${backend.config.bucket}/jobs/x/y`, {
      method: 'PUT',
      headers: { 'content-type': form.headers['content-type'], authorization: 'AWS4-HMAC-SHA256 Credential=S3RVER/20260101/us-east-1/s3/aws4_request' },
      body: form.body,
    });
    assert.equal(signedPut.status, 415, 'nor sends it a multipart body');
    await signedPut.arrayBuffer();
    await assertStackUp();
  });
});

describe('nothing is written through the S3 port', () => {
  test('a cross-site form POST with key ../../../escape-dir/pwned is refused and creates no file', async () => {
    const before = await filesUnder(standIns.directory);
    const form = hostileForm('../../../escape-dir/pwned');
    const response = await fetch(`${backend.s3Url}/${backend.config.bucket}`, { method: 'POST', headers: form.headers, body: form.body });
    assert.equal(response.status, 405);
    await response.arrayBuffer();
    assert.deepEqual(await filesOutsideDataDirectory(), []);
    assert.deepEqual(await filesUnder(standIns.directory), before, 'no object written either');
  });

  test('PUT and DELETE of an object (a job step list) are refused; the object is unchanged', async () => {
    const url = await presign(DEMO_JOB_IDS.small);
    const original = await (await fetch(url)).text();
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(url, { method, body: method === 'DELETE' ? undefined : '[]', headers: { origin: EVIL_ORIGIN } });
      assert.equal(response.status, 405, method);
      assert.equal(xmlValue(await response.text(), 'Code'), 'MethodNotAllowed');
    }
    assert.equal(await (await fetch(await presign(DEMO_JOB_IDS.small))).text(), original);
  });

  test('keys with .., backslashes, NUL or an absolute form are refused with 400 InvalidArgument', async () => {
    const bucket = backend.config.bucket;
    for (const path of [
      `/${bucket}/jobs/../../../escape-dir/pwned`,
      `/${bucket}/jobs/%2e%2e/%2e%2e/escape`,
      `/${bucket}/jobs/%252e%252e/x`,
      `/${bucket}/jobs%5c..%5cx`,
      `/${bucket}/jobs/x%00.json`,
      `/${bucket}//etc/passwd`,
      `/${bucket}/C:/x`,
    ]) {
      const response = await rawExchange(backend.s3Url, `GET ${path} HTTP/1.1\r\nHost: ${new URL(backend.s3Url).host}\r\nConnection: close\r\n\r\n`);
      assert.equal(response.status, 400, path);
      assert.equal(xmlValue(response.body, 'Code'), 'InvalidArgument', path);
    }
  });
});

describe('only the dashboard steers the stack', () => {
  test('a cross-site text/plain POST to /__admin/fault is refused and sets no rule', async () => {
    const rulesBefore = (await admin(backend, 'GET', '/__admin/fault')).body.rules;
    const crossSite = await fetch(`${backend.apiUrl}/__admin/fault`, {
      method: 'POST',
      headers: { origin: EVIL_ORIGIN, 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ mode: 'forbidden' }),
    });
    assert.equal(crossSite.status, 403);
    assert.equal((await crossSite.json()).error.code, 'forbidden_origin');
    // Without an Origin (an old browser's form, a no-cors beacon), text/plain is still refused.
    const plain = await fetch(`${backend.apiUrl}/__admin/fault`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"mode":"forbidden"}' });
    assert.equal(plain.status, 415);
    assert.equal((await plain.json()).error.code, 'unsupported_media_type');
    const form = await fetch(`${backend.apiUrl}/__admin/reset`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    assert.equal(form.status, 415);
    await form.arrayBuffer();
    // A same-site page on another port is still not the dashboard.
    const sameSite = await fetch(`${backend.apiUrl}/__admin/fault`, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:9999', 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'forbidden' }),
    });
    assert.equal(sameSite.status, 403);
    await sameSite.arrayBuffer();
    assert.deepEqual((await admin(backend, 'GET', '/__admin/fault')).body.rules, rulesBefore);
  });

  test('the dashboard origin (or no Origin) with application/json may set a rule', async () => {
    const response = await fetch(`${backend.apiUrl}/__admin/fault`, {
      method: 'POST',
      headers: { origin: DASHBOARD_ORIGIN, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ mode: 'forbidden', jobId: DEMO_JOB_IDS.small }),
    });
    assert.equal(response.status, 200);
    assert.ok((await response.json()).rules.some((/** @type {{jobId: string}} */ rule) => rule.jobId === DEMO_JOB_IDS.small));
  });

  test('a rebinding Host header is refused by every server', async () => {
    for (const [name, url] of [
      ['api', `${backend.apiUrl}/api/jobs`],
      ['api admin', `${backend.apiUrl}/__admin/expected`],
      ['s3 proxy', await presign(DEMO_JOB_IDS.small)],
      ['s3rver', `${standIns.s3Url}/${backend.config.bucket}/${stepsObjectKey(DEMO_JOB_IDS.small)}`],
      ['dynalite', `${standIns.dynamoUrl}/`],
    ]) {
      const port = new URL(url).port;
      const response = await rawRequest(url, { host: `rebind.evil.test:${port}` });
      assert.equal(response.status, 403, name);
      const body = response.body.toString();
      assert.ok(body.includes('host_not_allowed') || xmlValue(body, 'Code') === 'AccessDenied', `${name}: ${body}`);
    }
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const response = await rawRequest(`${backend.apiUrl}/api/jobs`, { host: `${host}:${new URL(backend.apiUrl).port}` });
      assert.equal(response.status, 200, host);
    }
  });

  test('a configured host is accepted besides the loopback names', async () => {
    const other = await startTestBackend({ demo: false, allowedHosts: ['dev.example.test'] });
    try {
      const port = new URL(other.apiUrl).port;
      assert.equal((await rawRequest(`${other.apiUrl}/healthz`, { host: `dev.example.test:${port}` })).status, 200);
      assert.equal((await rawRequest(`${other.apiUrl}/healthz`, { host: `example.test:${port}` })).status, 403);
    } finally {
      await other.stop();
    }
  });

  test('s3rver and dynalite answer the backend only: browser-marked or unsigned requests are refused', async () => {
    const object = `${standIns.s3Url}/${backend.config.bucket}/${stepsObjectKey(DEMO_JOB_IDS.small)}`;
    const unsigned = await rawRequest(object);
    assert.equal(unsigned.status, 403);
    assert.equal(xmlValue(unsigned.body.toString(), 'Code'), 'AccessDenied');
    const fromPage = await rawRequest(object, { 'sec-fetch-site': 'cross-site', authorization: 'AWS4-HMAC-SHA256 Credential=x' });
    assert.equal(fromPage.status, 403);
    const dynamo = await rawRequest(`${standIns.dynamoUrl}/`, { origin: EVIL_ORIGIN, 'content-type': 'text/plain' }, 'POST');
    assert.equal(dynamo.status, 403);
  });
});

describe('presigned GETs are verified as S3 verifies them', () => {
  test('a valid URL passes; a changed signature, key, expiry or access key does not', async () => {
    const url = new URL(await presign(DEMO_JOB_IDS.small));
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();

    /** @param {URL} changed */
    const codeOf = async (changed) => {
      const response = await fetch(changed, { headers: { origin: DASHBOARD_ORIGIN } });
      const xml = await response.text();
      return { status: response.status, code: xmlValue(xml, 'Code'), message: xmlValue(xml, 'Message'), cors: response.headers.get('access-control-allow-origin') };
    };
    const badSignature = new URL(url);
    const signature = /** @type {string} */ (badSignature.searchParams.get('X-Amz-Signature'));
    badSignature.searchParams.set('X-Amz-Signature', (signature[0] === '0' ? '1' : '0') + signature.slice(1));
    assert.deepEqual(await codeOf(badSignature), {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      cors: DASHBOARD_ORIGIN,
    });

    const otherKey = new URL(url);
    otherKey.pathname = `/${backend.config.bucket}/${stepsObjectKey(DEMO_JOB_IDS.flakyS3)}`;
    assert.equal((await codeOf(otherKey)).code, 'SignatureDoesNotMatch', 'a signature is for one key');

    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '7200');
    assert.equal((await codeOf(longer)).code, 'SignatureDoesNotMatch', 'the expiry is signed');

    const unknownKey = new URL(url);
    unknownKey.searchParams.set('X-Amz-Credential', String(url.searchParams.get('X-Amz-Credential')).replace(/^[^/]+/, 'AKIAUNKNOWN'));
    assert.equal((await codeOf(unknownKey)).code, 'InvalidAccessKeyId');

    const unsigned = new URL(url);
    unsigned.search = '';
    assert.deepEqual(await codeOf(unsigned), { status: 403, code: 'AccessDenied', message: 'Access Denied', cors: DASHBOARD_ORIGIN });

    const garbled = new URL(url);
    garbled.searchParams.set('X-Amz-Date', 'yesterday');
    assert.equal((await codeOf(garbled)).code, 'AuthorizationQueryParametersError');
  });

  test('a URL signed with another secret is SignatureDoesNotMatch', async () => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    const forger = new S3Client({
      region: backend.config.region,
      endpoint: backend.s3Url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' },
    });
    try {
      const url = await getSignedUrl(forger, new GetObjectCommand({ Bucket: backend.config.bucket, Key: stepsObjectKey(DEMO_JOB_IDS.small) }), { expiresIn: 60 });
      const response = await fetch(url);
      assert.equal(response.status, 403);
      assert.equal(xmlValue(await response.text(), 'Code'), 'SignatureDoesNotMatch');
    } finally {
      forger.destroy();
    }
  });

  test('after its expiry: 403 AccessDenied "Request has expired" with the expiry details', async () => {
    const signingDate = new Date(Date.now() - 2 * 3600_000);
    const response = await fetch(await presign(DEMO_JOB_IDS.small, { signingDate, expiresIn: 60 }));
    assert.equal(response.status, 403);
    const xml = await response.text();
    assert.equal(xmlValue(xml, 'Code'), 'AccessDenied');
    assert.equal(xmlValue(xml, 'Message'), 'Request has expired');
    assert.equal(xmlValue(xml, 'X-Amz-Expires'), '60');
    assert.equal(xmlValue(xml, 'Expires'), new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    assert.ok(xmlValue(xml, 'ServerTime'));
  });
});
