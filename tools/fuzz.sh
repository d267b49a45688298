#!/usr/bin/env bash
# `npm run fuzz` / `npm run test:fuzz`: builds the libFuzzer targets (preset `fuzz`, clang 14 with
# ASan + UBSan) and runs each one in turn, on one core, for SECONDS (default 60), starting from the
# committed seeds plus the run corpus kept in build/fuzz/corpus/<target>. Prints executions, speed
# and coverage per target; exits non-zero when a target finds a crash or an invariant violation
# (the input is saved in build/fuzz/artifacts/ and its path printed).
#   bash tools/fuzz.sh [SECONDS] [TARGET...]      TARGET: step_index job cost session
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(step_index job cost session)

[[ -f build/fuzz/CMakeCache.txt ]] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${targets[@]/%/_fuzzer}" 2>&1 |
  grep -Ev '^\[ *[0-9]+%\]|^(Consolidate|Scanning|Built target)|^g?make(\[[0-9]+\])?: (Entering|Leaving)' || true

mkdir -p build/fuzz/artifacts
failed=0 total_runs=0
printf '%-12s %10s %8s %10s %8s %8s  %s\n' target executions seconds exec/s cov ft outcome
for target in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$target
  mkdir -p "$corpus"
  log=build/fuzz/$target.log
  # -max_len: documents up to 8 KB reach every state of the scanner; -rss_limit_mb and -timeout make
  # a memory blow-up or a hang a finding rather than a stuck machine.
  set +e
  "build/fuzz/tests/fuzz/${target}_fuzzer" "$corpus" "tests/fuzz/seeds/$target" \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build/fuzz/artifacts/${target}-" >"$log" 2>&1
  status=$?
  set -e
  runs=$(grep -oP '^stat::number_of_executed_units:\s*\K[0-9]+' "$log" || echo 0)
  took=$(grep -oP '^Done [0-9]+ runs in \K[0-9]+' "$log" || echo "$seconds")
  cov=$(grep -oP 'cov: \K[0-9]+' "$log" | tail -1 || true)
  ft=$(grep -oP 'ft: \K[0-9]+' "$log" | tail -1 || true)
  outcome=ok
  if ((status != 0)); then
    outcome="FAILED: $(grep -m1 -E 'invariant violated|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error' "$log" || echo "exit $status")"
    outcome+=" (input: $(grep -oP 'Test unit written to \K\S+' "$log" || echo '?'); log: $log)"
    failed=1
  fi
  total_runs=$((total_runs + runs))
  printf '%-12s %10s %8s %10s %8s %8s  %s\n' "$target" "$runs" "$took" "$((runs / (took > 0 ? took : 1)))" \
    "${cov:-?}" "${ft:-?}" "$outcome"
done
echo "total executions: $total_runs"
exit "$failed"
