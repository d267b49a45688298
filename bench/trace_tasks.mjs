// The page's longest main-thread task in a Chromium trace (bench/browser.mjs writes one per run
// when JD_BENCH_TRACE is set), by wall time and by thread time. On a busy 2-core machine the two
// differ: a task's wall time includes the time its thread waited for a core (while the network
// service or a Worker's thread ran), its thread time only what the main thread itself did.
import { readFileSync } from 'node:fs';

const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/** @param {string} file  a trace written by browser.startTracing @returns {{wallMs: number, threadMs: number}} */
export function longestMainThreadTask(file) {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const events = raw.traceEvents ?? raw;
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  let wallMs = 0;
  let threadMs = 0;
  for (const e of events) {
    if (e.ph !== 'X' || !TASK_NAMES.has(e.name) || !mainThreads.has(`${e.pid}:${e.tid}`)) continue;
    wallMs = Math.max(wallMs, e.dur / 1000);
    // A thread time above the wall time is a glitch of the trace's thread clock (seen: 21 ms in 1.3 ms).
    threadMs = Math.max(threadMs, Math.min(e.tdur ?? 0, e.dur) / 1000);
  }
  return { wallMs, threadMs };
}
