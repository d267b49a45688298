#!/usr/bin/env bash
# The runtime-checked builds, each in its own build directory:
#   bash tools/sanitize.sh asan          native GoogleTest suite under ASan + UBSan (preset `asan`)
#   bash tools/sanitize.sh wasm-checked  the package tests (node --test wasm/test/) once against a
#                                        wasm module built with -sASSERTIONS=2 -sSAFE_HEAP=1
#                                        -sSTACK_OVERFLOW_CHECK=2 (JOB_DETAIL_WASM_CHECKED=ON)
# wasm-checked copies the package (package.json, bin, dist, test) to build/wasm-checked/root/wasm
# and replaces its glue and .wasm with the checked ones: the tests import `@jobdash/job-detail`,
# which resolves to that copy by package self-reference, and read ../dist relative to
# themselves, so they run unchanged; other imports resolve through the repository's node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:?usage: sanitize.sh asan|wasm-checked}" in
  asan)
    bash tools/build.sh asan
    # halt_on_error: UBSan findings fail the test instead of scrolling by.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ctest --preset asan
    ;;
  wasm-checked)
    bash tools/build.sh wasm  # the TypeScript facade in wasm/dist, shared with the normal build
    out=build/wasm-checked/out
    # The copy sits at <root>/wasm like the package in the repository, with <root>/tests and
    # <root>/bench linked to the repository's, <root>/../shared to the corpora beside the project and <root>/build/native
# to its native build (the CLI contract test reads
# ../../tests/cli and runs ../../build/native/job-detail from its folder).
    root=build/wasm-checked/root
    pkg=$root/wasm
    NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B build/wasm-checked -DCMAKE_BUILD_TYPE=Release \
      -DJOB_DETAIL_BUILD_TESTS=OFF -DJOB_DETAIL_WASM_CHECKED=ON -DJOB_DETAIL_WASM_OUT="$PWD/$out" >/dev/null
    cmake --build build/wasm-checked -j2 --target job_detail_wasm job_detail_cli 2>&1 |
      grep -Ev '^\[ *[0-9]+%\]|^(Consolidate|Scanning|Built target)|^g?make(\[[0-9]+\])?: (Entering|Leaving)' || true
    rm -rf "$root"
    mkdir -p "$pkg"
    ln -s ../../../tests "$root/tests"
    ln -s ../../../bench "$root/bench"  # the package tests that check the bench's own generator
    # The corpus beside the project (../shared) is where the copied tests look for it, two levels up.
    ln -sfn ../../../shared build/wasm-checked/shared
    mkdir -p "$root/build"
    ln -s ../../../../build/native "$root/build/native"  # the CLI contract compares with the native CLI
    cp -R wasm/package.json wasm/bin wasm/dist wasm/test "$pkg/"
    cp "$out/job_detail_wasm.wasm" "$out/job_detail_cli.wasm" "$pkg/dist/"
    # The glue targets web and worker (as in the package); the tests run it in node as a web-like
    # host, as they do the normal glue. ASSERTIONS=2 adds two environment guards that refuse node
    # outright: drop exactly those two statements, keep every other check (SAFE_HEAP, stack
    # cookies, the remaining assertions). A glue that does not contain them once each fails here.
    for module in job_detail_wasm job_detail_cli; do
      node - "$out/$module.mjs" "$pkg/dist/$module.mjs" <<'JS'
const fs = require('node:fs');
const [from, to] = process.argv.slice(2);
let glue = fs.readFileSync(from, 'utf8');
for (const guard of [
  /assert\(!ENVIRONMENT_IS_NODE,"[^"]*"\);/g,
  /else\{throw new Error\("environment detection error"\)\}/g,
]) {
  const found = glue.match(guard) ?? [];
  if (found.length !== 1) throw new Error(`expected one ${guard} in the checked glue, found ${found.length}`);
  glue = glue.replace(guard, '');
}
fs.writeFileSync(to, glue);
JS
      # Proof that the copy runs the checked module: SAFE_HEAP's glue defines SAFE_HEAP_LOAD.
      grep -q SAFE_HEAP "$pkg/dist/$module.mjs" || { echo "not a checked build" >&2; exit 1; }
    done
    (cd "$pkg" && node --test test/)
    ;;
  *)
    echo "sanitize.sh: unknown family '$1' (asan, wasm-checked)" >&2
    exit 2
    ;;
esac
