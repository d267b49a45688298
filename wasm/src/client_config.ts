// The client's options as the session's config: checked (a typed invalid_argument for a bad
// value), with the client's default limits, in the raw shape the bindings read.
import { JobDetailError } from './errors.js';
import type { RawSessionConfig } from './job_detail_wasm.mjs';
import { rawStepIndexOptions } from './step_index.js';
import type { JobDetailClientOptions } from './types.js';

export function invalid(message: string): JobDetailError {
  return new JobDetailError({ code: 'invalid_argument', offset: null, message });
}

export function checkNumber(name: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < min) throw invalid(`${name} must be a number >= ${min}, got ${String(value)}`);
  return value;
}

/**
 * Limits on the S3 steps document unless the options say otherwise (`Infinity`: none). The
 * realistic big document is 31 MB with 5,000 steps (~6 KB each); these are 8x its bytes and 20x
 * its steps, so no real job meets them, while a hostile or broken one stops with `too_large`
 * long before wasm32's memory runs out (records for millions of tiny steps would take gigabytes).
 * At the real documents' step size, 256 MiB holds ~43,000 steps: only tiny-step bombs reach the
 * step cap first.
 */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_STEPS = 100_000;

/** The `documentCacheBytes` option checked (undefined: the client leaves the budget as it is). */
export function documentCacheBytes(options: JobDetailClientOptions): number | undefined {
  const budget = checkNumber('documentCacheBytes', options.documentCacheBytes, 0);
  return budget === undefined ? undefined : Math.floor(budget);
}

export function sessionConfig(options: JobDetailClientOptions): RawSessionConfig {
  if (typeof options.apiBaseUrl !== 'string') throw invalid('apiBaseUrl must be a string');
  const limits = rawStepIndexOptions({
    ...options,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
  });
  const config: RawSessionConfig = { apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''), ...limits };
  const retry: NonNullable<RawSessionConfig['retry']> = {};
  const attempts = checkNumber('retry.attempts', options.retry?.attempts, 1);
  if (attempts !== undefined) retry.attempts = Math.floor(attempts);
  const baseMs = checkNumber('retry.baseMs', options.retry?.baseMs, 0);
  if (baseMs !== undefined) retry.baseMs = baseMs;
  const capMs = checkNumber('retry.capMs', options.retry?.capMs, 0);
  if (capMs !== undefined) retry.capMs = capMs;
  config.retry = retry;
  if (options.pollIntervalMs === false) {
    config.pollIntervalMs = false;
  } else {
    const poll = checkNumber('pollIntervalMs', options.pollIntervalMs, 1);
    if (poll !== undefined) config.pollIntervalMs = poll;
  }
  const timeout = checkNumber('requestTimeoutMs', options.requestTimeoutMs, 1);
  if (timeout !== undefined) config.requestTimeoutMs = timeout;
  if (options.allowedHosts !== undefined) config.allowedHosts = [...options.allowedHosts];
  for (const name of ['terminalStatuses', 'runningStatuses'] as const) {
    const list = options[name];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((status) => typeof status === 'string')) throw invalid(`${name} must be an array of strings`);
    config[name] = [...list];
  }
  return config;
}

