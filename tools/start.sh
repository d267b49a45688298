#!/usr/bin/env bash
# `npm start`: the dashboard on this machine, with nothing else installed.
# Installs what is missing, builds the wasm package and the Next.js app when their sources changed,
# starts the local backend (DynamoDB and S3 stand-ins, demo jobs, API) and the dashboard, prints the
# dashboard's URL. Ctrl-C stops everything.
#
#   npm start                     production build, http://localhost:3000/dashboard/jobs
#   npm start -- --dev            `next dev` instead (hot reload, no build)
#   npm start -- --cloudfront     step lists through a local CloudFront edge (signed URLs, throwaway key pair)
#   PORT=8080 JOBDASH_API_PORT=0 npm start
#
# Variables: PORT (dashboard, default 3000), HOST (its address, default 127.0.0.1), JOBDASH_API_PORT / JOBDASH_S3_PORT /
# JOBDASH_CDN_PORT (backend, defaults 4000 / 4569 / 4570, 0 picks a free one), JOBDASH_POLL_INTERVAL_MS (how often a running job is fetched
# again), JOBDASH_SKIP_SETUP=1 (skip tools/setup.sh: the caller already ran it), and every backend
# variable of web/backend/README.md (the AWS ones included).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
backend_args=()
for arg in "$@"; do
  case $arg in
    --dev) dev=1 ;;
    --cloudfront) backend_args+=(--cloudfront) ;;
    -h | --help)
      sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "start.sh: unknown argument '$arg' (--dev, --cloudfront, --help)" >&2
      exit 2
      ;;
  esac
done

say() { echo "jobdash: $*" >&2; }

[[ ${JOBDASH_SKIP_SETUP:-0} == 1 ]] || bash tools/setup.sh

# True when $1 is missing or any file under the other arguments is newer than it.
stale() {
  local target=$1
  shift
  [[ -e $target ]] || return 0
  [[ -n $(find "$@" -type f -newer "$target" -print -quit 2>/dev/null) ]]
}

if stale wasm/dist/index.js core bindings wasm/src wasm/tsconfig.json wasm/package.json CMakeLists.txt CMakePresets.json; then
  say "building the wasm package (tools/build.sh wasm)"
  bash tools/build.sh wasm
fi

port=${PORT:-3000}
if ((dev == 0)) && stale web/.next/BUILD_ID web/app web/components web/lib web/proxy.ts web/next.config.mjs web/tsconfig.json \
  web/package.json wasm/dist package-lock.json; then
  say "building the dashboard (next build)"
  (cd web && NEXT_TELEMETRY_DISABLED=1 ../node_modules/.bin/next build) >&2
fi

pids=()
log=$(mktemp -t jobdash-backend.XXXXXX)
stop_all() {
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$log"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The backend allows the dashboard's origin (CORS on the API and on the S3 bucket) under both names.
origins=()
if [[ -n ${DASHBOARD_ORIGIN:-} ]]; then
  IFS=',' read -ra listed <<<"$DASHBOARD_ORIGIN"
  for origin in "${listed[@]}"; do origins+=(--origin "$origin"); done
else
  origins=(--origin "http://localhost:$port" --origin "http://127.0.0.1:$port")
fi
node web/backend/main.js "${origins[@]}" ${backend_args[@]+"${backend_args[@]}"} > >(tee "$log") 2>&1 &
pids+=($!)
backend=${pids[0]}

# The backend prints its API address once the demo jobs are written (the port may be ephemeral).
api_url=
until api_url=$(grep -m1 -oE 'API +http://[^ ]+/api/jobs' "$log" | awk '{print $2}') && [[ -n $api_url ]]; do
  kill -0 "$backend" 2>/dev/null || {
    say "the backend stopped before it was ready"
    exit 1
  }
  sleep 0.2
done
api_url=${api_url%/api/jobs}

# The dashboard reads these at request time, so the same build serves any port.
export JOBDASH_API_URL=$api_url NEXT_TELEMETRY_DISABLED=1
if ((dev == 1)); then
  (cd web && exec ../node_modules/.bin/next dev -H "${HOST:-127.0.0.1}" -p "$port") &
else
  (cd web && exec ../node_modules/.bin/next start -H "${HOST:-127.0.0.1}" -p "$port") &
fi
pids+=($!)
dashboard=${pids[1]}

url="http://localhost:$port/dashboard/jobs"
until curl -fsS -o /dev/null "http://127.0.0.1:$port/dashboard/jobs" 2>/dev/null; do
  kill -0 "$dashboard" 2>/dev/null || {
    say "the dashboard stopped before it was ready"
    exit 1
  }
  sleep 0.3
done
echo
echo "  Dashboard  $url"
echo "  API        $api_url/api/jobs"
echo "  Ctrl-C stops everything."
echo

# Either process ending ends the whole stack.
wait -n "${pids[@]}"
say "a process stopped; stopping the rest"
exit 1
