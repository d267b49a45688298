#!/usr/bin/env bash
# Builds one target family: `native` (g++ core, CLI, GoogleTest), `asan`, `wasm` (core + Embind ->
# wasm/dist, then the TypeScript facade), `pass-profile` (the bench's profile program, wasm) or
# `wasm-tests` (the GoogleTest suite as wasm for node).
# Incremental: reruns are cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

# Keep warnings and errors, drop make's progress chatter (pipefail keeps the build's status).
quiet() { grep -Ev '^\[ *[0-9]+%\]|^(Consolidate|Scanning|Built target)|^make(\[[0-9]+\])?: (Entering|Leaving)' || true; }

case "${1:?usage: build.sh native|asan|wasm|pass-profile|wasm-tests}" in
  native | asan)
    [[ -f build/$1/CMakeCache.txt ]] || cmake --preset "$1" >/dev/null
    cmake --build --preset "$1" 2>&1 | quiet
    ;;
  wasm)
    [[ -f build/wasm/CMakeCache.txt ]] || NODE_PATH=/usr/share/nodejs emcmake cmake --preset wasm >/dev/null
    cmake --build --preset wasm 2>&1 | quiet
    # The symbol map (function index -> name, for the bench's size breakdown) is not shipped.
    for module in job_detail_wasm job_detail_cli; do
      if [[ -f wasm/dist/$module.mjs.symbols ]]; then mv -f "wasm/dist/$module.mjs.symbols" "build/wasm/$module.symbols"; fi
    done
    npx tsc -p wasm/tsconfig.json
    # The glues' hand-written types, next to the glues.
    cp wasm/src/job_detail_wasm.d.mts wasm/src/job_detail_cli.d.mts wasm/dist/
    ;;
  pass-profile)
    # The bench's pass-by-pass profile, built for wasm beside the module (bench/native).
    [[ -f build/wasm/CMakeCache.txt ]] || NODE_PATH=/usr/share/nodejs emcmake cmake --preset wasm >/dev/null
    cmake --build --preset wasm --target pass_profile 2>&1 | quiet
    ;;
  wasm-tests)
    # The GoogleTest suite compiled to wasm and run by node: the core as browsers run it.
    [[ -f build/wasm-tests/CMakeCache.txt ]] || NODE_PATH=/usr/share/nodejs emcmake cmake --preset wasm-tests >/dev/null
    cmake --build --preset wasm-tests 2>&1 | quiet
    ;;
  *)
    echo "build.sh: unknown target '$1' (native, asan, wasm, pass-profile, wasm-tests)" >&2
    exit 2
    ;;
esac
