#!/usr/bin/env bash
# Package test: `npm pack` the built @jobdash/job-detail, install the tarball into a scratch project
# and use it (a) from plain Node ESM, (b) in a `vite build`, (c) in a `next build` App Router page,
# with no bundler configuration for this package. Slow (installs + two production builds): run it
# on its own, after `bash tools/build.sh wasm`. Offline after the first run (npm cache).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scratch=${JD_PACKAGE_SCRATCH:-${TMPDIR:-/tmp}/jd-package-test}
versions_react=19.3.1
versions_vite=8.4.0
versions_next=16.4.6

step() { printf '\n== %s\n' "$*"; }

[[ -f $root/wasm/dist/job_detail_wasm.wasm ]] || { echo "build the package first: bash tools/build.sh wasm" >&2; exit 2; }

step "pack"
rm -rf "$scratch" && mkdir -p "$scratch/app"
tarball=$(cd "$root/wasm" && npm pack --silent --pack-destination "$scratch")
echo "$tarball ($(du -h "$scratch/$tarball" | cut -f1))"

step "install into a scratch project (npm cache first)"
cp -r "$here/fixture/." "$scratch/app/"
cd "$scratch/app"
cat >package.json <<JSON
{
  "name": "jd-package-test",
  "private": true,
  "type": "module",
  "dependencies": {
    "@jobdash/job-detail": "file:../$tarball",
    "react": "$versions_react",
    "react-dom": "$versions_react",
    "vite": "$versions_vite",
    "next": "$versions_next"
  }
}
JSON
npm install --prefer-offline --no-audit --no-fund --loglevel=error

step "(a) plain Node ESM import"
node node-smoke.mjs

step "(b) vite build"
npx vite build vite --logLevel warn --outDir ../vite-dist --emptyOutDir
ls vite-dist/assets | grep -q '\.wasm$' || { echo "vite build emitted no .wasm asset" >&2; exit 1; }
grep -lq 'job_detail_wasm' vite-dist/assets/*.js || { echo "vite bundle does not reference the wasm asset" >&2; exit 1; }
echo "vite: $(ls vite-dist/assets | tr '\n' ' ')"

step "(c) next build (App Router)"
(cd next-app && ln -sfn ../node_modules node_modules && NEXT_TELEMETRY_DISABLED=1 npx next build 2>&1 | tail -n 25)
find next-app/.next/static -name '*.wasm' | grep -q . || { echo "next build emitted no .wasm asset" >&2; exit 1; }
echo "next: $(find next-app/.next/static -name '*.wasm' | head -n 3 | tr '\n' ' ')"

step "package test passed"
