// The stack `npm start` runs (tools/start.sh: backend + `next start`), started on free ports for
// the browser tests, and a Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Screenshots of every page the tests visit: the test artifacts (build/ is not committed).
export const ARTIFACTS = process.env.JOBDASH_ARTIFACTS ?? `${ROOT}build/test-artifacts/browser`;

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `bash tools/start.sh` in its own process group and resolves once it printed the dashboard URL.
 * @param {{env?: Record<string, string>, args?: string[], timeoutMs?: number}} [options]  `args`: start.sh's, e.g. `--cloudfront`
 */
export async function startStack({ env = {}, args = [], timeoutMs = 240_000 } = {}) {
  const [port, apiPort, s3Port, cdnPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn('bash', ['tools/start.sh', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      JOBDASH_API_PORT: String(apiPort),
      JOBDASH_S3_PORT: String(s3Port),
      JOBDASH_CDN_PORT: String(cdnPort),
      // `npm test` ran tools/setup.sh already; the build steps still run when something is stale.
      JOBDASH_SKIP_SETUP: '1',
      ...env,
    },
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start.sh not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      output += chunk.toString();
      const dashboard = /Dashboard +(http:\/\/\S+)/.exec(output);
      const api = /API +(http:\/\/\S+)\/api\/jobs\n/.exec(output.slice(output.indexOf('Dashboard')));
      if (dashboard && api) {
        clearTimeout(timer);
        resolve({ dashboardUrl: dashboard[1].replace('localhost', '127.0.0.1'), apiUrl: api[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`start.sh exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  /** @type {{dashboardUrl: string, apiUrl: string}} */
  let urls;
  try {
    urls = await ready;
  } catch (error) {
    // Not ready in time: nobody gets a stop() for it, so the group goes now.
    try {
      process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
    } catch {}
    throw error;
  }
  const { dashboardUrl, apiUrl } = urls;
  const origin = new URL(dashboardUrl).origin;

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function admin(method, path, body) {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      // Admin requests that change state must be JSON, even without a body.
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  return {
    origin,
    apiUrl,
    s3Url: `http://127.0.0.1:${s3Port}`,
    cdnUrl: `http://127.0.0.1:${cdnPort}`,
    admin,
    output: () => output,
    /** Ctrl-C: SIGINT to the whole group, as a terminal sends it; SIGKILL if it lingers. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const pid = /** @type {number} */ (child.pid);
      try {
        process.kill(-pid, 'SIGINT');
      } catch {
        return exited;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
      }, 15_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    pid: child.pid,
  };
}

/** @param {string[]} [extraArgs]  more Chromium switches (host mapping, net log) */
export async function launchBrowser(extraArgs = []) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/**
 * Collects what a page and its frames report as Content-Security-Policy violations on the console.
 * @param {import('playwright-core').Page} page
 * @param {string[]} [into]
 */
export function collectCspViolations(page, into = []) {
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) into.push(`${page.url()}: ${message.text()}`);
  });
  return into;
}

/**
 * A page in a fresh browser context (1280x900 unless told), with its uncaught errors collected and
 * its CSP violations added to `cspViolations`.
 * @param {import('playwright-core').Browser} browser
 * @param {string[]} cspViolations
 * @param {{viewport?: {width: number, height: number}, isMobile?: boolean, permissions?: string[]}} [options]
 */
export async function newTestPage(browser, cspViolations, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    isMobile: options.isMobile,
    permissions: options.permissions ?? [],
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  collectCspViolations(page, cspViolations);
  return { context, page, errors };
}

/**
 * Waits until the job page has loaded the job and its list is final: whole, or partial with a reason.
 * @param {import('playwright-core').Page} page
 */
export async function waitSettled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('[data-testid=job-detail]');
    return (
      main?.getAttribute('data-fetching') === 'false' &&
      main.getAttribute('data-status') !== 'pending' &&
      main.getAttribute('data-steps') !== 'loading' &&
      !document.querySelector('[data-testid=download-progress]')
    );
  });
}
