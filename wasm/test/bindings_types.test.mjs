// Every binding of both modules has its types registered: the module registers embind's built-in
// types itself (bindings/builtin_types.cc, only those the bindings pass), and a binding whose
// argument or result type is missing stays embind's placeholder, which throws UnboundTypeError
// when called. Called with no arguments, a bound function throws BindingError (wrong argument
// count) or, taking none, runs; a placeholder throws UnboundTypeError.
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
    // Embind's bindings are the module's own function properties; a checked build (ASSERTIONS) adds
    // runtime stubs there that abort when called, which count as neither.
    const functions = Object.keys(module).filter(
      (key) => typeof module[key] === 'function' && !key.startsWith('_') && !key.endsWith('Error') && key !== 'run',
    );
    const unbound = [];
    let bound = 0;
    for (const key of functions) {
      try {
        module[key]();
        bound += 1;
      } catch (error) {
        if (error instanceof module.UnboundTypeError) unbound.push(`${key}: ${error.message}`);
        else if (error instanceof module.BindingError) bound += 1;
      }
    }
    assert.ok(bound > 0, `${what}: no binding answered`);
    assert.deepEqual(unbound, []);
  });
}
