// CloudFront signed URLs: the API's signer (`@aws-sdk/cloudfront-signer`) and, for `--cloudfront`
// locally, a small edge in front of the S3 fault proxy that checks them as CloudFront does:
// RSA-SHA1 over the canned or custom policy with the key pair's public key, the policy's resource
// and its time window, with CloudFront's 403 XML bodies otherwise. What passes is forwarded to the
// proxy (signed for it with SigV4, as CloudFront's origin access control signs for S3) and comes
// back with `Age`, `X-Cache` and `Via` added. Like every local port it goes through the request
// guard and the Host rule, and it serves reads of the bucket's objects only.
import http from 'node:http';
import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { allowedHostNames, answerClientErrors, hostAllowed, s3XmlError, sendTypedError, serveSafely, unsafeKeyReason } from './http-guard.js';
import { allowOriginFor, EXPOSED_HEADERS, urlOf } from './storage.js';

/** @typedef {{baseUrl: string, keyPairId: string, privateKey: string}} CloudFrontSigner */

// The bodies CloudFront answers a refused signed URL with (the expired one in S3's words, which
// the client reads as "get a fresh URL").
export const EDGE_ERRORS = Object.freeze({
  missing: { status: 403, code: 'MissingKey', message: 'Missing Key-Pair-Id query parameter or cookie value' },
  unknownKey: { status: 403, code: 'AccessDenied', message: 'Unknown Key' },
  denied: { status: 403, code: 'AccessDenied', message: 'Access denied' },
  expired: { status: 403, code: 'AccessDenied', message: 'Request has expired' },
});
const SIGNING_PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id'];
// Request headers that reach the origin: what a GET or HEAD of an object (and its CORS) can use.
const FORWARDED_HEADERS = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'accept', 'accept-encoding', 'origin', 'access-control-request-method', 'access-control-request-headers'];
const MAX_POLICY_CHARS = 16 * 1024;
const CACHED_KEYS_LIMIT = 1000;
// Origin URLs are signed for an hour (start-backend.js) and reused for half of it.
const ORIGIN_URL_REUSE_MS = 30 * 60_000;

/**
 * The API's URL for an object: `baseUrl` + the key, signed with a canned policy until
 * `expiresSeconds` from now.
 * @param {CloudFrontSigner} signer
 * @param {string} key
 * @param {number} expiresSeconds
 */
export function signCloudFrontUrl(signer, key, expiresSeconds) {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return getSignedUrl({
    url: `${signer.baseUrl.replace(/\/+$/, '')}/${path}`,
    keyPairId: signer.keyPairId,
    privateKey: signer.privateKey,
    dateLessThan: new Date(Date.now() + expiresSeconds * 1000),
  });
}

/** A throwaway RSA key pair and key id for the local edge. */
export function localKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    keyPairId: `KLOCAL${randomBytes(6).toString('hex').toUpperCase()}`,
    privateKey: /** @type {string} */ (privateKey.export({ type: 'pkcs1', format: 'pem' })),
    publicKey: /** @type {string} */ (publicKey.export({ type: 'spki', format: 'pem' })),
  };
}

/** @param {string} text  CloudFront's base64 (`-` `_` `~` for `+` `=` `/`) */
function cloudFrontBase64(text) {
  if (!/^[A-Za-z0-9~_-]*$/.test(text)) return null;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

/** @param {string} pattern  a policy Resource, `*` and `?` as wildcards @param {string} url */
function resourceMatches(pattern, url) {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(url);
}

/** @param {unknown} value */
const epochSeconds = (value) => (Number.isSafeInteger(value) && /** @type {number} */ (value) >= 0 ? /** @type {number} */ (value) : null);

/**
 * CloudFront's verdict on a signed URL: null when it passes, else the error to answer with.
 * @param {{url: URL, rawQuery: string, keys: ReadonlyMap<string, string>, nowMs: number}} request
 *   `url` is the request's absolute URL; `keys` maps key pair ids to public keys (PEM)
 */
export function checkSignedUrl({ url, rawQuery, keys, nowMs }) {
  const query = new URLSearchParams(rawQuery);
  const keyPairId = query.get('Key-Pair-Id');
  const signature = query.get('Signature');
  const expires = query.get('Expires');
  const encodedPolicy = query.get('Policy');
  if (!keyPairId || !signature || (expires === null && encodedPolicy === null)) return EDGE_ERRORS.missing;
  const publicKey = keys.get(keyPairId);
  if (publicKey === undefined) return EDGE_ERRORS.unknownKey;
  // The resource a canned policy names: the URL without the signing parameters, as signed.
  const kept = rawQuery.split('&').filter((param) => !SIGNING_PARAMS.includes(param.split('=')[0]));
  const resource = `${url.origin}${url.pathname}${kept.length > 0 ? `?${kept.join('&')}` : ''}`;
  /** @type {Buffer} */
  let policyBytes;
  if (encodedPolicy !== null) {
    if (encodedPolicy.length > MAX_POLICY_CHARS) return EDGE_ERRORS.denied;
    const decoded = cloudFrontBase64(encodedPolicy);
    if (decoded === null) return EDGE_ERRORS.denied;
    policyBytes = decoded;
  } else {
    if (!/^\d{1,12}$/.test(expires ?? '')) return EDGE_ERRORS.denied;
    policyBytes = Buffer.from(
      JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': Number(expires) } } }] }),
    );
  }
  const signatureBytes = cloudFrontBase64(signature);
  if (signatureBytes === null) return EDGE_ERRORS.denied;
  const verifier = createVerify('RSA-SHA1');
  verifier.update(policyBytes);
  if (!verifier.verify(publicKey, signatureBytes)) return EDGE_ERRORS.denied;
  /** @type {any} */
  let policy;
  try {
    policy = JSON.parse(policyBytes.toString('utf8'));
  } catch {
    return EDGE_ERRORS.denied;
  }
  const statement = Array.isArray(policy?.Statement) && policy.Statement.length === 1 ? policy.Statement[0] : null;
  const condition = statement?.Condition;
  if (typeof condition !== 'object' || condition === null) return EDGE_ERRORS.denied;
  // Only the time conditions are enforced here: a policy asking for anything else is refused.
  if (Object.keys(condition).some((name) => name !== 'DateLessThan' && name !== 'DateGreaterThan')) return EDGE_ERRORS.denied;
  const until = epochSeconds(condition.DateLessThan?.['AWS:EpochTime']);
  const from = condition.DateGreaterThan === undefined ? undefined : epochSeconds(condition.DateGreaterThan?.['AWS:EpochTime']);
  if (until === null || from === null) return EDGE_ERRORS.denied;
  if (typeof statement.Resource !== 'string' || !resourceMatches(statement.Resource, resource)) return EDGE_ERRORS.denied;
  const nowSeconds = Math.floor(nowMs / 1000);
  if (from !== undefined && nowSeconds <= from) return EDGE_ERRORS.denied;
  if (nowSeconds >= until) return EDGE_ERRORS.expired;
  return null;
}

/**
 * @typedef {object} EdgeOptions
 * @property {string} host
 * @property {number} port
 * @property {string} bucket
 * @property {string[]} corsOrigins
 * @property {ReadonlyMap<string, string>} keys  key pair id -> public key (PEM)
 * @property {string} originUrl  the S3 proxy
 * @property {(key: string) => Promise<string>} signOrigin  a presigned GET URL of the object at the origin, valid for an hour
 * @property {readonly string[]} [allowedHosts]
 * @property {() => number} [now]
 */

/** @param {EdgeOptions} options */
export async function startCloudFrontEdge({ host, port, originUrl, bucket, corsOrigins, keys, signOrigin, allowedHosts = [], now = Date.now }) {
  const hostNames = allowedHostNames(host, allowedHosts);
  // When each object version (key + ETag) was first served: what `Age` and `X-Cache` report.
  /** @type {Map<string, number>} */
  const firstServed = new Map();
  let requestCount = 0;
  // One origin URL per viewer URL: the proxy behind counts faults per URL ("503 twice per
  // presigned URL"), so each viewer URL must reach it as one URL, and a new one as a new URL.
  /** @type {Map<string, {url: URL, signedAt: number}>} */
  const originUrls = new Map();

  /** @param {string} viewerTarget @param {string} key */
  async function originFor(viewerTarget, key) {
    const known = originUrls.get(viewerTarget);
    if (known && now() - known.signedAt < ORIGIN_URL_REUSE_MS) return known.url;
    if (originUrls.size >= CACHED_KEYS_LIMIT) originUrls.delete(/** @type {string} */ (originUrls.keys().next().value));
    const url = new URL(await signOrigin(key));
    originUrls.set(viewerTarget, { url, signedAt: now() });
    return url;
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {{status: number, code: string, message: string}} error
   * @param {string | undefined} origin
   */
  function refuse(res, error, origin) {
    const allowOrigin = allowOriginFor(corsOrigins, origin);
    // Like the S3 proxy's errors: readable by the dashboard, so the client can classify them.
    /** @type {Record<string, string>} */
    const cors = allowOrigin === null ? {} : { 'Access-Control-Allow-Origin': allowOrigin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '), Vary: 'Origin' };
    sendTypedError(res, error, s3XmlError, { ...cors, 'X-Cache': 'Error from cloudfront', Via: '1.1 jobdash-local.cloudfront.net (CloudFront)' });
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    req.resume();
    const method = req.method ?? 'GET';
    const origin = req.headers.origin;
    if (!hostAllowed(req.headers.host, hostNames)) return refuse(res, { status: 403, code: 'AccessDenied', message: 'Host header not allowed' }, origin);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      return refuse(res, { status: 403, code: 'MethodNotAllowed', message: 'This distribution is not configured to allow the HTTP request method that was used for this request.' }, origin);
    }
    const target = req.url ?? '';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? '' : target.slice(queryAt + 1);
    if (!rawPath.startsWith('/') || rawPath.startsWith('//')) return refuse(res, { status: 400, code: 'InvalidURI', message: "Couldn't parse the specified URI." }, origin);
    let key;
    try {
      key = decodeURIComponent(rawPath.slice(1));
    } catch {
      return refuse(res, { status: 400, code: 'InvalidURI', message: "Couldn't parse the specified URI." }, origin);
    }
    const unsafe = unsafeKeyReason(key);
    if (unsafe !== null || key === '') return refuse(res, { status: 400, code: 'InvalidArgument', message: `Object key refused: ${unsafe ?? 'empty'}.` }, origin);
    requestCount += 1;
    const originPath = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    // Preflights carry no signature: the origin answers them from the bucket's CORS rule.
    if (method === 'OPTIONS') return forward(req, res, new URL(originPath, originUrl), null);
    const url = new URL(`http://${req.headers.host}${rawPath}`);
    const refused = checkSignedUrl({ url, rawQuery, keys, nowMs: now() });
    if (refused !== null) return refuse(res, refused, origin);
    return forward(req, res, await originFor(target, key), key);
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} target  the signed origin URL (unsigned for preflights)
   * @param {string | null} key  null for preflights
   */
  function forward(req, res, target, key) {
    /** @type {Record<string, string>} */
    const headers = { host: target.host };
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: `${target.pathname}${target.search}`, headers },
      (response) => {
        /** @type {Record<string, string | string[]>} */
        const out = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) out[name] = value;
        const status = response.statusCode ?? 502;
        // A 304 names the version the request held (s3rver's carries no ETag of its own).
        const held = status === 304 ? req.headers['if-none-match'] : undefined;
        const etag = typeof response.headers.etag === 'string' ? response.headers.etag : typeof held === 'string' ? held : null;
        if (key !== null && etag !== null && (status === 200 || status === 304)) {
          const version = `${key}\n${etag}`;
          const seen = firstServed.get(version);
          if (seen === undefined && firstServed.size >= CACHED_KEYS_LIMIT) firstServed.delete(/** @type {string} */ (firstServed.keys().next().value));
          if (seen === undefined) firstServed.set(version, now());
          out['X-Cache'] = seen === undefined ? 'Miss from cloudfront' : 'Hit from cloudfront';
          out.Age = String(seen === undefined ? 0 : Math.max(0, Math.floor((now() - seen) / 1000)));
        } else if (key !== null) {
          out['X-Cache'] = status >= 400 ? 'Error from cloudfront' : 'Miss from cloudfront';
        }
        out.Via = '1.1 jobdash-local.cloudfront.net (CloudFront)';
        res.writeHead(status, out);
        response.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) refuse(res, { status: 502, code: 'BadGateway', message: 'CloudFront could not connect to the origin.' }, req.headers.origin);
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    upstream.end();
  }

  const server = http.createServer(serveSafely('cloudfront-edge', handle, s3XmlError));
  answerClientErrors(server, s3XmlError);
  server.listen(port, host);
  await once(server, 'listening');
  return {
    url: urlOf(server.address(), host),
    /** Object requests seen (preflights included) since start. */
    requestCount: () => requestCount,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
