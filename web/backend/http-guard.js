// What every local server puts in front of its routes, so that a page the user happens to open in
// the same browser can neither end the process nor steer the stack:
//  - `serveSafely`: a request handler whose throw or rejection becomes a 500 for that request only;
//  - `answerClientErrors`: what Node's HTTP parser refuses (bad escapes in the request line, unknown
//    methods, header sections over the limit) gets a typed 4xx instead of a bare close;
//  - `hostAllowed` (host-names.js): the Host header names this machine (localhost, 127.0.0.1,
//    [::1]) or a host the configuration lists, which defeats DNS rebinding;
//  - `refusesBrowserRequest`: stand-ins only the backend talks to refuse anything a browser sent.

import { hostAllowed } from './host-names.js';

export { LOOPBACK_HOST_NAMES, allowedHostNames, hostAllowed } from './host-names.js';

/**
 * @typedef {object} TypedError  what a server answers for a refused request
 * @property {number} status
 * @property {string} code
 * @property {string} message
 */

/**
 * @callback ErrorWriter  renders a typed error in the server's own dialect (JSON, S3 XML)
 * @param {TypedError} error
 * @returns {{contentType: string, body: Buffer}}
 */

/**
 * The media type of a Content-Type header, lower case, without parameters; '' when absent.
 * @param {string | undefined} header
 */
export function mediaType(header) {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Marks only browsers put on a request (Fetch Metadata, Origin): a request carrying one did not
 * come from the backend's SDK clients.
 * @param {import('node:http').IncomingHttpHeaders} headers
 */
export function sentByBrowser(headers) {
  return (
    headers.origin !== undefined ||
    headers['sec-fetch-site'] !== undefined ||
    headers['sec-fetch-mode'] !== undefined ||
    headers['sec-fetch-dest'] !== undefined
  );
}

/**
 * Writes a typed error unless the response already started (then the connection is dropped).
 * @param {import('node:http').ServerResponse} res
 * @param {TypedError} error
 * @param {ErrorWriter} render
 * @param {Record<string, string | number>} [headers]
 */
export function sendTypedError(res, error, render, headers = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { contentType, body } = render(error);
  res.writeHead(error.status, { ...headers, 'Content-Type': contentType, 'Content-Length': body.byteLength, 'Cache-Control': 'no-store' });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

/**
 * Wraps a request handler so that whatever it throws, synchronously or as a rejection, ends this
 * request with a 500 in the server's dialect and never reaches the process.
 * @param {string} name  for the log line
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => unknown} handler
 * @param {ErrorWriter} render
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
export function serveSafely(name, handler, render) {
  return (req, res) => {
    /** @param {unknown} error */
    const fail = (error) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error('[%s] %s %s failed: %s', name, req.method, req.url, message);
      try {
        sendTypedError(res, { status: 500, code: 'internal', message: 'internal error' }, render);
      } catch {
        res.destroy();
      }
    };
    // A request body nobody reads must not hold the socket; an aborted upload is not an error.
    req.on('error', () => {});
    res.on('error', () => {});
    try {
      const result = handler(req, res);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

/**
 * Answers what the HTTP parser refused (before any handler ran) with a typed 4xx, then closes.
 * @param {import('node:http').Server} server
 * @param {ErrorWriter} render
 */
export function answerClientErrors(server, render) {
  server.on('clientError', (/** @type {NodeJS.ErrnoException} */ error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    /** @type {TypedError} */
    const typed =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? { status: 431, code: 'header_too_large', message: 'request header section too large' }
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_HEADER_TIMEOUT'
          ? { status: 408, code: 'request_timeout', message: 'request not received in time' }
          : { status: 400, code: 'bad_request', message: 'malformed HTTP request' };
    const { contentType, body } = render(typed);
    const reason = typed.status === 431 ? 'Request Header Fields Too Large' : typed.status === 408 ? 'Request Timeout' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${typed.status} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.byteLength}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body.toString('utf8')}`,
    );
  });
}

/**
 * Puts `guard` and `serveSafely` in front of a server built by a library (the stand-ins): its
 * request listeners run only for the requests `guard` lets through, inside the same safety net.
 * @param {import('node:http').Server} server
 * @param {string} name
 * @param {(req: import('node:http').IncomingMessage) => TypedError | null} guard
 * @param {ErrorWriter} render
 */
export function guardLibraryServer(server, name, guard, render) {
  const listeners = /** @type {((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void)[]} */ (
    server.listeners('request')
  );
  server.removeAllListeners('request');
  server.on(
    'request',
    serveSafely(
      name,
      (req, res) => {
        const refused = guard(req);
        if (refused) {
          req.resume();
          sendTypedError(res, refused, render);
          return;
        }
        for (const listener of listeners) listener.call(server, req, res);
        // A library's own 'error' listener on the request may throw (dynalite rethrows a client's
        // disconnect): it runs inside a catch, and the request alone is dropped.
        for (const onError of req.listeners('error')) {
          req.removeListener('error', /** @type {(...args: any[]) => void} */ (onError));
          req.on('error', (/** @type {Error} */ error) => {
            try {
              onError.call(req, error);
            } catch {
              res.destroy();
            }
          });
        }
      },
      render,
    ),
  );
  answerClientErrors(server, render);
}

/**
 * The reason an object key is refused, or null: keys that could name a file outside s3rver's
 * directory (`.`/`..` segments, backslashes, NUL and other control characters, an absolute or
 * drive-letter form), checked on the key and on the key decoded once more.
 * @param {string} key  decoded
 */
export function unsafeKeyReason(key) {
  let again = key;
  try {
    again = decodeURIComponent(key);
  } catch {
    // Not a second encoding: the key is checked as it is.
  }
  for (const candidate of new Set([key, again])) {
    if (candidate === '') return 'the key is empty';
    if (/[\\\u0000-\u001f\u007f]/.test(candidate)) return 'the key holds a backslash, NUL or another control character';
    if (candidate.startsWith('/') || /^[A-Za-z]:/.test(candidate)) return 'the key has an absolute form';
    if (candidate.split('/').some((segment) => segment === '.' || segment === '..')) return "the key has a '.' or '..' segment";
  }
  return null;
}

/**
 * The guard of a stand-in: this machine's Host, no multipart body (the S3 stand-in's form
 * parser dies on malformed ones), a path without a way out of its directory. `backendOnly` (a
 * stand-in behind the backend, reached by its SDK clients alone) also demands a SigV4
 * `Authorization` header or query signature and refuses anything only browsers send.
 * @param {ReadonlySet<string>} hostNames
 * @param {{backendOnly: boolean, methods: readonly string[]}} options  `methods`: what its clients use
 * @returns {(req: import('node:http').IncomingMessage) => TypedError | null}
 */
export function standInGuard(hostNames, { backendOnly, methods }) {
  return (req) => {
    if (!hostAllowed(req.headers.host, hostNames)) return { status: 403, code: 'host_not_allowed', message: 'Host header not allowed' };
    if (!methods.includes(req.method ?? '')) return { status: 405, code: 'method_not_allowed', message: `${req.method} is not used by the backend` };
    if (mediaType(req.headers['content-type']).startsWith('multipart/')) {
      return { status: 415, code: 'unsupported_media_type', message: 'multipart bodies are refused' };
    }
    const path = (req.url ?? '').split('?')[0];
    let decoded;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return { status: 400, code: 'bad_request', message: 'the path is not valid percent-encoding' };
    }
    // The path of a stand-in request names a bucket and a key below it (s3rver maps it to files).
    const unsafe = decoded === '/' ? null : unsafeKeyReason(decoded.slice(1));
    if (!path.startsWith('/') || unsafe !== null) return { status: 400, code: 'bad_request', message: `path refused: ${unsafe ?? 'not a path'}` };
    if (!backendOnly) return null;
    if (sentByBrowser(req.headers)) return { status: 403, code: 'browser_request', message: 'this stand-in serves the backend only' };
    const signed = /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '') || /[?&]X-Amz-Signature=/.test(req.url ?? '');
    if (!signed) return { status: 403, code: 'unsigned_request', message: 'requests must be signed (SigV4)' };
    return null;
  };
}

/**
 * Typed errors as JSON `{"error": {code, message}}` (the API's dialect).
 * @type {ErrorWriter}
 */
export function jsonError({ code, message }) {
  return { contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify({ error: { code, message } })) };
}

/** @param {string} text */
export function xmlEscape(text) {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Typed errors as S3 XML (the S3 ports' dialect). S3's own codes pass through; ours map onto S3's.
 * @type {ErrorWriter}
 */
export function s3XmlError({ code, message }) {
  const s3Code =
    /** @type {Record<string, string>} */ ({
      header_too_large: 'RequestHeaderSectionTooLarge',
      method_not_allowed: 'MethodNotAllowed',
      request_timeout: 'RequestTimeout',
      bad_request: 'BadRequest',
      internal: 'InternalError',
      host_not_allowed: 'AccessDenied',
      browser_request: 'AccessDenied',
      unsigned_request: 'AccessDenied',
      unsupported_media_type: 'NotImplemented',
    })[code] ?? code;
  return {
    contentType: 'application/xml',
    body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(s3Code)}</Code><Message>${xmlEscape(message)}</Message></Error>`),
  };
}
