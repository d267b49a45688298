// Step outputs shown like a careful mail client shows HTML mail, proven in Chromium with every host
// name mapped to one loopback listener (`--host-resolver-rules`): the hostile demo job's outputs
// (images, CSS url() and imports, fonts, srcset, preconnect / dns-prefetch / prefetch links,
// nested frames, <base>, meta refresh, forms, SVG, links) make no request of any kind, neither a
// connection to the listener nor a host name in Chromium's net log; "Load remote content" then
// loads that output's https images (and its styles and fonts) and nothing else; a link opens in a
// new tab only after the user confirmed its full address.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { Duplex } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HOSTILE_HTML } from '../../web/backend/step-generator.js';
import { ARTIFACTS, launchBrowser, startStack, waitSettled } from './stack.js';

const JOB = 'job-hostile-html';
const DOMAIN = 'remote.example';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

// What step 1 may load once its remote content is allowed: https images, stylesheets and fonts.
const IMAGE_HOSTS = ['image', 'srcset', 'picture'].map((name) => `${name}.${DOMAIN}`);
const ALLOWED_HOSTS = new Set([
  ...IMAGE_HOSTS,
  ...['css-image', 'inline-style', 'body-background', 'svg-image', 'svg-xlink', 'input-image', 'sheet', 'import', 'font'].map(
    (name) => `${name}.${DOMAIN}`,
  ),
]);

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** @type {string} */
let scratch;

/**
 * The server name a TLS ClientHello asks for (its SNI extension), or null.
 * @param {Buffer} hello
 */
function serverName(hello) {
  try {
    let at = 5 + 4 + 2 + 32; // record header, handshake header, version, random
    at += 1 + hello[at]; // session id
    at += 2 + hello.readUInt16BE(at); // cipher suites
    at += 1 + hello[at]; // compression methods
    const end = at + 2 + hello.readUInt16BE(at);
    at += 2;
    while (at + 4 <= end) {
      const type = hello.readUInt16BE(at);
      const length = hello.readUInt16BE(at + 2);
      if (type === 0) return hello.toString('latin1', at + 9, at + 9 + hello.readUInt16BE(at + 7));
      at += 4 + length;
    }
  } catch {}
  return null;
}

/**
 * A stream that yields `first` and then the rest of `socket` (TLS reads a socket's handle directly,
 * so bytes already read cannot be handed back with unshift()).
 * @param {import('node:net').Socket} socket
 * @param {Buffer} first
 */
function replay(socket, first) {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, callback) {
      socket.write(chunk, encoding, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(first);
  socket.on('data', (chunk) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
}

/**
 * Connections Chromium makes for itself whatever the page does (component updater, network time,
 * account check: Google's service hosts, which no output here names), told apart by their server
 * name. Every other connection is the page's.
 */
const CHROMIUM_SERVICES = /(^|\.)(googleapis\.com|google\.com|gvt1\.com|gstatic\.com)$/;

/**
 * The one place every mapped host name leads: TLS connections are answered by an https server
 * (any certificate: Chromium runs with --ignore-certificate-errors), plain ones by an http server.
 * Every connection and every request is recorded.
 */
function startListener(/** @type {{key: Buffer, cert: Buffer}} */ tls) {
  /** @type {{connections: {tls: boolean, host: string | null}[], requests: {host: string, path: string, secure: boolean, referer: string | null}[]}} */
  const seen = { connections: [], requests: [] };
  /** @type {Set<() => void>} */
  const waiters = new Set();
  /** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response @param {boolean} secure */
  function answer(request, response, secure) {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    seen.requests.push({ host, path: request.url ?? '', secure, referer: request.headers.referer ?? null });
    for (const waiter of waiters) waiter();
    const path = request.url ?? '';
    if (path.endsWith('.png')) response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else if (path.endsWith('.css')) response.writeHead(200, { 'content-type': 'text/css' }).end('h1 { letter-spacing: 0.01em; }');
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>remote</title><p>remote page</p>');
  }
  const https = createHttpsServer(tls, (request, response) => answer(request, response, true));
  const http = createHttpServer((request, response) => answer(request, response, false));
  const server = createNetServer((socket) => {
    socket.once('data', (first) => {
      socket.pause();
      const isTls = first[0] === 0x16;
      const host = isTls ? serverName(first) : (/^host:\s*([^\s:]+)/im.exec(first.toString('latin1'))?.[1] ?? null);
      seen.connections.push({ tls: isTls, host });
      for (const waiter of waiters) waiter();
      if (isTls) {
        https.emit('connection', replay(socket, first));
      } else {
        socket.unshift(first);
        http.emit('connection', socket);
        socket.resume();
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({
        port,
        seen,
        /** Resolves once `check()` holds (checked on every connection and request). */
        until(/** @type {() => boolean} */ check) {
          return new Promise((done) => {
            const waiter = () => {
              if (!check()) return;
              waiters.delete(waiter);
              done(undefined);
            };
            waiters.add(waiter);
            waiter();
          });
        },
        hosts: () => new Set(seen.requests.map((request) => request.host).filter((host) => !CHROMIUM_SERVICES.test(host))),
        /** Connections not made by Chromium for itself. */
        pageConnections: () => seen.connections.filter((connection) => connection.host === null || !CHROMIUM_SERVICES.test(connection.host)),
        close: () => new Promise((done) => server.close(() => done(undefined))),
      });
    });
  });
}

/** Chromium with every host name but the stack's own mapped to the listener, and a net log. */
async function launchMapped(/** @type {number} */ port, /** @type {string} */ netLog) {
  return launchBrowser([
    // Chromium's own background services stay quiet, so that every connection is the page's.
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--disable-features=OptimizationHints,MediaRouter,DialMediaRouteProvider,Translate,CertificateTransparencyComponentUpdater,AutofillServerCommunication,InterestFeedContentSuggestions',
    '--no-pings',
    '--no-first-run',
    '--metrics-recording-only',
    `--host-resolver-rules=MAP * 127.0.0.1:${port}, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
    '--ignore-certificate-errors',
    `--log-net-log=${netLog}`,
    '--net-log-capture-mode=Default',
  ]);
}

/**
 * The framed document holds no address anything could load or navigate to, and no script but the
 * dashboard's link handler.
 * @param {import('playwright-core').Frame} frame
 */
async function assertInert(frame) {
  const leftovers = await frame.evaluate(() =>
    [...document.querySelectorAll('*')].flatMap((element) =>
      [...element.attributes]
        .filter((attribute) => /^(src|srcset|href|action|formaction|poster|background|data|ping|srcdoc)$/i.test(attribute.localName))
        .filter((attribute) => !(attribute.localName === 'src' && attribute.value.startsWith('data:image/')))
        .map((attribute) => `${element.localName}[${attribute.name}=${attribute.value}]`),
    ),
  );
  assert.deepEqual(leftovers, []);
  assert.equal(await frame.locator('iframe, object, embed, base, video, audio, link, noscript, template, meta[http-equiv=refresh]').count(), 0);
  assert.equal(await frame.evaluate(() => document.querySelectorAll('script').length), 1, "only the dashboard's link handler");
}

/**
 * The loaded content frame of the iframe `locator` finds. React replaces the iframe when the
 * remote-content choice changes (it is the element's key) and when another step opens, so the
 * element found may be detached before its frame is read or loaded: it is looked up again.
 * @param {import('playwright-core').Locator} locator
 */
async function liveFrame(locator) {
  for (let attempt = 1; ; attempt++) {
    const frame = await (await locator.elementHandle())?.contentFrame();
    if (frame && !frame.isDetached()) {
      try {
        await frame.waitForLoadState('load');
        if (!frame.isDetached()) return frame;
      } catch (error) {
        if (!frame.isDetached()) throw error;
      }
    }
    assert.ok(attempt < 100, 'the output frame kept being replaced');
    await locator.page().waitForTimeout(50);
  }
}

/**
 * Opens step `number` and gives back its output's frame. Everything is looked up inside that
 * step's row: the output of the step open before may still be on the page for a moment.
 * @param {import('playwright-core').Page} page @param {string} number
 */
async function openStep(page, number) {
  const row = page.locator(`[data-testid=step-row][data-step-number="${number}"]`);
  await row.locator('button').first().click();
  await row.locator('[data-testid=step-output]').waitFor();
  return liveFrame(row.locator('[data-testid=step-output-frame]'));
}

/**
 * Opens the hostile job in a Chromium whose every host name leads to a fresh listener, runs
 * `body`, closes both, and gives back what the listener saw and Chromium's net log.
 * @param {string} name
 * @param {(opened: {context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, listener: any}) => Promise<void>} body
 */
async function withHostileJob(name, body) {
  const listener = await startListener({ key: readFileSync(join(scratch, 'key.pem')), cert: readFileSync(join(scratch, 'cert.pem')) });
  const netLog = join(scratch, `${name}.netlog.json`);
  const browser = await launchMapped(listener.port, netLog);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${stack.origin}/dashboard/jobs/${JOB}`);
    await waitSettled(page);
    await body({ context, page, listener });
    await context.close();
  } finally {
    await browser.close();
    await listener.close();
  }
  return { listener, log: readFileSync(netLog, 'utf8') };
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'jobdash-isolation-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${DOMAIN}`,
    '-addext', `subjectAltName=DNS:*.${DOMAIN}`, '-keyout', join(scratch, 'key.pem'), '-out', join(scratch, 'cert.pem'),
  ], { stdio: 'ignore' });
  stack = await startStack({ env: { JOBDASH_RUNNING_INTERVAL_MS: '0' } });
});

after(async () => {
  const result = await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (result) assert.ok(result.code === 130 || result.code === 0 || result.signal === 'SIGINT', `start.sh ended with ${JSON.stringify(result)}`);
});

describe('hostile outputs', () => {
  test('displayed, they make no request of any kind: no connection, no host name in the net log, no navigation', async () => {
    const { listener, log } = await withHostileJob('blocked', async ({ context, page }) => {

      const frame = await openStep(page, '1');
      const bar = page.locator('[data-testid=remote-blocked]');
      assert.match((await bar.textContent()) ?? '', /Remote content in this output is blocked \(\d+ items\)/);
      // src ×2, srcset ×2, input image, body background, SVG image ×2, stylesheet, CSS url() ×4.
      assert.equal(await bar.getAttribute('data-remote-items'), '13');
      await assertInert(frame);
      assert.equal(await frame.locator('#inline').evaluate((image) => /** @type {HTMLImageElement} */ (image).naturalWidth), 1, 'data: images show');
      await page.screenshot({ path: `${ARTIFACTS}/hostile-blocked.png`, fullPage: true });

      // A link: the full address, and nothing opens or navigates until confirmed; Cancel keeps it so.
      await frame.locator('#remote-link').click();
      const confirm = page.locator('[data-testid=link-confirm]');
      await confirm.waitFor();
      assert.equal(await page.locator('[data-testid=link-confirm-url]').textContent(), `https://link.${DOMAIN}/report?id=42&from=output`);
      await page.locator('[data-testid=link-cancel]').click();
      await confirm.waitFor({ state: 'detached' });
      // A fragment link scrolls within the output; the form cannot be sent.
      await frame.locator('#fragment-link').click();
      await frame.waitForFunction(() => window.scrollY > 0);
      await frame.locator('#send').click();
      assert.equal(frame.url(), 'about:srcdoc', 'the frame never navigated');
      assert.equal(context.pages().length, 1, 'no tab opened');

      // The other outputs, and the original bytes in the source view and the clipboard.
      const tricks = await openStep(page, '3');
      await assertInert(tricks);
      await tricks.locator('#js-link').click();
      await confirm.waitFor();
      assert.match((await confirm.textContent()) ?? '', /^This link is not a web address and cannot be opened from here: javascript:/);
      assert.equal(await page.locator('[data-testid=link-open]').count(), 0);
      await page.locator('[data-testid=link-cancel]').click();
      await assertInert(await openStep(page, '2'));
      await page.locator('[data-testid=remote-blocked]').waitFor();
      await page.getByRole('button', { name: 'Source', exact: true }).click();
      assert.match((await page.locator('[data-testid=step-output-source]').textContent()) ?? '', /other-image\.remote\.example\/o\.png/);
      await openStep(page, '1');
      await page.getByRole('button', { name: 'Source', exact: true }).click();
      assert.equal(await page.locator('[data-testid=step-output-source]').textContent(), HOSTILE_HTML);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.origin });
      await page.locator('[data-testid=copy-output]').click();
      await page.locator('[data-testid=copy-output]', { hasText: 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), HOSTILE_HTML, 'Copy gives the original bytes');
    });
    assert.deepEqual(listener.pageConnections(), [], 'no connection of the page reached the listener');
    assert.ok(log.includes(new URL(stack.origin).host), 'the net log recorded the page itself');
    assert.equal(log.match(/[a-z-]*\.remote\.example/g), null, 'no remote host name was resolved, connected to or requested');
  });

  test('"Load remote content" loads the https images, styles and fonts of that output only; a confirmed link opens in a new tab', async () => {
    const { listener, log } = await withHostileJob('allowed', async ({ context, page, listener: live }) => {
      await openStep(page, '1');
      await page.locator('[data-testid=load-remote]').click();
      await page.locator('[data-testid=remote-allowed]').waitFor();
      const frame = await liveFrame(page.locator('[data-testid=step-output-frame][data-remote=allowed]'));
      await live.until(() => IMAGE_HOSTS.every((host) => live.hosts().has(host)));
      for (const id of ['pixel', 'responsive', 'picture']) {
        await frame.waitForFunction((selector) => /** @type {HTMLImageElement | null} */ (document.querySelector(selector))?.naturalWidth === 1, `#${id}`);
      }
      assert.equal(await frame.locator('#insecure').getAttribute('src'), null, 'http images stay blocked');
      await page.screenshot({ path: `${ARTIFACTS}/hostile-remote-loaded.png`, fullPage: true });

      // Step 2 keeps its remote content blocked.
      await openStep(page, '2');
      await page.locator('[data-testid=remote-blocked]').waitFor();
      assert.equal(await page.locator('[data-testid=step-output-frame]').getAttribute('data-remote'), 'blocked');

      // A confirmed link opens in a new tab, without an opener or a referrer; the frame stays put.
      const linkFrame = await openStep(page, '1');
      await linkFrame.locator('#remote-link').click();
      const [popup] = await Promise.all([context.waitForEvent('page'), page.locator('[data-testid=link-open]').click()]);
      await popup.waitForLoadState('load');
      assert.equal(popup.url(), `https://link.${DOMAIN}/report?id=42&from=output`);
      assert.equal(await popup.evaluate(() => window.opener), null);
      assert.equal(linkFrame.url(), 'about:srcdoc');
      const opened = live.seen.requests.find((/** @type {{host: string}} */ request) => request.host === `link.${DOMAIN}`);
      assert.ok(opened);
    });
    const requested = [...listener.hosts()];
    const stray = requested.filter((host) => !ALLOWED_HOSTS.has(host) && host !== `link.${DOMAIN}`);
    assert.deepEqual(stray, [], `only step 1's https images, styles and fonts (and the confirmed link): ${requested.join(', ')}`);
    const pageRequests = listener.seen.requests.filter((request) => !CHROMIUM_SERVICES.test(request.host));
    assert.ok(pageRequests.every((request) => request.secure), 'nothing over plain http');
    // The opened page's own requests (its favicon) are its business; the output's and the link's carry no Referer.
    const fromDashboard = pageRequests.filter((request) => ALLOWED_HOSTS.has(request.host) || request.path.startsWith('/report'));
    assert.ok(fromDashboard.length >= IMAGE_HOSTS.length + 1);
    assert.deepEqual(fromDashboard.filter((request) => request.referer !== null), [], 'no request says where it came from');
    assert.deepEqual(
      listener.pageConnections().filter((connection) => !connection.tls || !ALLOWED_HOSTS.has(connection.host ?? '') && connection.host !== `link.${DOMAIN}`),
      [],
      'no other connection (preconnect, prefetch, frames, http images)',
    );
    assert.ok(log.includes(`image.${DOMAIN}`), 'the net log sees what the page loads');
    assert.doesNotMatch(log, /other-(image|css)\.remote\.example|preconnect\.remote|dns-prefetch\.remote|frame\.remote|refresh\.remote|base\.remote/);
  });
});
