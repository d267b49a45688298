// Request fuzz over loopback: thousands of malformed requests per port (API, S3 proxy, s3rver,
// dynalite), built from a fixed seed, in a bounded count and time. Every answer is a 4xx or 2xx,
// never a 5xx; afterwards every server still answers, and no file exists outside s3rver's directory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createRandom } from '../backend/random.js';
import { stepsObjectKey } from '../backend/writer.js';
import { DASHBOARD_ORIGIN, rawExchange, startTestBackend } from '../testing/helpers.js';

const SEED = 0x5eed_f00d;
const REQUESTS_PER_PORT = 2_000;
const CONCURRENCY = 24;
const REQUEST_TIMEOUT_MS = 4_000;
const BUDGET_MS = 150_000;
const NESTING = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8'];

/** @type {string} */
let sandbox;
/** @type {Awaited<ReturnType<typeof startTestBackend>>} */
let backend;

before(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'jobdash-fuzz-'));
  backend = await startTestBackend({ demo: { big: false, running: false }, dataDir: join(sandbox, ...NESTING), cloudfront: true, cdnPort: 0 });
});
after(async () => {
  await backend?.stop();
  if (sandbox) await rm(sandbox, { recursive: true, force: true });
});

/**
 * One malformed (or nearly well-formed) request for the server at `host`, as raw bytes.
 * `backendShaped` requests look like the backend's SDK calls (this Host, a SigV4 header, no browser
 * marks, a method the stand-ins serve, sound framing) so that they reach the stand-ins' own code.
 * @param {ReturnType<typeof createRandom>} random
 * @param {{host: string, bucket: string, signedTarget: string, index: number, backendShaped: boolean}} context
 */
function fuzzRequest(random, { host, bucket, signedTarget, index, backendShaped }) {
  const { pick, int, next } = random;
  const escape = `escape-dir-${SEED.toString(16)}`;
  const method = backendShaped
    ? pick(['GET', 'HEAD', 'PUT', 'DELETE', 'POST'])
    : pick(['GET', 'GET', 'HEAD', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'FROB', 'get', 'G\tET', '']);
  const targets = [
    '/',
    '*',
    '//',
    '/%',
    '/%zz',
    '/%E0%A4%A',
    `/${bucket}/%E0%A4%A`,
    `/${bucket}`,
    `/${bucket}/`,
    `/${bucket}/jobs/../../../${escape}/pwned-${index}`,
    `/${bucket}/../../../../${escape}/pwned-${index}`,
    `/${bucket}/..%2f..%2f..%2f${escape}%2fpwned-${index}`,
    `/${bucket}/%2e%2e/%2e%2e/%2e%2e/${escape}/pwned-${index}`,
    `/${bucket}/%252e%252e/%252e%252e/${escape}/pwned-${index}`,
    `/${bucket}/jobs%5c..%5c..%5c${escape}`,
    `/${bucket}/x%00y`,
    `/${bucket}//tmp/${escape}`,
    `/${bucket}/C:/${escape}`,
    `/other-bucket/key`,
    `http://evil.test/${bucket}/${stepsObjectKey('job-small-finished')}`,
    `/api/jobs/%E0%A4%A`,
    `/api/jobs/${'%'.repeat(int(1, 5))}`,
    '/api/jobs',
    `/api/jobs/${int(0, 1e6)}`,
    '/__admin/fault',
    '/__admin/reset',
    '/__admin/running/advance',
    '/__admin/requests',
    '/healthz',
    `/${'a/'.repeat(int(1, 3000))}`,
    signedTarget,
    signedTarget.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=zz'),
    signedTarget.replace(/X-Amz-Credential=[^&]+/, 'X-Amz-Credential=%E0%A4%A'),
    signedTarget.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=99999999'),
    signedTarget.replace(/X-Amz-Date=[^&]+/, 'X-Amz-Date=2099'),
    `/${bucket}/${stepsObjectKey('job-small-finished')}?uploads`,
    `/${bucket}?list-type=2&prefix=../`,
    `/${bucket}/x?${'a=%&'.repeat(int(1, 50))}`,
  ];
  let target = pick(targets);
  if (next() < 0.1) target += String.fromCharCode(int(0, 255));
  const hostHeader = backendShaped ? host : pick([host, host, host, 'localhost', '127.0.0.1', '[::1]', 'evil.test', `evil.test:${host.split(':')[1]}`, '', 'a'.repeat(300), '127.0.0.1:99999', null]);
  /** @type {string[]} */
  const headers = [];
  if (hostHeader !== null) headers.push(`Host: ${hostHeader}`);
  if (!backendShaped && next() < 0.4) headers.push(`Origin: ${pick(['http://evil.test', DASHBOARD_ORIGIN, 'null', 'http://127.0.0.1:1'])}`);
  if (!backendShaped && next() < 0.3) headers.push(`Sec-Fetch-Site: ${pick(['cross-site', 'same-site', 'none'])}`);
  if (next() < 0.5) {
    headers.push(
      `Content-Type: ${pick(['text/plain', 'application/json', 'multipart/form-data; boundary=B', 'application/x-www-form-urlencoded', 'application/x-amz-json-1.0', 'MULTIPART/form-data;boundary="B"'])}`,
    );
  }
  if (backendShaped || next() < 0.4) headers.push('Authorization: AWS4-HMAC-SHA256 Credential=S3RVER/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00');
  if (next() < 0.3) headers.push(`X-Amz-Target: DynamoDB_20120810.${pick(['GetItem', 'Scan', 'PutItem', 'Query', 'Frob', ''])}`);
  if (next() < 0.1) headers.push(`Range: bytes=${pick(['0-10', '-5', '10-1', 'x', '0-0,5-9'])}`);
  if (next() < 0.05) headers.push(`X-Big: ${'b'.repeat(int(8_000, 40_000))}`);
  if (next() < 0.05) for (let i = 0; i < int(50, 300); i += 1) headers.push(`X-Many-${i}: ${i}`);
  if (next() < 0.05) headers.push(`Bad\u0001Header: x`);
  const boundary = 'B';
  const body = pick([
    '',
    '',
    '{"mode":"forbidden"}',
    '{"TableName":"jobdash-jobs","Key":{"job_id":{"S":"x"}}}',
    '{"TableName":',
    `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\n../../../${escape}/pwned-${index}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\nx\r\n--${boundary}--\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nx\r\n--${boundary}\r\nX\r\n\r\n`,
    `--${boundary}\r\n:\r\n\r\n--${boundary}--`,
    Array.from({ length: int(1, 2_000) }, () => String.fromCharCode(int(0, 255))).join(''),
  ]);
  const framing = backendShaped ? 0 : next();
  if (framing < 0.8) headers.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  else if (framing < 0.9) headers.push('Transfer-Encoding: chunked');
  else headers.push(`Content-Length: ${pick(['-1', 'abc', '1, 2'])}`);
  headers.push('Connection: close');
  const payload = framing >= 0.8 && framing < 0.9 ? `${pick([body.length.toString(16), 'zz', '0'])}\r\n${body}\r\n0\r\n\r\n` : body;
  const version = backendShaped ? 'HTTP/1.1' : pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 extra']);
  return Buffer.from(`${method} ${target} ${version}\r\n${headers.join('\r\n')}\r\n\r\n${payload}`, 'latin1');
}

/** @param {string} directory @returns {Promise<string[]>} */
async function filesUnder(directory) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

test(`${REQUESTS_PER_PORT} fuzzed requests per port leave every server up and nothing outside the data directory`, { timeout: BUDGET_MS + 30_000 }, async () => {
  const standIns = /** @type {NonNullable<typeof backend.standIns>} */ (backend.standIns);
  const bucket = backend.config.bucket;
  const signed = new URL(
    await getSignedUrl(backend.presignS3, new GetObjectCommand({ Bucket: bucket, Key: stepsObjectKey('job-small-finished') }), { expiresIn: 3600 }),
  );
  const signedTarget = `${signed.pathname}${signed.search}`;
  const ports = [
    { name: 'api', url: backend.apiUrl, standIn: false },
    { name: 's3-proxy', url: backend.s3Url, standIn: false },
    { name: 'cloudfront-edge', url: /** @type {NonNullable<typeof backend.edge>} */ (backend.edge).url, standIn: false },
    { name: 's3rver', url: standIns.s3Url, standIn: true },
    { name: 'dynalite', url: standIns.dynamoUrl, standIn: true },
  ];
  const deadline = Date.now() + BUDGET_MS;
  /** @type {Record<string, Record<string, number>>} */
  const statuses = {};
  /** @type {string[]} */
  const serverErrors = [];
  for (const [p, port] of ports.entries()) {
    const random = createRandom(SEED + p);
    const host = new URL(port.url).host;
    const requests = Array.from({ length: REQUESTS_PER_PORT }, (_, index) =>
      fuzzRequest(random, { host, bucket, signedTarget, index, backendShaped: port.standIn && random.next() < 0.4 }),
    );
    /** @type {Record<string, number>} */
    const seen = {};
    statuses[port.name] = seen;
    let nextIndex = 0;
    const worker = async () => {
      while (nextIndex < requests.length && Date.now() < deadline) {
        const raw = requests[nextIndex++];
        const answer = await rawExchange(port.url, raw, REQUEST_TIMEOUT_MS);
        const label = answer.status === null ? `none:${answer.error ?? 'closed'}` : String(answer.status);
        seen[label] = (seen[label] ?? 0) + 1;
        if (answer.status !== null && answer.status >= 500) serverErrors.push(`${port.name} ${answer.status}: ${raw.subarray(0, 120).toString('latin1')} -> ${answer.body.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.ok(nextIndex >= requests.length, `${port.name}: all ${requests.length} requests sent within the time budget (${nextIndex} sent)`);
  }
  console.log(`# statuses per port: ${JSON.stringify(statuses)}`);
  assert.deepEqual(serverErrors.slice(0, 5), [], `${serverErrors.length} answers were 5xx`);
  for (const [name, seen] of Object.entries(statuses)) {
    assert.equal(Object.keys(seen).filter((label) => label.startsWith('none:timeout')).length, 0, `${name}: every request answered or closed in time`);
  }

  // Every server is up and serves well-formed requests.
  assert.equal((await fetch(`${backend.apiUrl}/healthz`)).status, 200);
  const object = await fetch(signed);
  assert.ok(object.status === 200 || object.status === 404, `the proxy answers (${object.status})`);
  await object.arrayBuffer();
  await backend.storage.s3.send(new ListBucketsCommand({}));
  const { TableNames } = await /** @type {import('@aws-sdk/client-dynamodb').DynamoDBClient} */ (backend.storage.ddb).send(new ListTablesCommand({}));
  assert.ok(TableNames?.includes(backend.config.table));

  const outside = (await filesUnder(sandbox)).filter((file) => !file.startsWith(`${standIns.directory}/`));
  assert.deepEqual(outside, [], 'no file outside the data directory');
});
