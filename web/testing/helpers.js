// Shared by web/test/*.test.js (kept outside web/test/ so `node --test web/test/` does not run it).
import http from 'node:http';
import net from 'node:net';
import { startBackend } from '../backend/start-backend.js';

export const DASHBOARD_ORIGIN = 'http://dashboard.test:3000';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * A local backend on ephemeral ports, isolated from the caller's AWS variables.
 * @param {import('../backend/config.js').BackendOptions} [options]
 */
export function startTestBackend(options = {}) {
  return startBackend(
    { port: 0, s3Port: 0, corsOrigins: [DASHBOARD_ORIGIN], runningIntervalMs: 0, ...options },
    {},
  );
}

/**
 * @param {{apiUrl: string}} backend
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function admin(backend, method, path, body) {
  const response = await fetch(`${backend.apiUrl}${path}`, {
    method,
    // Admin requests that change state must be JSON, even without a body.
    headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** @param {{apiUrl: string}} backend @param {string} jobId */
export async function fetchJob(backend, jobId) {
  const response = await fetch(`${backend.apiUrl}/api/jobs/${encodeURIComponent(jobId)}`);
  if (response.status !== 200) throw new Error(`GET job ${jobId}: ${response.status}`);
  return /** @type {Record<string, any>} */ (await response.json());
}

/**
 * A GET that reports what arrived even when the connection breaks (fetch hides that).
 * @param {string} url
 * @param {Record<string, string>} [headers]
 * @param {string} [method]
 * @returns {Promise<{status: number | null, headers: import('node:http').IncomingHttpHeaders, body: Buffer, chunks: number, error: string | null}>}
 */
export function rawRequest(url, headers = {}, method = 'GET') {
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    const request = http.request(url, { method, headers, agent: false }, (response) => {
      response.on('data', (chunk) => chunks.push(chunk));
      const finish = (/** @type {string | null} */ error) =>
        resolve({ status: response.statusCode ?? null, headers: response.headers, body: Buffer.concat(chunks), chunks: chunks.length, error });
      response.on('end', () => finish(null));
      response.on('aborted', () => finish('aborted'));
      response.on('error', (error) => finish(error.message));
    });
    request.on('error', (error) => resolve({ status: null, headers: {}, body: Buffer.alloc(0), chunks: 0, error: error.message }));
    request.end();
  });
}

/**
 * Writes `raw` bytes to the server of `url` (requests an HTTP client would refuse to build) and
 * reads until the server closes or `timeoutMs` passes; the status and body of the first answer.
 * @param {string} url
 * @param {string | Buffer} raw
 * @param {number} [timeoutMs]
 * @returns {Promise<{status: number | null, head: string, body: string, error: string | null}>}
 */
export function rawExchange(url, raw, timeoutMs = 5_000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    /** @param {string | null} error */
    function finish(error) {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: status ? Number(status[1]) : null, head, body: split < 0 ? '' : text.slice(split + 4), error });
    }
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish(null));
    socket.on('error', (error) => finish(error.message));
    socket.on('connect', () => socket.write(raw));
  });
}

/** @param {string} xml @param {string} tag */
export function xmlValue(xml, tag) {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match ? match[1] : null;
}
