// Verifies an S3 presigned URL (SigV4 query signature) the way S3 does, with the AWS SDK's own
// signer: the request is signed again from what arrived (method, path as sent, query without the
// signature, the signed headers) with the secret of the access key it names, and the signatures
// are compared in constant time. Checks run in S3's order: parameters, access key, not yet
// valid, expired, signature. A signing bug in the backend therefore fails locally as it would on S3.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
// How far in the future X-Amz-Date may lie (S3's allowed clock skew).
const MAX_SKEW_MS = 15 * 60_000;
const CONTENT_SHA256 = 'x-amz-content-sha256';

/** SHA-256 / HMAC-SHA-256 over node:crypto, the hash interface (`Checksum`) the signer takes. */
class NodeSha256 {
  /** @param {string | ArrayBuffer | ArrayBufferView} [secret] */
  constructor(secret) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  /** @param {Uint8Array} data */
  update(data) {
    this.hash.update(bytesOf(data));
  }

  async digest() {
    return new Uint8Array(this.hash.digest());
  }

  reset() {
    throw new Error('NodeSha256 is single-use');
  }
}

/** @param {string | ArrayBuffer | ArrayBufferView} data */
function bytesOf(data) {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * @typedef {{ok: true, accessKeyId: string}
 *   | {ok: false, status: number, code: string, message: string, details: Record<string, string>}} Verdict
 */

/**
 * @param {number} status @param {string} code @param {string} message @param {Record<string, string>} [details]
 * @returns {Verdict}
 */
const refuse = (status, code, message, details = {}) => ({ ok: false, status, code, message, details });

/**
 * Query parameters as the signer wants them: decoded, repeated names as arrays. Null when an
 * escape is malformed.
 * @param {string} rawQuery  without the '?'
 */
function parseQuery(rawQuery) {
  /** @type {Record<string, string | string[]>} */
  const query = {};
  if (rawQuery === '') return query;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let name;
    let value;
    try {
      name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      return null;
    }
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else query[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

/** @param {Record<string, string | string[]>} query @param {string} name */
function single(query, name) {
  const value = query[name];
  return typeof value === 'string' ? value : null;
}

/** @param {string} text  yyyymmddThhmmssZ */
function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** @param {Date} date */
const isoSeconds = (date) => date.toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Whether a request carries a presigned-URL signature at all.
 * @param {string} rawQuery
 */
export function hasQuerySignature(rawQuery) {
  return /(^|&)X-Amz-(Signature|Algorithm|Credential)=/.test(rawQuery);
}

/**
 * @param {{
 *   method: string,
 *   rawPath: string,
 *   rawQuery: string,
 *   headers: import('node:http').IncomingHttpHeaders,
 *   secrets: ReadonlyMap<string, string>,
 *   now: Date,
 * }} request  `rawPath` exactly as sent (S3 signs the encoded path as is); `secrets` by access key id
 * @returns {Promise<Verdict>}
 */
export async function verifyPresigned({ method, rawPath, rawQuery, headers, secrets, now }) {
  const query = parseQuery(rawQuery);
  if (query === null) return refuse(400, 'AuthorizationQueryParametersError', 'Query-string authentication parameters are not valid percent-encoding.');
  const algorithm = single(query, 'X-Amz-Algorithm');
  const credential = single(query, 'X-Amz-Credential');
  const amzDate = single(query, 'X-Amz-Date');
  const expires = single(query, 'X-Amz-Expires');
  const signedHeaders = single(query, 'X-Amz-SignedHeaders');
  const signature = single(query, 'X-Amz-Signature');
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    return refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const scope = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(credential ?? '');
  const signedAt = parseAmzDate(amzDate ?? '');
  if (!scope || !signedAt || expires === null || !/^\d{1,6}$/.test(expires) || !signedHeaders || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    return refuse(
      400,
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const [, accessKeyId, scopeDate, region, service] = scope;
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS) {
    return refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  if (scopeDate !== /** @type {string} */ (amzDate).slice(0, 8) || service !== 's3') {
    return refuse(400, 'AuthorizationQueryParametersError', 'Error parsing the X-Amz-Credential parameter; the scope does not match the date or service.');
  }
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) {
    return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKeyId });
  }
  if (signedAt.getTime() - now.getTime() > MAX_SKEW_MS) {
    return refuse(403, 'AccessDenied', 'Request is not valid yet', { 'X-Amz-Date': /** @type {string} */ (amzDate), ServerTime: isoSeconds(now) });
  }
  if (now.getTime() > signedAt.getTime() + expiresSeconds * 1000) {
    return refuse(403, 'AccessDenied', 'Request has expired', {
      'X-Amz-Expires': expires,
      Expires: isoSeconds(new Date(signedAt.getTime() + expiresSeconds * 1000)),
      ServerTime: isoSeconds(now),
    });
  }

  /** @type {Record<string, string>} */
  const toSign = {};
  for (const name of signedHeaders.split(';')) {
    const value = headers[name];
    if (typeof value !== 'string') return mismatch(accessKeyId, signature);
    toSign[name] = value;
  }
  if (!('host' in toSign)) return mismatch(accessKeyId, signature);
  // Presigned S3 requests sign UNSIGNED-PAYLOAD; the signer reads it from this header, which must
  // be neither hoisted into the query nor signed.
  toSign[CONTENT_SHA256] = 'UNSIGNED-PAYLOAD';
  const unsigned = { ...query };
  delete unsigned['X-Amz-Signature'];
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: secret },
    region,
    service: 's3',
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const request = { method, protocol: 'http:', hostname: 'local', path: rawPath, query: unsigned, headers: toSign };
  const signed = await signer.presign(request, {
    signingDate: signedAt,
    expiresIn: expiresSeconds,
    signingRegion: region,
    signingService: 's3',
    unsignableHeaders: new Set([CONTENT_SHA256]),
    unhoistableHeaders: new Set([CONTENT_SHA256]),
  });
  const expected = String(signed.query?.['X-Amz-Signature']);
  const sameHeaders = signed.query?.['X-Amz-SignedHeaders'] === signedHeaders;
  if (!sameHeaders || expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return mismatch(accessKeyId, signature);
  return { ok: true, accessKeyId };
}

/** @param {string} accessKeyId @param {string} signature */
function mismatch(accessKeyId, signature) {
  return refuse(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { AWSAccessKeyId: accessKeyId, SignatureProvided: signature },
  );
}
