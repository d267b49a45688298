// JobDetailClient: performs the session's effects with fetch, timers and page events, and keeps the
// snapshot the UI reads. All decisions (retries, expiry, polling, merging) are the core session's.
import { JobDetailError } from './errors.js';
import { OwnedHandle, checkIndex, installDispose } from './handle.js';
import type { RawEffect, RawHeaders, RawModule, RawResult, RawSession, RawSessionConfig } from './job_detail_wasm.mjs';
import { buildSnapshot, idleSnapshot } from './snapshot.js';
import { decodeStep, rawStepIndexOptions } from './step_index.js';
import { transferBytes } from './transfer.js';
import type {
  JobDetailClient,
  JobDetailClientOptions,
  JobDetailMetric,
  JobDetailSnapshot,
  JobDocument,
  JsonValue,
  ShownRow,
  PageEvents,
} from './types.js';

type Listener = () => void;
type EventSource = { addEventListener(type: string, fn: () => void): void; removeEventListener(type: string, fn: () => void): void };

function unwrap<T>(result: RawResult<T>): T {
  if (!result.ok) throw new JobDetailError(result.error);
  return result.value;
}

function invalid(message: string): JobDetailError {
  return new JobDetailError({ code: 'invalid_argument', offset: null, message });
}

function checkNumber(name: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < min) throw invalid(`${name} must be a number >= ${min}, got ${String(value)}`);
  return value;
}

function sessionConfig(options: JobDetailClientOptions): RawSessionConfig {
  if (typeof options.apiBaseUrl !== 'string') throw invalid('apiBaseUrl must be a string');
  const config: RawSessionConfig = { apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''), ...rawStepIndexOptions(options) };
  const retry: NonNullable<RawSessionConfig['retry']> = {};
  const attempts = checkNumber('retry.attempts', options.retry?.attempts, 1);
  if (attempts !== undefined) retry.attempts = Math.floor(attempts);
  const baseMs = checkNumber('retry.baseMs', options.retry?.baseMs, 0);
  if (baseMs !== undefined) retry.baseMs = baseMs;
  const capMs = checkNumber('retry.capMs', options.retry?.capMs, 0);
  if (capMs !== undefined) retry.capMs = capMs;
  config.retry = retry;
  const poll = checkNumber('pollIntervalMs', options.pollIntervalMs, 1);
  if (poll !== undefined) config.pollIntervalMs = poll;
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

// A user callback that throws must not break the effect loop; its error still surfaces.
function safely(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

function transportKind(error: unknown): 'network' | 'timeout' | 'aborted' {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError') return 'aborted';
  return 'network';
}

function headerPairs(headers: Headers): RawHeaders {
  const pairs: RawHeaders = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

function defaultPageEvents(): PageEvents {
  const g = globalThis as { document?: PageEvents['document']; addEventListener?: unknown; navigator?: { onLine?: boolean } };
  const events: PageEvents = {};
  if (g.document !== undefined && typeof g.document?.addEventListener === 'function') events.document = g.document;
  if (typeof g.addEventListener === 'function') events.window = g as unknown as EventSource;
  events.online = () => g.navigator?.onLine !== false;
  return events;
}

/**
 * Listens for visibility and connectivity through a WeakRef, so an abandoned client can still be
 * collected (the returned function removes the listeners).
 */
function listenToPage(target: WeakRef<JobDetailClientImpl>, events: PageEvents): () => void {
  const removers: (() => void)[] = [];
  const on = (source: EventSource, type: string, fn: () => void) => {
    source.addEventListener(type, fn);
    removers.push(() => source.removeEventListener(type, fn));
  };
  const doc = events.document;
  if (doc) on(doc, 'visibilitychange', () => target.deref()?.setPageVisible(doc.visibilityState !== 'hidden'));
  const win = events.window;
  if (win) {
    on(win, 'online', () => target.deref()?.setOnline(true));
    on(win, 'offline', () => target.deref()?.setOnline(false));
  }
  return () => removers.splice(0).forEach((remove) => remove());
}

class JobDetailClientImpl implements JobDetailClient {
  readonly #raw: RawModule;
  readonly #handle: OwnedHandle<RawSession>;
  readonly #fetch: typeof globalThis.fetch;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #setTimeout: (fn: () => void, ms: number) => unknown;
  readonly #clearTimeout: (handle: unknown) => void;
  readonly #options: JobDetailClientOptions;
  readonly #requests = new Map<number, AbortController>();
  readonly #timers = new Map<number, unknown>();
  readonly #listeners = new Set<Listener>();
  #jobId: string | null = null;
  #jobText: string | null = null;
  #job: JobDocument | null = null;
  #version = -1;
  #snapshot: JobDetailSnapshot = idleSnapshot;
  #rows = new Map<number, ShownRow>();
  readonly #progressIntervalMs: number;
  // The download whose chunks are being published, and when one of its chunks last was.
  #chunkRequest = 0;
  #chunkPublishedAt = -Infinity;
  #flushTimer: unknown = null;

  constructor(raw: RawModule, options: JobDetailClientOptions) {
    this.#raw = raw;
    this.#options = options;
    const config = sessionConfig(options);
    this.#progressIntervalMs = checkNumber('progressIntervalMs', options.progressIntervalMs, 0) ?? 100;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.#clearTimeout =
      options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]));
    const events = options.pageEvents === null ? null : { ...defaultPageEvents(), ...options.pageEvents };
    const session = new raw.Session(config);
    const stopListening = events === null ? undefined : listenToPage(new WeakRef(this), events);
    this.#handle = new OwnedHandle(this, session, 'JobDetailClient', stopListening);
    if (events !== null) {
      const now = this.#now();
      if (events.document) session.setPageVisible(events.document.visibilityState !== 'hidden', now);
      if (events.online) session.setOnline(events.online(), now);
    }
  }

  load(jobId: string): void {
    if (typeof jobId !== 'string' || jobId === '') throw invalid('load() takes a non-empty job id');
    this.#handle.get();
    this.#jobId = jobId;
    this.#input((session) => session.start(jobId, this.#now()), true);
  }

  refetch(): void {
    if (this.#handle.disposed) return;
    this.#input((session) => session.refetch(this.#now()));
  }

  setPageVisible(visible: boolean): void {
    if (this.#handle.disposed) return;
    this.#input((session) => session.setPageVisible(visible, this.#now()));
  }

  setOnline(online: boolean): void {
    if (this.#handle.disposed) return;
    this.#input((session) => session.setOnline(online, this.#now()));
  }

  subscribe(listener: Listener): () => void {
    const entry = () => listener();  // one entry per subscription, even for the same function
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  getSnapshot(): JobDetailSnapshot {
    return this.#snapshot;
  }

  summary(i: number): ShownRow {
    checkIndex(i);
    const cached = this.#rows.get(i);
    if (cached !== undefined) return cached;
    const out: ShownRow = Object.freeze(unwrap(this.#handle.get().row(i)));
    this.#rows.set(i, out);
    return out;
  }

  step(i: number): JsonValue {
    return decodeStep(this.#handle.get(), i);
  }

  dispose(): void {
    if (this.#handle.disposed) return;
    const session = this.#handle.get();
    session.stop(this.#now());
    for (const controller of this.#requests.values()) controller.abort();
    this.#requests.clear();
    for (const timer of this.#timers.values()) this.#clearTimeout(timer);
    this.#timers.clear();
    this.#cancelFlush();
    this.#handle.dispose();
    this.#rows.clear();
  }

  // Delivers one input to the session, performs what it asks, publishes the new snapshot.
  #input(deliver: (session: RawSession) => void, jobMayChange = false): void {
    const session = this.#deliver(deliver);
    if (session !== null) this.#publish(session, jobMayChange);
  }

  #deliver(deliver: (session: RawSession) => void): RawSession | null {
    if (this.#handle.disposed) return null;
    const session = this.#handle.get();
    session.setRandom(this.#random());
    deliver(session);
    for (let effect = session.pollEffect(); effect !== null; effect = session.pollEffect()) {
      this.#perform(effect);
    }
    return session;
  }

  // A chunk of the steps download. The first chunk of a download is published at once; after
  // that, what chunks change (more bytes, maybe more rows) is published at most every
  // progressIntervalMs, by a flush timer when no chunk comes at the right time. A chunk that
  // ended the download (the session cancelled it) or shrank the list is published at once.
  #chunk(id: number, controller: AbortController, value: Uint8Array): void {
    const session = this.#deliver((s) =>
      transferBytes(this.#raw, value, (length) => s.onStepsChunkTransfer(id, length, this.#now())),
    );
    if (session === null) return;
    if (this.#chunkRequest !== id) {
      this.#chunkRequest = id;
      this.#chunkPublishedAt = -Infinity;
    }
    const wait = this.#chunkPublishedAt + this.#progressIntervalMs - this.#now();
    const shrank = (session.snapshot().steps?.count ?? 0) < (this.#snapshot.steps?.count ?? 0);
    if (wait <= 0 || !this.#live(id, controller) || shrank) {
      this.#publishChunks(session);
    } else if (this.#flushTimer === null) {
      this.#flushTimer = this.#setTimeout(() => {
        this.#flushTimer = null;
        if (!this.#handle.disposed) this.#publishChunks(this.#handle.get());
      }, wait);
    }
  }

  #publishChunks(session: RawSession): void {
    this.#chunkPublishedAt = this.#now();
    this.#publish(session, false);
  }

  #cancelFlush(): void {
    if (this.#flushTimer === null) return;
    this.#clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }

  #perform(effect: RawEffect): void {
    switch (effect.type) {
      case 'fetchJob':
        void this.#fetchJob(effect.id, this.#jobUrl(effect.url));
        return;
      case 'fetchSteps':
        void this.#fetchSteps(effect.id, effect.url, effect.headers);
        return;
      case 'cancel': {
        const controller = this.#requests.get(effect.id);
        if (controller !== undefined) {
          this.#requests.delete(effect.id);
          controller.abort();
        }
        const timer = this.#timers.get(effect.id);
        if (timer !== undefined) {
          this.#timers.delete(effect.id);
          this.#clearTimeout(timer);
        }
        return;
      }
      case 'startTimer': {
        const { id, at } = effect;
        const previous = this.#timers.get(id);
        if (previous !== undefined) this.#clearTimeout(previous);
        const timer = this.#setTimeout(() => {
          if (this.#timers.get(id) !== timer) return;
          this.#timers.delete(id);
          this.#input((session) => session.onTimer(id, this.#now()));
        }, Math.max(0, at - this.#now()));
        this.#timers.set(id, timer);
        return;
      }
      case 'metric': {
        const onMetric = this.#options.onMetric;
        if (onMetric !== undefined) {
          const metric: JobDetailMetric = { name: effect.name, fields: effect.fields };
          safely(() => onMetric(metric));
        }
        return;
      }
    }
  }

  #jobUrl(sessionUrl: string): string {
    const custom = this.#options.jobUrl;
    return custom !== undefined && this.#jobId !== null ? custom(this.#jobId) : sessionUrl;
  }

  #begin(id: number): AbortController {
    const controller = new AbortController();
    this.#requests.set(id, controller);
    return controller;
  }

  // Still wanted: the session has not cancelled it (a cancelled request reports nothing).
  #live(id: number, controller: AbortController): boolean {
    return this.#requests.get(id) === controller && !this.#handle.disposed;
  }

  #failed(id: number, controller: AbortController, error: unknown): void {
    if (!this.#live(id, controller)) return;
    this.#requests.delete(id);
    controller.abort();  // what failed may be our own handling of a chunk: the body must stop too
    this.#input((session) => session.onTransportError(id, transportKind(error), this.#now()));
  }

  async #fetchJob(id: number, url: string): Promise<void> {
    const controller = this.#begin(id);
    try {
      const response = await this.#fetch(url, { ...this.#options.apiInit, signal: controller.signal });
      const body = new Uint8Array(await response.arrayBuffer());
      if (!this.#live(id, controller)) return;
      this.#requests.delete(id);
      const headers = headerPairs(response.headers);
      this.#input((session) => {
        const now = this.#now();
        this.#raw.transferView(body.length).set(body);  // the whole body: the core needs it at once
        session.onJobResponseTransfer(id, response.status, headers, body.length, now);
      }, true);
    } catch (error) {
      this.#failed(id, controller, error);
    }
  }

  async #fetchSteps(id: number, url: string, headers: RawHeaders): Promise<void> {
    const controller = this.#begin(id);
    try {
      // S3 gets no cookies, no referrer, no API headers, and no redirects to somewhere else.
      // Nor does the body go through the HTTP cache: the URL carries a credential and is signed
      // anew on every job fetch (so a cached copy is never found again), the index keeps the bytes
      // itself, and a cached partial body makes the browser resume a cut download with Range
      // requests of its own, behind the session's retry policy. Revalidation is the session's
      // (If-None-Match, 304), which no-store passes through untouched.
      const response = await this.#fetch(url, {
        method: 'GET',
        headers,
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        redirect: 'error',
        signal: controller.signal,
      });
      if (!this.#live(id, controller)) return;
      const responseHeaders = headerPairs(response.headers);
      this.#input((session) => session.onStepsResponseStart(id, response.status, responseHeaders, this.#now()));
      const reader = response.body?.getReader();
      if (reader !== undefined) {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (!this.#live(id, controller)) return;
            if (done) break;
            this.#chunk(id, controller, value);
          }
        } finally {
          if (!this.#live(id, controller)) void reader.cancel().catch(() => undefined);
        }
      }
      if (!this.#live(id, controller)) return;
      this.#requests.delete(id);
      this.#input((session) => session.onStepsEnd(id, this.#now()));
    } catch (error) {
      this.#failed(id, controller, error);
    }
  }

  #publish(session: RawSession, jobMayChange: boolean): void {
    let jobChanged = false;
    if (jobMayChange) {
      const text = session.jobJson();
      if (text !== this.#jobText) {
        this.#jobText = text;
        this.#job = text === null ? null : (JSON.parse(text) as JobDocument);
        jobChanged = true;
      }
    }
    const version = session.version();
    if (version === this.#version && !jobChanged) return;
    this.#cancelFlush();
    this.#version = version;
    this.#rows = new Map();
    this.#snapshot = buildSnapshot(session.snapshot(), this.#jobId, this.#job);
    for (const listener of [...this.#listeners]) safely(listener);
  }
}
interface JobDetailClientImpl {
  [Symbol.dispose](): void;
}
installDispose(JobDetailClientImpl.prototype);

export function createJobDetailClient(raw: RawModule, options: JobDetailClientOptions): JobDetailClient {
  return new JobDetailClientImpl(raw, options);
}
