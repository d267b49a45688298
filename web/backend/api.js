// The API side of the design, mirroring the seed's jobs controller: read the job item from
// DynamoDB; when `execution_steps_s3_key` exists, presign a GET for it and return it as
// `execution_steps_s3_url`. Plain node:http: JSON bodies, JSON errors, CORS for the dashboard.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { allowedHostNames, answerClientErrors, hostAllowed, jsonError, mediaType, sendTypedError, serveSafely } from './http-guard.js';
import { allowOriginFor, urlOf } from './storage.js';
import { signCloudFrontUrl } from './cloudfront.js';

const MAX_ADMIN_BODY_BYTES = 64 * 1024;

export class HttpError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @typedef {object} ApiOptions
 * @property {string} host
 * @property {number} port
 * @property {import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient} ddb
 * @property {import('@aws-sdk/client-s3').S3Client} presignS3  client whose endpoint is the URL browsers use
 * @property {string} table
 * @property {string} bucket
 * @property {string[]} corsOrigins
 * @property {readonly string[]} [allowedHosts]  Host names accepted besides this machine's
 * @property {number} presignExpiresSeconds
 * @property {import('./cloudfront.js').CloudFrontSigner | null} [cloudfront]  sign CloudFront URLs instead of presigning S3
 * @property {((method: string, path: string, body: unknown) => Promise<{status: number, body: unknown}>) | null} admin
 * @property {boolean} log
 */

/** @param {ApiOptions} options */
export async function startApi(options) {
  const { ddb, presignS3, table, bucket, corsOrigins } = options;
  const hostNames = allowedHostNames(options.host, options.allowedHosts);

  /** @param {string | undefined} origin */
  function corsHeaders(origin) {
    const allowOrigin = allowOriginFor(corsOrigins, origin);
    if (allowOrigin === null) return {};
    return {
      'Access-Control-Allow-Origin': allowOrigin,
      // The client reads Date to learn clock skew before judging presigned-URL expiry, ETag for
      // conditional re-fetches, Retry-After when told to wait.
      'Access-Control-Expose-Headers': 'Date, ETag, Retry-After',
    };
  }

  /** @param {string} id */
  async function getJob(id) {
    const { Item } = await ddb.send(new GetCommand({ TableName: table, Key: { job_id: id } }));
    if (!Item) throw new HttpError(404, 'not_found', `job ${id} not found`);
    const job = { ...Item };
    if (typeof Item.execution_steps_s3_key === 'string' && Item.execution_steps_s3_key !== '') {
      job.execution_steps_s3_url = options.cloudfront
        ? signCloudFrontUrl(options.cloudfront, Item.execution_steps_s3_key, options.presignExpiresSeconds)
        : await getSignedUrl(
            presignS3,
            new GetObjectCommand({ Bucket: bucket, Key: Item.execution_steps_s3_key }),
            { expiresIn: options.presignExpiresSeconds },
          );
    }
    return job;
  }

  async function listJobs() {
    /** @type {Record<string, unknown>[]} */
    const items = [];
    /** @type {Record<string, unknown> | undefined} */
    let start;
    do {
      const page = await ddb.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression: '#id, #name, #status, #count, #total, #created, #updated, #key',
          ExpressionAttributeNames: {
            '#id': 'job_id',
            '#name': 'name',
            '#status': 'status',
            '#count': 'step_count',
            '#total': 'total_cost_usd',
            '#created': 'created_at',
            '#updated': 'updated_at',
            '#key': 'execution_steps_s3_key',
          },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const jobs = items.map((item) => ({
      job_id: item.job_id,
      name: item.name ?? null,
      status: item.status ?? null,
      step_count: typeof item.step_count === 'number' ? item.step_count : null,
      total_cost_usd: item.total_cost_usd ?? null,
      created_at: item.created_at ?? null,
      updated_at: item.updated_at ?? null,
      has_s3_steps: typeof item.execution_steps_s3_key === 'string',
    }));
    jobs.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || String(a.job_id).localeCompare(String(b.job_id)));
    return { jobs };
  }

  /** @param {import('node:http').IncomingMessage} req */
  async function readJsonBody(req) {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_ADMIN_BODY_BYTES) throw new HttpError(413, 'too_large', 'request body too large');
      chunks.push(chunk);
    }
    if (size === 0) return undefined;
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'request body is not JSON');
    }
  }

  /**
   * Admin routes steer the stack, so only the dashboard (its own Origin) or a program (no Origin)
   * may call them, never a cross-site page, and a request that changes state must be JSON: a page
   * elsewhere can send a form or a `text/plain` body without a preflight, never `application/json`.
   * @param {import('node:http').IncomingMessage} req
   */
  function refuseForeignAdminRequest(req) {
    const origin = req.headers.origin;
    if (origin !== undefined && !corsOrigins.includes(origin)) {
      throw new HttpError(403, 'forbidden_origin', 'admin routes answer only the dashboard origin');
    }
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new HttpError(403, 'cross_site', 'admin routes refuse cross-site requests');
    if (req.method !== 'GET' && req.method !== 'HEAD' && mediaType(req.headers['content-type']) !== 'application/json') {
      throw new HttpError(415, 'unsupported_media_type', 'admin requests that change state must be application/json');
    }
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @returns {Promise<{status: number, body: unknown}>}
   */
  async function route(req) {
    const target = req.url ?? '/';
    /** @type {URL} */
    let url;
    try {
      if (!target.startsWith('/')) throw new Error('not origin-form');
      url = new URL(`http://api.invalid${target}`);
    } catch {
      throw new HttpError(400, 'bad_request', 'the request target is not a path');
    }
    const path = url.pathname;
    if (path.startsWith('/__admin/')) {
      if (!options.admin) throw new HttpError(404, 'not_found', 'admin routes are off (no fault proxy in this mode)');
      refuseForeignAdminRequest(req);
      const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
      return options.admin(req.method ?? 'GET', path, body);
    }
    if (path === '/api/jobs' || path === '/api/jobs/') {
      if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed', 'use GET');
      return { status: 200, body: await listJobs() };
    }
    const match = /^\/api\/jobs\/([^/]+)$/.exec(path);
    if (match) {
      if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed', 'use GET');
      let id;
      try {
        id = decodeURIComponent(match[1]);
      } catch {
        throw new HttpError(400, 'bad_request', 'job id is not valid percent-encoding');
      }
      return { status: 200, body: await getJob(id) };
    }
    if (path === '/healthz') return { status: 200, body: { ok: true } };
    throw new HttpError(404, 'not_found', `no route for ${path}`);
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const started = Date.now();
    if (!hostAllowed(req.headers.host, hostNames)) {
      req.resume();
      sendTypedError(res, { status: 403, code: 'host_not_allowed', message: 'Host header not allowed' }, jsonError);
      return;
    }
    const cors = corsHeaders(req.headers.origin);
    if (req.method === 'OPTIONS') {
      req.resume();
      const allowed = Object.keys(cors).length > 0;
      res.writeHead(allowed ? 204 : 403, {
        ...cors,
        ...(allowed
          ? {
              'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
              'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'content-type',
              'Access-Control-Max-Age': '600',
            }
          : {}),
        Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
        'Content-Length': 0,
      });
      res.end();
      return;
    }
    let status;
    let payload;
    try {
      ({ status, body: payload } = await route(req));
    } catch (error) {
      if (error instanceof HttpError) {
        status = error.status;
        payload = { error: { code: error.code, message: error.message } };
      } else {
        status = 500;
        const message = error instanceof Error ? error.message : String(error);
        payload = { error: { code: 'internal', message } };
        console.error('[api] %s %s failed: %s', req.method, req.url, message);
      }
    }
    const body = Buffer.from(JSON.stringify(payload));
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const notModified = status === 200 && req.headers['if-none-match'] === etag;
    res.writeHead(notModified ? 304 : status, {
      'Content-Type': 'application/json; charset=utf-8',
      ...(notModified ? {} : { 'Content-Length': body.byteLength }),
      'Cache-Control': 'no-store',
      ETag: etag,
      Vary: 'Origin',
      ...cors,
    });
    req.resume();
    res.end(notModified || req.method === 'HEAD' ? undefined : body);
    if (options.log) console.error('[api] %s %s %d %dms', req.method, req.url, res.statusCode, Date.now() - started);
  }

  const server = http.createServer(serveSafely('api', handle, jsonError));
  answerClientErrors(server, jsonError);
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    url: urlOf(server.address(), options.host),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
