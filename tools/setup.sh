#!/usr/bin/env bash
# Installs what the project needs on a Debian 12 machine, then the npm workspaces.
# Idempotent and quiet when everything is already there; every README command calls it first.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages and a file each one provides (what we test for before installing).
declare -A wanted=(
  [emscripten]=/usr/bin/emcc
  [nlohmann-json3-dev]=/usr/include/nlohmann/json.hpp
  [cmake]=/usr/bin/cmake
  [g++]=/usr/bin/g++
  [clang]=/usr/bin/clang++
  [libclang-rt-14-dev]=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
  [libgtest-dev]=/usr/include/gtest/gtest.h
  [googletest]=/usr/src/googletest/googletest/src/gtest-all.cc
  [chromium]=/usr/bin/chromium
)
missing=()
for pkg in "${!wanted[@]}"; do
  [[ -e "${wanted[$pkg]}" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  IFS=$'\n' missing=($(sort <<<"${missing[*]}")); unset IFS
  if [[ $(id -u) -ne 0 ]]; then
    echo "job-detail setup: missing Debian packages. Run as root, then retry:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "job-detail setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lockfile. npm writes its own record
# of what it installed (node_modules/.package-lock.json) on every install, so an `npm install` by
# a developer counts as up to date too.
installed=node_modules/.package-lock.json
if [[ ! -f $installed || package-lock.json -nt $installed ]]; then
  echo "job-detail setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
