// A loopback HTTP server playing the API (GET /jobs/:id) and S3 (GET /bucket/steps/:id.json) roles,
// with per-job fault scripts, and a virtual clock for the client's timers. Test support only.
import { createServer } from 'node:http';

export const steps = [1, 2, 3, 4, 5].map((n) => ({
  step_number: n,
  step_name: `Step ${n}`,
  status: 'completed',
  cost_usd: n % 2 ? `0.${n}0` : n / 10,
  output: `<p>Full output of step ${n} — naïve café 日本語</p>`,
}));

/** The DynamoDB copy: the first two steps, outputs truncated. */
export function partialSteps() {
  return steps.slice(0, 2).map((step) => ({ ...step, output: step.output.slice(0, 10) }));
}

export const stepsDocument = Buffer.from(JSON.stringify({ execution_steps: steps }));

function amzDate(ms) {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function s3Error(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R</RequestId></Error>`;
}

/**
 * `scripts[jobId]`: { job?(n, ctx) -> job fields override, steps?(n, req, res, ctx) -> true when it
 * answered }, where n is the 1-based request number for that job and role.
 */
export async function startFakeApi(scripts) {
  const log = [];
  // `name-*` scripts serve every job id that starts with `name-`.
  const scriptFor = (id) => scripts[id] ?? scripts[`${id.split('-')[0]}-*`] ?? {};
  const counts = new Map();
  const sockets = new Set();
  let base = '';
  const count = (key) => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, base);
    const jobMatch = /^\/jobs\/([^/]+)$/.exec(url.pathname);
    const stepsMatch = /^\/bucket\/steps\/([^/]+)\.json$/.exec(url.pathname);
    if (jobMatch) {
      const id = decodeURIComponent(jobMatch[1]);
      const n = count(`job:${id}`);
      log.push({ role: 'job', id, n, headers: req.headers, query: url.search });
      const script = scriptFor(id);
      const job = {
        id,
        status: 'completed',
        execution_steps: partialSteps(),
        execution_steps_s3_key: `steps/${id}.json`,
        execution_steps_s3_url:
          `${base}/bucket/steps/${encodeURIComponent(id)}.json?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
          `&X-Amz-Credential=AKIA%2F20261129%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=${amzDate(Date.now())}` +
          `&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=sig${n}`,
        ...(script.job?.(n) ?? {}),
      };
      if (script.jobResponse?.(n, req, res, job)) return;
      res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
      res.end(JSON.stringify(job));
      return;
    }
    if (stepsMatch) {
      const id = decodeURIComponent(stepsMatch[1]);
      const n = count(`steps:${id}`);
      log.push({ role: 'steps', id, n, headers: req.headers, query: url.search });
      const script = scriptFor(id);
      if (script.steps?.(n, req, res)) return;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': stepsDocument.length, etag: '"v1"' });
      res.end(stepsDocument);
      return;
    }
    res.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    log,
    requests: (role, id) => log.filter((entry) => entry.role === role && entry.id === id).length,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Timers under test control; `now` starts at the real clock (presigned dates are real). */
export function virtualClock() {
  let now = Date.now();
  let seq = 0;
  const timers = new Map();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      seq += 1;
      timers.set(seq, { at: now + Math.max(0, ms), fn });
      return seq;
    },
    clearTimeout: (id) => timers.delete(id),
    pendingTimers: () => [...timers.values()].map((timer) => timer.at - now),
    /** Moves time forward by `ms`, firing due timers in order. */
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let next;
        for (const [id, timer] of timers) if (timer.at <= target && (next === undefined || timer.at < next[1].at)) next = [id, timer];
        if (next === undefined) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
      }
      now = target;
    },
  };
}

/**
 * Resolves with the first snapshot satisfying `predicate`, firing due virtual timers while
 * waiting; rejects after `limitMs` of real time (loopback latency only).
 */
export function waitFor(client, clock, predicate, limitMs = 5000) {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      clearInterval(tick);
      unsubscribe();
      reject(new Error(`timed out; last snapshot ${JSON.stringify({ ...client.getSnapshot(), job: undefined })}`));
    }, limitMs);
    const check = () => {
      const snapshot = client.getSnapshot();
      if (!predicate(snapshot)) return false;
      clearTimeout(deadline);
      clearInterval(tick);
      unsubscribe();
      resolve(snapshot);
      return true;
    };
    const unsubscribe = client.subscribe(check);
    // Timers due "now" (zero backoff) fire as soon as the event loop is idle.
    const tick = setInterval(() => {
      clock.advance(0);
      check();
    }, 2);
    check();
  });
}

/**
 * Client options that put every timer on `clock`, with zero backoff (retries fire at the current
 * virtual time) and no page events: deterministic runs against `api`.
 */
export function virtualClientOptions(api, clock) {
  return {
    apiBaseUrl: api.base,
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 0,
    pageEvents: null,
  };
}
