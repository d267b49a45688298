// A fault-injecting HTTP proxy in front of the S3 stand-in. Presigned URLs name this proxy's
// host, so the browser's direct S3 fetches pass here: faults are served the way S3 serves them
// (XML error bodies, CORS headers on errors, request ids), and every request is counted per
// object so tests can assert how many attempts a client made.
import http from 'node:http';
import { once } from 'node:events';
import { allowOriginFor, EXPOSED_HEADERS, urlOf } from './storage.js';

const ERRORS = /** @type {const} */ ({
  expired: { status: 403, code: 'AccessDenied', message: 'Request has expired' },
  forbidden: { status: 403, code: 'AccessDenied', message: 'Access Denied' },
  not_found: { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' },
  server_error: { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  storm503: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
});
const LOG_LIMIT = 500;
// truncated: what is sent and flushed before the rest of the cut body, and the pause between.
const TRUNCATED_FIRST_PART_BYTES = 16 * 1024;
const TRUNCATED_PAUSE_MS = 100;

/** @param {string} text */
function xmlEscape(text) {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

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
 */

/** @param {ProxyOptions} options */
export async function startS3Proxy({ host, port, upstreamUrl, bucket, corsOrigins, faults }) {
  const upstream = new URL(upstreamUrl);
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

  /** @param {string} pathname */
  function objectOf(pathname) {
    const prefix = `/${bucket}/`;
    const key = pathname.startsWith(prefix) ? decodeURIComponent(pathname.slice(prefix.length)) : pathname;
    const match = /^jobs\/([^/]+)\//.exec(key);
    return { key, jobId: match ? match[1] : null };
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {keyof typeof ERRORS} mode
   * @param {{method: string, origin: string | undefined, key: string, query: URLSearchParams}} request
   */
  function sendError(res, mode, request) {
    const error = ERRORS[mode];
    const requestId = (++requestSequence).toString(16).toUpperCase().padStart(16, '0');
    let extra = mode === 'expired' ? expiryDetails(request.query, new Date()) : '';
    if (mode === 'not_found') extra = `<Key>${xmlEscape(request.key)}</Key>`;
    const body = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>${error.code}</Code><Message>${error.message}</Message>${extra}` +
        `<RequestId>${requestId}</RequestId><HostId>jobdash-local-${requestId}</HostId></Error>`,
    );
    res.writeHead(error.status, {
      'Content-Type': 'application/xml',
      'Content-Length': body.byteLength,
      'x-amz-request-id': requestId,
      ...(mode === 'storm503' ? { 'Retry-After': '1' } : {}),
      ...corsFor(request.origin),
    });
    res.end(request.method === 'HEAD' ? undefined : body);
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {import('./faults.js').FaultRule | null} rule
   */
  function forward(req, res, rule) {
    const upstreamRequest = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (upstreamResponse) => {
        /** @type {Record<string, string | string[]>} */
        const headers = {};
        for (const [name, value] of Object.entries(upstreamResponse.headers)) {
          if (value === undefined) continue;
          if (rule?.mode === 'no_cors' && /^access-control-/i.test(name)) continue;
          headers[name] = value;
        }
        if (rule?.mode !== 'no_cors' && req.method !== 'OPTIONS') {
          const cors = corsFor(req.headers.origin);
          for (const [name, value] of Object.entries(cors)) {
            const existing = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
            if (name === 'Access-Control-Allow-Origin' && existing) continue;
            if (existing) delete headers[existing];
            headers[name] = value;
          }
        }
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
    req.pipe(upstreamRequest);
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

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const { key, jobId } = objectOf(url.pathname);
    const method = req.method ?? 'GET';
    let entry = counts.get(key);
    if (!entry) counts.set(key, (entry = { jobId, total: 0, methods: {}, log: [] }));
    entry.total += 1;
    entry.methods[method] = (entry.methods[method] ?? 0) + 1;
    const record = entry;
    /** @type {string | null} */
    let appliedFault = null;
    res.on('close', () => {
      record.log.push({ method, status: res.headersSent ? res.statusCode : 0, fault: appliedFault });
      if (record.log.length > LOG_LIMIT) record.log.shift();
    });

    // Preflights are answered from the bucket's CORS configuration, never from the object.
    const rule = method === 'GET' || method === 'HEAD' ? faults.take(jobId, req.url ?? '') : peekNoCors(jobId);
    appliedFault = rule?.mode ?? null;
    const request = { method, origin: req.headers.origin, key, query: url.searchParams };
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
      case 'no_cors':
        if (method === 'OPTIONS') {
          const body = Buffer.from(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>CORSResponse</Code>' +
              '<Message>CORS is not enabled for this bucket.</Message></Error>',
          );
          res.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': body.byteLength });
          res.end(body);
          return;
        }
        return forward(req, res, rule);
      default:
        return forward(req, res, rule);
    }
  });

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
