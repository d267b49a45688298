// The CLI contract (tests/cli/contract.json) against the node CLI, and byte-for-byte equality with
// the native CLI when the native build is there (npm test builds it first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../../', import.meta.url));
const casesDir = `${root}tests/cli`;
const { cases } = JSON.parse(readFileSync(`${casesDir}/contract.json`, 'utf8'));
const nodeCli = [process.execPath, `${root}wasm/bin/job-detail.mjs`];
const nativeCli = `${root}build/native/job-detail`;

function run([command, ...prefix], testCase) {
  const result = spawnSync(command, [...prefix, ...testCase.args], {
    cwd: casesDir,
    input: testCase.stdin ? readFileSync(`${casesDir}/${testCase.stdin}`) : '',
  });
  return { exit: result.status, stdout: result.stdout.toString('utf8') };
}

for (const testCase of cases) {
  test(`node CLI: ${testCase.name}`, () => {
    const { exit, stdout } = run(nodeCli, testCase);
    assert.equal(exit, testCase.exit);
    if ('stdout' in testCase) assert.equal(stdout, testCase.stdout);
    else assert.ok(stdout.startsWith(testCase.stdout_prefix), stdout);
  });

  test(`node and native CLIs print the same bytes: ${testCase.name}`, (t) => {
    if (!existsSync(nativeCli)) {
      t.skip(`native CLI missing at ${nativeCli} (run npm run build:native)`);
      return;
    }
    assert.deepEqual(run(nodeCli, testCase), run([nativeCli], testCase));
  });
}
