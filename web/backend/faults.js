// Fault rules for the S3 proxy. A rule applies to one job's object (jobId) or to every object,
// for a number of requests (`times`, counted over all requests or per presigned URL) or until
// cleared. Job rules win over global ones; the newest rule for the same scope replaces the old.
// `none` without a job clears everything set at run time (the demo jobs' own rules stay).

export const FAULT_MODES = Object.freeze([
  'expired', // 403 AccessDenied "Request has expired"
  'forbidden', // 403 AccessDenied "Access Denied"
  'not_found', // 404 NoSuchKey
  'server_error', // 500 InternalError
  'storm503', // 503 SlowDown
  'slow', // the real body, dripped in small chunks
  'truncated', // full Content-Length announced, connection cut halfway through the body
  'reset', // connection destroyed before any response
  'no_cors', // the real answer without any CORS header (preflight refused)
  'none', // clears rules (of the job when jobId is given, else all)
]);

/**
 * @typedef {object} FaultRule
 * @property {string} mode
 * @property {string | null} jobId
 * @property {number | null} times  requests the rule still applies to (null: until cleared)
 * @property {boolean} perUrl  count `times` separately for each distinct URL (each presign)
 * @property {number} chunkBytes  slow: bytes per chunk
 * @property {number} intervalMs  slow: pause between chunks
 * @property {number | null} cutAtBytes  truncated: bytes sent before the cut (null: half)
 */

/**
 * Validates a rule as received by the admin route or built from a --fault switch.
 * @param {unknown} input
 * @returns {{ok: true, rule: FaultRule} | {ok: false, message: string}}
 */
export function parseFaultRule(input) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, message: 'expected a JSON object {"mode": ..., "jobId"?: ...}' };
  }
  const raw = /** @type {Record<string, unknown>} */ (input);
  if (typeof raw.mode !== 'string' || !FAULT_MODES.includes(raw.mode)) {
    return { ok: false, message: `mode must be one of ${FAULT_MODES.join(', ')}` };
  }
  /** @param {string} name @param {number} min */
  const optionalInt = (name, min) => {
    const value = raw[name];
    if (value === undefined || value === null) return { ok: true, value: null };
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      return { ok: false, value: null, message: `${name} must be an integer >= ${min}` };
    }
    return { ok: true, value };
  };
  if (raw.jobId !== undefined && raw.jobId !== null && (typeof raw.jobId !== 'string' || raw.jobId === '')) {
    return { ok: false, message: 'jobId must be a non-empty string' };
  }
  const times = optionalInt('times', 1);
  const chunkBytes = optionalInt('chunkBytes', 1);
  const intervalMs = optionalInt('intervalMs', 0);
  const cutAtBytes = optionalInt('cutAtBytes', 0);
  for (const check of [times, chunkBytes, intervalMs, cutAtBytes]) {
    if (!check.ok) return { ok: false, message: /** @type {string} */ (check.message) };
  }
  return {
    ok: true,
    rule: {
      mode: raw.mode,
      jobId: typeof raw.jobId === 'string' ? raw.jobId : null,
      times: times.value,
      perUrl: raw.perUrl === true,
      chunkBytes: chunkBytes.value ?? 16 * 1024,
      intervalMs: intervalMs.value ?? 20,
      cutAtBytes: cutAtBytes.value,
    },
  };
}

/**
 * `--fault mode[:jobId][*times]`, e.g. `--fault expired`, `--fault storm503:job-big-5000*2`.
 * @param {string} spec
 * @returns {ReturnType<typeof parseFaultRule>}
 */
export function parseFaultSwitch(spec) {
  const match = /^([a-z_0-9]+)(?::([^*]+))?(?:\*(\d+))?$/.exec(spec.trim());
  if (!match) return { ok: false, message: `--fault ${spec}: expected mode[:jobId][*times]` };
  return parseFaultRule({
    mode: match[1],
    jobId: match[2],
    times: match[3] === undefined ? undefined : Number(match[3]),
  });
}

export class FaultTable {
  /** @param {FaultRule[]} [builtIn] rules that belong to demo jobs; `none` keeps them, reset restores them */
  constructor(builtIn = []) {
    /** @type {FaultRule[]} */
    this.builtIn = builtIn.map((rule) => ({ ...rule }));
    /** @type {FaultRule[]} */
    this.rules = [];
    /** @type {Map<FaultRule, Map<string, number>>} */
    this.perUrlUses = new Map();
    this.reset();
  }

  reset() {
    this.rules = this.builtIn.map((rule) => ({ ...rule }));
    this.perUrlUses.clear();
  }

  /** @param {FaultRule} rule */
  set(rule) {
    if (rule.mode === 'none' && rule.jobId === null) {
      this.reset();
      return;
    }
    this.rules = this.rules.filter((existing) => existing.jobId !== rule.jobId);
    if (rule.mode !== 'none') this.rules.push({ ...rule });
  }

  list() {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /**
   * The rule for this request, consuming one of its uses.
   * @param {string | null} jobId
   * @param {string} url
   * @returns {FaultRule | null}
   */
  take(jobId, url) {
    const rule =
      (jobId !== null ? this.rules.find((r) => r.jobId === jobId) : undefined) ??
      this.rules.find((r) => r.jobId === null);
    if (!rule) return null;
    if (rule.times === null) return rule;
    if (rule.perUrl) {
      let uses = this.perUrlUses.get(rule);
      if (!uses) this.perUrlUses.set(rule, (uses = new Map()));
      const used = uses.get(url) ?? 0;
      if (used >= rule.times) return null;
      uses.set(url, used + 1);
      return rule;
    }
    rule.times -= 1;
    if (rule.times <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }
}
