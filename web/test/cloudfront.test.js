// The `--cloudfront` stack over loopback: the API signs step-list URLs with the CloudFront signer,
// and the local edge checks them as CloudFront does (RSA-SHA1 over the canned or custom policy,
// resource, time window) before the S3 proxy serves them; refusals are CloudFront's 403 bodies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { DEMO_JOB_IDS } from '../backend/demo-jobs.js';
import { stepsObjectKey } from '../backend/writer.js';
import { admin, DASHBOARD_ORIGIN, fetchJob, rawRequest, startTestBackend, xmlValue } from '../testing/helpers.js';

/** @type {Awaited<ReturnType<typeof startTestBackend>>} */
let backend;
/** @type {{baseUrl: string, keyPairId: string, privateKey: string}} */
let signer;
const JOB = DEMO_JOB_IDS.flakyS3;
const HOUR_S = 3600;

before(async () => {
  backend = await startTestBackend({ demo: { big: false }, cloudfront: true, cdnPort: 0 });
  signer = /** @type {NonNullable<typeof backend.cloudfront>} */ (backend.cloudfront);
  // The flaky job's 503s are the proxy's demo fault, not the edge's concern here.
  await admin(backend, 'POST', '/__admin/fault', { mode: 'none', jobId: JOB });
});
after(async () => {
  await backend?.stop();
});

const objectUrl = () => `${signer.baseUrl}/${stepsObjectKey(JOB)}`;
const nowS = () => Math.floor(Date.now() / 1000);

/** @param {Omit<Parameters<typeof getSignedUrl>[0], 'keyPairId' | 'privateKey'>} input */
const sign = (input) => getSignedUrl(/** @type {any} */ ({ keyPairId: signer.keyPairId, privateKey: signer.privateKey, ...input }));

/** @param {string} url @param {Record<string, string>} [headers] */
async function get(url, headers = {}) {
  const response = await fetch(url, { headers: { origin: DASHBOARD_ORIGIN, ...headers } });
  return { response, text: await response.text() };
}

/** @param {{response: Response, text: string}} answer @param {string} code @param {string} message */
function assertRefused({ response, text }, code, message) {
  assert.equal(response.status, 403, text);
  assert.equal(xmlValue(text, 'Code'), code);
  assert.equal(xmlValue(text, 'Message'), message);
  // Readable by the dashboard, so the client can tell expired from forbidden.
  assert.equal(response.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN);
}

/** A URL's query parameter replaced. @param {string} url @param {string} name @param {(value: string) => string} change */
function withParam(url, name, change) {
  const parsed = new URL(url);
  const value = /** @type {string} */ (parsed.searchParams.get(name));
  return url.replace(`${name}=${value}`, `${name}=${change(value)}`);
}

describe('the API with CloudFront', () => {
  test('signs step-list URLs for the edge, and the SDK-signed URL works end to end', async () => {
    const job = await fetchJob(backend, JOB);
    const url = /** @type {string} */ (job.execution_steps_s3_url);
    assert.ok(url.startsWith(`${backend.edge?.url}/jobs/`), url);
    const query = new URL(url).searchParams;
    assert.deepEqual([...query.keys()].sort(), ['Expires', 'Key-Pair-Id', 'Signature']);
    const expires = Number(query.get('Expires'));
    assert.ok(Math.abs(expires - (nowS() + HOUR_S)) <= 5, `one hour: ${expires}`);
    const first = await get(url);
    assert.equal(first.response.status, 200, first.text);
    assert.equal(JSON.parse(first.text).length, backend.expected[JOB].summary.count);
    assert.equal(first.response.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN);
    assert.match(first.response.headers.get('access-control-expose-headers') ?? '', /ETag/);
    assert.equal(first.response.headers.get('x-cache'), 'Miss from cloudfront');
    assert.equal(first.response.headers.get('age'), '0');
    const again = await get(url, { 'if-none-match': /** @type {string} */ (first.response.headers.get('etag')) });
    assert.equal(again.response.status, 304);
    assert.equal(again.response.headers.get('x-cache'), 'Hit from cloudfront');
    assert.match(again.response.headers.get('age') ?? '', /^\d+$/);
    // The edge forwarded to the S3 proxy, which counted the object's requests.
    assert.ok((backend.proxy?.requests()[stepsObjectKey(JOB)]?.total ?? 0) >= 2);
  });
});

describe('the local edge', () => {
  test('passes canned and custom policies, wildcards and a window that has begun', async () => {
    const canned = await get(sign({ url: objectUrl(), dateLessThan: new Date(Date.now() + 60_000) }));
    assert.equal(canned.response.status, 200, canned.text);
    const custom = sign({ url: objectUrl(), dateLessThan: new Date(Date.now() + 60_000), dateGreaterThan: new Date(Date.now() - 60_000) });
    assert.ok(new URL(custom).searchParams.has('Policy'));
    assert.equal((await get(custom)).response.status, 200);
    const policy = JSON.stringify({
      Statement: [{ Resource: `${signer.baseUrl}/jobs/*`, Condition: { DateLessThan: { 'AWS:EpochTime': nowS() + 60 } } }],
    });
    assert.equal((await get(sign({ url: objectUrl(), policy }))).response.status, 200);
  });

  test('refuses tampered signatures and policies with Access denied', async () => {
    const canned = sign({ url: objectUrl(), dateLessThan: new Date(Date.now() + 60_000) });
    // One character replaced by a different one: the replacement is chosen from the character it
    // replaces, so the value always changes whatever the signature's random bytes are.
    const flipAt = (/** @type {number} */ i) => (/** @type {string} */ v) => v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1);
    const flipAt5 = flipAt(5);
    assertRefused(await get(withParam(canned, 'Signature', flipAt(0))), 'AccessDenied', 'Access denied');
    // A later expiry under the old signature.
    assertRefused(await get(withParam(canned, 'Expires', (v) => String(Number(v) + 3600))), 'AccessDenied', 'Access denied');
    const custom = sign({ url: objectUrl(), dateLessThan: new Date(Date.now() + 60_000), dateGreaterThan: new Date(Date.now() - 60_000) });
    assertRefused(await get(withParam(custom, 'Policy', flipAt5)), 'AccessDenied', 'Access denied');
    assertRefused(await get(withParam(custom, 'Policy', (v) => `${v}+/=`)), 'AccessDenied', 'Access denied');
    // Signed for another object: the policy's resource does not match.
    const other = sign({ url: `${signer.baseUrl}/${stepsObjectKey(DEMO_JOB_IDS.missingS3)}`, dateLessThan: new Date(Date.now() + 60_000) });
    assertRefused(await get(`${objectUrl()}?${new URL(other).search.slice(1)}`), 'AccessDenied', 'Access denied');
  });

  test('refuses expired URLs as expired and not-yet-valid ones as denied', async () => {
    assertRefused(await get(sign({ url: objectUrl(), dateLessThan: new Date(Date.now() - 1_000) })), 'AccessDenied', 'Request has expired');
    const expiredCustom = sign({ url: objectUrl(), dateLessThan: new Date(Date.now() - 1_000), dateGreaterThan: new Date(Date.now() - 60_000) });
    assertRefused(await get(expiredCustom), 'AccessDenied', 'Request has expired');
    const notYet = sign({ url: objectUrl(), dateLessThan: new Date(Date.now() + 120_000), dateGreaterThan: new Date(Date.now() + 60_000) });
    assertRefused(await get(notYet), 'AccessDenied', 'Access denied');
  });

  test('refuses missing signing parameters and unknown keys', async () => {
    assertRefused(await get(objectUrl()), 'MissingKey', 'Missing Key-Pair-Id query parameter or cookie value');
    const canned = sign({ url: objectUrl(), dateLessThan: new Date(Date.now() + 60_000) });
    assertRefused(await get(canned.replace(/&?Key-Pair-Id=[^&]*/, '')), 'MissingKey', 'Missing Key-Pair-Id query parameter or cookie value');
    assertRefused(await get(withParam(canned, 'Key-Pair-Id', () => 'KUNKNOWN')), 'AccessDenied', 'Unknown Key');
  });

  test('answers the Host rule, reads only, and safe keys only', async () => {
    const edge = /** @type {NonNullable<typeof backend.edge>} */ (backend.edge);
    const canned = sign({ url: objectUrl(), dateLessThan: new Date(Date.now() + 60_000) });
    const rebound = await rawRequest(canned, { host: `attacker.example:${new URL(edge.url).port}` });
    assert.equal(rebound.status, 403);
    for (const method of ['PUT', 'POST', 'DELETE']) {
      const answer = await rawRequest(canned, {}, method);
      assert.equal(answer.status, 403, method);
      assert.equal(xmlValue(answer.body.toString(), 'Code'), 'MethodNotAllowed');
    }
    assert.equal((await rawRequest(`${edge.url}/jobs/a%5Cb`)).status, 400);
    assert.equal((await rawRequest(`${edge.url}/jobs/%zz`)).status, 400);
  });

  test('answers preflights from the bucket CORS rule', async () => {
    const response = await fetch(objectUrl(), {
      method: 'OPTIONS',
      headers: { origin: DASHBOARD_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), DASHBOARD_ORIGIN);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /if-none-match/);
  });
});
