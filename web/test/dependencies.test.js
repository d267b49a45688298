// The production dependency set of the dashboard and backend: the local stand-ins (s3rver with
// its form parser and XML parser, dynalite) are development dependencies only, and the registry's
// audit lists the known advisories of what remains (skipped, saying why, when it cannot answer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Packages that exist for the local stand-ins and must never ship: s3rver, dynalite, and the
// vulnerable parsers s3rver brings (dicer: CVE-2022-24434; fast-xml-parser 3: prototype pollution).
const STAND_IN_ONLY = [/^s3rver$/, /^dynalite$/, /^dicer$/, /^busboy$/];
const STAND_IN_ONLY_VERSIONS = [{ name: 'fast-xml-parser', major: 3 }];

/**
 * The lockfile's packages (path -> entry).
 * @returns {Promise<Record<string, {version?: string, dev?: boolean, optional?: boolean, devOptional?: boolean}>>}
 */
async function lockedPackages() {
  const lock = JSON.parse(await readFile(`${ROOT}package-lock.json`, 'utf8'));
  return lock.packages;
}

/** @param {string} path  a lockfile key like node_modules/a/node_modules/b */
const nameOf = (path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

test('the stand-ins and their parsers are development dependencies only', async () => {
  const web = JSON.parse(await readFile(`${ROOT}web/package.json`, 'utf8'));
  for (const name of ['s3rver', 'dynalite']) {
    assert.equal(web.dependencies[name], undefined, `${name} is not a production dependency`);
    assert.match(web.devDependencies[name], /^\d+\.\d+\.\d+$/, `${name} is an exact-pinned dev dependency`);
  }
  assert.match(web.dependencies['@smithy/signature-v4'], /^\d+\.\d+\.\d+$/, 'the signer the proxy imports is pinned');
  const packages = await lockedPackages();
  /** @type {string[]} */
  const shipped = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (!path.includes('node_modules/') || entry.dev === true) continue;
    const name = nameOf(path);
    const major = Number((entry.version ?? '').split('.')[0]);
    if (STAND_IN_ONLY.some((pattern) => pattern.test(name)) || STAND_IN_ONLY_VERSIONS.some((v) => v.name === name && v.major === major)) {
      shipped.push(`${path}@${entry.version}`);
    }
  }
  assert.deepEqual(shipped, [], 'no stand-in package is in the production tree');
});

test('production dependencies with known advisories (npm audit --omit=dev)', async (t) => {
  /** @type {string} */
  let output;
  try {
    ({ stdout: output } = await promisify(execFile)('npm', ['audit', '--omit=dev', '--json', '--workspace', 'web'], { cwd: ROOT, timeout: 90_000, maxBuffer: 32 << 20 }));
  } catch (error) {
    // npm audit exits 1 when it finds advisories (a report on stdout) and when it cannot ask.
    output = /** @type {{stdout?: string}} */ (error).stdout ?? '';
  }
  /** @type {{vulnerabilities?: Record<string, {severity: string, range: string, via: (string | {title: string, url: string})[]}>, message?: string}} */
  let report;
  try {
    report = JSON.parse(output);
  } catch {
    t.skip(`the registry's audit could not be reached (npm audit printed no JSON report)`);
    return;
  }
  if (report.vulnerabilities === undefined) {
    t.skip(`the registry's audit could not be reached: ${report.message ?? 'no report'}`);
    return;
  }
  const listed = Object.entries(report.vulnerabilities).map(([name, v]) => ({
    name,
    severity: v.severity,
    range: v.range,
    advisories: v.via.map((via) => (typeof via === 'string' ? `via ${via}` : `${via.title} (${via.url})`)),
  }));
  console.log(`# production dependencies with known advisories: ${listed.length === 0 ? 'none' : ''}`);
  for (const entry of listed) console.log(`#   ${entry.name} (${entry.severity}, ${entry.range}): ${entry.advisories.join('; ')}`);
  const standIns = listed.filter((entry) => STAND_IN_ONLY.some((pattern) => pattern.test(entry.name)) || entry.name === 'fast-xml-parser');
  assert.deepEqual(standIns, [], 'no advisory comes from a stand-in package');
});
