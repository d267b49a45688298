// Every binding of both modules has its types registered: the module registers embind's built-in
// types itself (bindings/builtin_types.cc, only those the bindings pass), and a binding whose
// argument or result type is missing stays embind's placeholder, which throws UnboundTypeError
// when called. Called with no arguments, a bound function throws BindingError (wrong argument
// count) or, taking none, runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const modules = [
  ['job_detail_wasm', 'the browser module'],
  ['job_detail_cli', 'the CLI module'],
];

for (const [name, what] of modules) {
  test(`${what}: every binding is bound (no UnboundTypeError)`, async () => {
    const { default: create } = await import(`../dist/${name}.mjs`);
    const module = await create({ wasmBinary: readFileSync(new URL(`../dist/${name}.wasm`, import.meta.url)) });
    const bindings = Object.keys(module).filter(
      (key) => typeof module[key] === 'function' && !key.startsWith('_') && !key.endsWith('Error') && key !== 'run',
    );
    assert.ok(bindings.length > 0, `${what} exposes its bindings (found ${bindings.length})`);
    const unbound = [];
    for (const key of bindings) {
      try {
        module[key]();
      } catch (error) {
        if (!(error instanceof module.BindingError)) unbound.push(`${key}: ${error.name}: ${error.message}`);
      }
    }
    assert.deepEqual(unbound, []);
  });
}
