#!/usr/bin/env bash
# `npm test`: every test family, each built first. Runs them all even when one fails, then
# prints one line per family and a closing count; exits non-zero if any family failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1

# Each is `npm run test:<family>`; each builds what it needs first.
families=(native asan fuzz wasm-gtest wasm wasm-checked package web browser)

declare -A outcome
passed=0 failed=0
for family in "${families[@]}"; do
  echo "=== test:$family ==="
  start=$SECONDS
  if npm run --silent "test:$family"; then
    outcome[$family]="passed ($((SECONDS - start)) s)"; passed=$((passed + 1))
  else
    outcome[$family]="FAILED ($((SECONDS - start)) s)"; failed=$((failed + 1))
  fi
done

echo
for family in "${families[@]}"; do printf '  %-10s %s\n' "$family" "${outcome[$family]}"; done
echo "families: $passed passed, $failed failed"
((failed == 0))
