// A fault-injecting HTTP proxy in front of the S3 stand-in. Presigned URLs name this proxy's
// host, so the browser's direct S3 fetches pass here: faults are served the way S3 serves them
// (XML error bodies, CORS headers on errors, request ids), and every request is counted per
// object so tests can assert how many attempts a client made.
// It is the only S3 port a browser can reach, and it passes reads only: GET and HEAD of an object
// of the bucket with a valid presigned signature (verified as S3 does), preflights answered from
// the bucket's CORS rule; other methods, other Hosts, unsafe keys and malformed requests get S3
// XML errors and never reach s3rver.
import http from 'node:http';
import { once } from 'node:events';
import { answerClientErrors, allowedHostNames, hostAllowed, s3XmlError, serveSafely, unsafeKeyReason, xmlEscape } from './http-guard.js';
import { hasQuerySignature, verifyPresigned } from './presigned.js';
import { allowOriginFor, EXPOSED_HEADERS, urlOf } from './storage.js';

const ERRORS = /** @type {const} */ ({
  expired: { status: 403, code: 'AccessDenied', message: 'Request has expired' },
  forbidden: { status: 403, code: 'AccessDenied', message: 'Access Denied' },
  not_found: { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' },
  server_error: { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  storm503: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
});
const LOG_LIMIT = 500;
// Distinct object keys counted at once (the oldest is forgotten first).
const COUNTED_KEYS_LIMIT = 1000;
// Request headers that reach s3rver: what a GET or HEAD of an object can use.
const FORWARDED_HEADERS = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'accept', 'accept-encoding'];
// truncated: what is sent and flushed before the rest of the cut body, and the pause between.
const TRUNCATED_FIRST_PART_BYTES = 16 * 1024;
const TRUNCATED_PAUSE_MS = 100;

/**
 * Expiry details S3 puts in a "Request has expired" error.
 * @param {URLSearchParams} query
 * @param {Date} now
 */
function expiryDetails(query, now) {
  const expires = query.get('X-Amz-Expires');
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('X-Amz-Date') ?? '');
  let xml = '';
  if (expires !== null) xml += `<X-Amz-Expires>${xmlEscape(expires)}</X-Amz-Expires>`;
  if (date && expires !== null && /^\d+$/.test(expires)) {
    const signed = Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]);
    xml += `<Expires>${new Date(signed + Number(expires) * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}</Expires>`;
  }
  return xml + `<ServerTime>${now.toISOString().replace(/\.\d+Z$/, 'Z')}</ServerTime>`;
}

/**
 * @typedef {object} ProxyOptions
 * @property {string} host
 * @property {number} port
 * @property {string} upstreamUrl  the S3 stand-in
 * @property {string} bucket
 * @property {string[]} corsOrigins
 * @property {import('./faults.js').FaultTable} faults
 * @property {{accessKeyId: string, secretAccessKey: string}[]} credentials  the keys presigned URLs may be signed with
 * @property {readonly string[]} [allowedHosts]  Host names accepted besides this machine's
 */

/** @param {ProxyOptions} options */
export async function startS3Proxy({ host, port, upstreamUrl, bucket, corsOrigins, faults, credentials, allowedHosts = [] }) {
  const upstream = new URL(upstreamUrl);
  const hostNames = allowedHostNames(host, allowedHosts);
  const secrets = new Map(credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
  /** @type {Map<string, {jobId: string | null, total: number, methods: Record<string, number>, log: {method: string, status: number, fault: string | null}[]}>} */
  const counts = new Map();
  let requestSequence = 0;

  /** @param {string | undefined} origin */
  function corsFor(origin) {
    const allowOrigin = allowOriginFor(corsOrigins, origin);
    if (allowOrigin === null) return {};
    return {
      'Access-Control-Allow-Origin': allowOrigin,
      'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    };
  }

  /**
   * Sends an S3 XML error with a request id and the CORS headers of the request's origin.
   * @param {import('node:http').ServerResponse} res
   * @param {{status: number, code: string, message: string}} error
   * @param {{method: string, origin: string | undefined}} request
   * @param {string} [extraXml]  elements after Message (already escaped)
   * @param {Record<string, string>} [extraHeaders]
   */
  function sendS3Error(res, error, request, extraXml = '', extraHeaders = {}) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const requestId = (++requestSequence).toString(16).toUpperCase().padStart(16, '0');
    const body = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message>${extraXml}` +
        `<RequestId>${requestId}</RequestId><HostId>jobdash-local-${requestId}</HostId></Error>`,
    );
    res.writeHead(error.status, {
      'Content-Type': 'application/xml',
      'Content-Length': body.byteLength,
      'x-amz-request-id': requestId,
      ...extraHeaders,
      ...corsFor(request.origin),
    });
    res.end(request.method === 'HEAD' ? undefined : body);
  }

  /**
   * A fault mode's error, as S3 words it.
   * @param {import('node:http').ServerResponse} res
   * @param {keyof typeof ERRORS} mode
   * @param {{method: string, origin: string | undefined, key: string, query: URLSearchParams}} request
   */
  function sendError(res, mode, request) {
    let extra = mode === 'expired' ? expiryDetails(request.query, new Date()) : '';
    if (mode === 'not_found') extra = `<Key>${xmlEscape(request.key)}</Key>`;
    sendS3Error(res, ERRORS[mode], request, extra, mode === 'storm503' ? { 'Retry-After': '1' } : {});
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {import('./faults.js').FaultRule | null} rule
   */
  function forward(req, res, rule) {
    /** @type {Record<string, string>} */
    const forwarded = { host: upstream.host };
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') forwarded[name] = value;
    }
    const upstreamRequest = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: forwarded,
      },
      (upstreamResponse) => {
        /** @type {Record<string, string | string[]>} */
        const headers = {};
        for (const [name, value] of Object.entries(upstreamResponse.headers)) {
          if (value === undefined) continue;
          if (rule?.mode === 'no_cors' && /^access-control-/i.test(name)) continue;
          headers[name] = value;
        }
        if (rule?.mode !== 'no_cors') Object.assign(headers, corsFor(req.headers.origin));
        const status = upstreamResponse.statusCode ?? 502;
        if (rule?.mode !== 'slow' && rule?.mode !== 'truncated') {
          res.writeHead(status, headers);
          upstreamResponse.pipe(res);
          return;
        }
        /** @type {Buffer[]} */
        const chunks = [];
        upstreamResponse.on('data', (chunk) => chunks.push(chunk));
        upstreamResponse.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(status, headers);
          if (rule.mode === 'truncated') {
            const cut = Math.min(rule.cutAtBytes ?? Math.floor(body.byteLength / 2), body.byteLength);
            if (cut >= body.byteLength) {
              res.end(body);
              return;
            }
            cutShort(res, body.subarray(0, cut));
            return;
          }
          drip(res, body, rule.chunkBytes, rule.intervalMs);
        });
      },
    );
    upstreamRequest.on('error', () => {
      if (!res.headersSent) sendError(res, 'server_error', { method: req.method ?? 'GET', origin: req.headers.origin, key: '', query: new URLSearchParams() });
      else res.destroy();
    });
    res.on('close', () => upstreamRequest.destroy());
    req.resume();
    upstreamRequest.end();
  }

  /**
   * Sends `part` (the body up to the cut) and closes the connection short of the Content-Length
   * already announced. The first piece is flushed to the socket and given time to reach the
   * browser before the rest and the close, so the page has the response's head (and body bytes)
   * when the read fails, whatever the browser's buffering: the fault is "a 2xx body that ended
   * early", never "no response at all".
   * @param {import('node:http').ServerResponse} res
   * @param {Buffer} part
   */
  function cutShort(res, part) {
    const first = Math.min(part.byteLength, TRUNCATED_FIRST_PART_BYTES);
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    res.on('close', () => clearTimeout(timer));
    res.write(part.subarray(0, first), () => {
      timer = setTimeout(() => {
        if (res.destroyed) return;
        res.write(part.subarray(first), () => res.socket?.destroy());
      }, TRUNCATED_PAUSE_MS);
    });
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {Buffer} body
   * @param {number} chunkBytes
   * @param {number} intervalMs
   */
  function drip(res, body, chunkBytes, intervalMs) {
    let offset = 0;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    res.on('close', () => clearTimeout(timer));
    const next = () => {
      if (res.destroyed) return;
      const end = Math.min(offset + chunkBytes, body.byteLength);
      const last = end >= body.byteLength;
      if (last) {
        res.end(body.subarray(offset, end));
        return;
      }
      res.write(body.subarray(offset, end));
      offset = end;
      timer = setTimeout(next, intervalMs);
    };
    next();
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const method = req.method ?? 'GET';
    const origin = req.headers.origin;
    const reply = { method, origin };
    if (!hostAllowed(req.headers.host, hostNames)) {
      req.resume();
      return sendS3Error(res, { status: 403, code: 'AccessDenied', message: 'Host header not allowed' }, reply);
    }
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      req.resume();
      return sendS3Error(
        res,
        { status: 405, code: 'MethodNotAllowed', message: 'The specified method is not allowed against this resource.' },
        reply,
        `<Method>${xmlEscape(method)}</Method><ResourceType>OBJECT</ResourceType>`,
        { Allow: 'GET, HEAD, OPTIONS' },
      );
    }
    req.resume();
    const target = req.url ?? '';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? '' : target.slice(queryAt + 1);
    if (!rawPath.startsWith('/')) return sendS3Error(res, { status: 400, code: 'InvalidURI', message: "Couldn't parse the specified URI." }, reply);
    const prefix = `/${bucket}/`;
    if (!rawPath.startsWith(prefix)) {
      return sendS3Error(res, { status: 403, code: 'AccessDenied', message: `Only objects of the bucket ${bucket} are served here.` }, reply);
    }
    let key;
    try {
      key = decodeURIComponent(rawPath.slice(prefix.length));
    } catch {
      return sendS3Error(res, { status: 400, code: 'InvalidURI', message: "Couldn't parse the specified URI." }, reply);
    }
    const unsafe = unsafeKeyReason(key);
    if (unsafe !== null) return sendS3Error(res, { status: 400, code: 'InvalidArgument', message: `Object key refused: ${unsafe}.` }, reply);
    const match = /^jobs\/([^/]+)\//.exec(key);
    const jobId = match ? match[1] : null;

    let entry = counts.get(key);
    if (!entry) {
      if (counts.size >= COUNTED_KEYS_LIMIT) counts.delete(/** @type {string} */ (counts.keys().next().value));
      counts.set(key, (entry = { jobId, total: 0, methods: {}, log: [] }));
    }
    entry.total += 1;
    entry.methods[method] = (entry.methods[method] ?? 0) + 1;
    const record = entry;
    /** @type {string | null} */
    let appliedFault = null;
    res.on('close', () => {
      record.log.push({ method, status: res.headersSent ? res.statusCode : 0, fault: appliedFault });
      if (record.log.length > LOG_LIMIT) record.log.shift();
    });

    // Preflights are answered from the bucket's CORS rule, never from the object.
    if (method === 'OPTIONS') {
      const noCors = peekNoCors(jobId);
      appliedFault = noCors?.mode ?? null;
      return preflight(req, res, noCors !== null);
    }

    if (!hasQuerySignature(rawQuery)) {
      return sendS3Error(res, { status: 403, code: 'AccessDenied', message: 'Access Denied' }, reply);
    }
    const verdict = await verifyPresigned({ method, rawPath, rawQuery, headers: req.headers, secrets, now: new Date() });
    if (!verdict.ok) {
      const details = Object.entries(verdict.details)
        .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
        .join('');
      return sendS3Error(res, verdict, reply, details);
    }

    const rule = faults.take(jobId, target);
    appliedFault = rule?.mode ?? null;
    const request = { method, origin, key, query: new URLSearchParams(rawQuery) };
    if (!rule) return forward(req, res, null);
    switch (rule.mode) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'expired':
      case 'forbidden':
      case 'not_found':
      case 'server_error':
      case 'storm503':
        return sendError(res, rule.mode, request);
      default:
        return forward(req, res, rule);
    }
  }

  /**
   * A CORS preflight answered as S3 does from the bucket's rule (origins of the dashboard, GET and
   * HEAD, any request header), or refused when the `no_cors` fault is on.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {boolean} corsDisabled
   */
  function preflight(req, res, corsDisabled) {
    const requested = String(req.headers['access-control-request-method'] ?? '');
    const allowOrigin = corsDisabled ? null : allowOriginFor(corsOrigins, req.headers.origin);
    if (allowOrigin === null || (requested !== 'GET' && requested !== 'HEAD')) {
      const body = Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>CORSResponse</Code>' +
          (corsDisabled
            ? '<Message>CORS is not enabled for this bucket.</Message></Error>'
            : '<Message>This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.</Message></Error>'),
      );
      res.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': body.byteLength });
      res.end(body);
      return;
    }
    const requestedHeaders = req.headers['access-control-request-headers'];
    res.writeHead(200, {
      'Access-Control-Allow-Origin': allowOrigin,
      'Access-Control-Allow-Methods': 'GET, HEAD',
      ...(typeof requestedHeaders === 'string' && requestedHeaders !== '' ? { 'Access-Control-Allow-Headers': requestedHeaders } : {}),
      'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
      'Access-Control-Max-Age': '600',
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
      'Content-Length': 0,
    });
    res.end();
  }

  const server = http.createServer(serveSafely('s3-proxy', handle, s3XmlError));
  answerClientErrors(server, s3XmlError);

  /** @param {string | null} jobId */
  function peekNoCors(jobId) {
    const active = faults.list();
    const rule =
      (jobId !== null ? active.find((r) => r.jobId === jobId) : undefined) ?? active.find((r) => r.jobId === null);
    return rule?.mode === 'no_cors' ? rule : null;
  }

  server.listen(port, host);
  await once(server, 'listening');
  return {
    url: urlOf(server.address(), host),
    /** Requests seen per object key since start or the last reset. */
    requests() {
      return Object.fromEntries(
        [...counts].map(([k, v]) => [k, { jobId: v.jobId, total: v.total, methods: { ...v.methods }, log: [...v.log] }]),
      );
    },
    resetRequests() {
      counts.clear();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
