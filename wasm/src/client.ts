// JobDetailClient: performs the session's effects with fetch, timers and page events, and keeps the
// snapshot the UI reads. All decisions (retries, expiry, polling, merging) are the core session's.
import { JobDetailError } from './errors.js';
import { checkNumber, documentCacheBytes, invalid, sessionConfig } from './client_config.js';
import { OwnedHandle, checkIndex, installDispose, nativeObject } from './handle.js';
import type { RawEffect, RawHeaders, RawModule, RawResult, RawSession, RawSessionConfig } from './job_detail_wasm.mjs';
import { type ModuleSlot, isTrap } from './module_slot.js';
import { buildSnapshot, idleSnapshot } from './snapshot.js';
import { decodeStep } from './step_index.js';
import { checkQuery, explorerView, rawQuery } from './explorer_query.js';
import { defaultPageEvents, listenToPage } from './page_events.js';
import { bodySlices } from './feed_slices.js';
import { transferBytes } from './transfer.js';
import type {
  ExplorerView,
  JobDetailClient,
  JobDetailClientOptions,
  JobDetailMetric,
  JobDetailSnapshot,
  JobDocument,
  JsonValue,
  ShownRow,
  PageEvents,
  StepMatch,
  StepQuery,
  StepTimeline,
} from './types.js';

type Listener = () => void;

// Step text the explorer searches per task: the wasm search reads well over 1 GB/s on the bench
// machine, so 4 MiB stays a few milliseconds, far inside a 16 ms frame, and a 31 MB list is
// searched in about eight tasks with the page responsive between them.
const SEARCH_SLICE_BYTES = 4 * 1024 * 1024;

function unwrap<T>(result: RawResult<T>): T {
  if (!result.ok) throw new JobDetailError(result.error);
  return result.value;
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

// The shown document's parts (views into the module's memory) copied into one array before the
// next call into the module can move them.
function joinParts(parts: Uint8Array[] | null): Uint8Array | null {
  if (parts === null) return null;
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// A timer the client armed, with the clearTimeout that belongs to the setTimeout that armed it
// (setOptions may change both while it is pending).
interface ArmedTimer {
  handle: unknown;
  clear: (handle: unknown) => void;
}

// During the replay after a trap, the job's answer is handed over rather than fetched again.
type Replay = { jobRequest: number; stepsRequested: boolean } | null;

function trapMessage(error: unknown): string {
  return `the WebAssembly module failed (${error instanceof Error ? error.message : String(error)}) and was replaced`;
}

class JobDetailClientImpl implements JobDetailClient {
  readonly #slot: ModuleSlot;
  #raw: RawModule;
  #handle: OwnedHandle<RawSession>;
  #options: JobDetailClientOptions;
  #config: RawSessionConfig;
  #fetch!: typeof globalThis.fetch;
  #now!: () => number;
  #random!: () => number;
  #setTimeout!: (fn: () => void, ms: number) => unknown;
  #clearTimeout!: (handle: unknown) => void;
  #progressIntervalMs!: number;
  #events: PageEvents | null = null;
  // Removes the page listeners; shared with the handle's finalizer, so it must not hold `this`.
  readonly #listening: { stop: () => void } = { stop: () => undefined };
  readonly #requests = new Map<number, AbortController>();
  readonly #timers = new Map<number, ArmedTimer>();
  readonly #listeners = new Set<Listener>();
  #jobId: string | null = null;
  #jobText: string | null = null;
  #job: JobDocument | null = null;
  #version = -1;
  #snapshot: JobDetailSnapshot = idleSnapshot;
  #rows = new Map<number, ShownRow>();
  // The explorer: its query (null: none), the text search's next slice when one is due, and the
  // first matches read since the last snapshot.
  #query: StepQuery | null = null;
  #searchTimer: ArmedTimer | null = null;
  #explorerViewAt = -Infinity;  // when the last explorer view was built (by `now`)
  #matches = new Map<number, StepMatch | null>();
  // The download whose chunks are being published, and when one of its chunks last was.
  #chunkRequest = 0;
  #chunkPublishedAt = -Infinity;
  #flushTimer: ArmedTimer | null = null;
  // Set while the session is being rebuilt in a fresh module instance after a trap.
  #recovering = false;
  #replay: Replay = null;
  // The session was rebuilt after its job's own load failed: refetch() loads the job again.
  #needsStart = false;
  #disposed = false;

  constructor(slot: ModuleSlot, raw: RawModule, options: JobDetailClientOptions) {
    this.#slot = slot;
    this.#raw = raw;
    this.#options = options;
    this.#config = sessionConfig(options);
    documentCacheBytes(options);
    this.#applyHostOptions(options);
    const listening = this.#listening;
    this.#handle = new OwnedHandle(this, nativeObject<RawSession>(raw, 'session', raw.sessionNew(this.#config)), 'JobDetailClient', () => listening.stop());
    this.#shareCache(raw, this.#handle.get());
    if (this.#listen(options)) this.#tellPage(this.#handle.get());
  }

  load(jobId: string): void {
    if (typeof jobId !== 'string' || jobId === '') throw invalid('load() takes a non-empty job id');
    if (this.#disposed) this.#handle.get();  // throws: used after dispose()
    this.#jobId = jobId;
    // What start() makes of the session's job: none yet (also what a rebuild must not replay).
    this.#jobText = null;
    this.#job = null;
    this.#needsStart = false;
    this.#input((session) => session.start(jobId, this.#now()), true);
  }

  refetch(): void {
    if (this.#disposed) return;
    const jobId = this.#jobId;
    this.#input((session) => {
      // A session rebuilt after the job's own load failed has no job to refetch: load it again.
      if (this.#needsStart && jobId !== null) session.start(jobId, this.#now());
      else session.refetch(this.#now());
      this.#needsStart = false;
    }, true);
  }

  setOptions(options: JobDetailClientOptions): void {
    if (this.#disposed) this.#handle.get();  // throws: used after dispose()
    const config = sessionConfig(options);  // checks everything before anything changes
    if (config.apiBaseUrl !== this.#config.apiBaseUrl) {
      throw invalid('apiBaseUrl cannot change on a client: create another client for another API');
    }
    checkNumber('progressIntervalMs', options.progressIntervalMs, 0);
    const cacheChanged = documentCacheBytes(options) !== documentCacheBytes(this.#options);
    this.#options = options;
    this.#applyHostOptions(options);
    if (cacheChanged) this.#input((session) => this.#shareCache(this.#raw, session));
    if (this.#listen(options)) this.#input((session) => this.#tellPage(session));
    if (JSON.stringify(config) === JSON.stringify(this.#config)) return;
    this.#config = config;
    this.#input((session) => session.setConfig(config, this.#now()));
  }

  setPageVisible(visible: boolean): void {
    if (this.#disposed) return;
    this.#input((session) => session.setPageVisible(visible, this.#now()));
  }

  setOnline(online: boolean): void {
    if (this.#disposed) return;
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
    const out: ShownRow = Object.freeze(unwrap(this.#read((session) => session.row(i))));
    this.#rows.set(i, out);
    return out;
  }

  step(i: number): JsonValue {
    checkIndex(i);
    return this.#read((session) => decodeStep(session, i));
  }

  setQuery(query: Partial<StepQuery> | null): void {
    if (this.#disposed) this.#handle.get();  // throws: used after dispose()
    const checked = query === null ? null : checkQuery(query);
    this.#query = checked;
    this.#matches = new Map();
    this.#cancelSearch();
    this.#guard(() => {
      const session = this.#handle.get();
      if (checked !== null) session.setQuery(rawQuery(checked));
      this.#publishExplorer(session);
    });
  }

  match(i: number): StepMatch | null {
    checkIndex(i);
    if (this.#query === null || this.#query.text === '') return null;
    const cached = this.#matches.get(i);
    if (cached !== undefined) return cached;
    const raw = this.#read((session) => session.stepMatch(i));
    const out = raw === null ? null : Object.freeze(raw);
    this.#matches.set(i, out);
    return out;
  }

  outputMatches(i: number): number[] {
    checkIndex(i);
    if (this.#query === null || this.#query.text === '') return [];
    return Array.from(this.#read((session) => session.outputMatches(i)));
  }

  timeline(): StepTimeline {
    return this.#read((session) => session.timeline());
  }

  stepsDocument(): Uint8Array | null {
    return this.#read((session) => joinParts(session.stepsDocumentParts()));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#stopWork();
    if (this.#handle.disposed || this.#slot.dropped(this.#raw)) {
      this.#listening.stop();
      this.#handle.abandon();
    } else {
      try {
        this.#handle.get().stop(this.#now());
        this.#handle.dispose();
      } catch (error) {
        if (!isTrap(error)) throw error;
        this.#slot.replace(this.#raw).catch(() => undefined);
        this.#listening.stop();
        this.#handle.abandon();
      }
    }
    this.#disposed = true;
    this.#rows.clear();
    this.#matches.clear();
  }

  // fetch, clock, randomness, timers and the progress interval: the host side of the options.
  #applyHostOptions(options: JobDetailClientOptions): void {
    this.#progressIntervalMs = checkNumber('progressIntervalMs', options.progressIntervalMs, 0) ?? 100;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.#clearTimeout =
      options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]));
  }

  // (Re)subscribes to visibility and connectivity when the page event sources changed; true when
  // it did (the session should then hear the page's state).
  #listen(options: JobDetailClientOptions): boolean {
    const events = options.pageEvents === null ? null : { ...defaultPageEvents(), ...options.pageEvents };
    const previous = this.#events;
    const same =
      previous !== null && events !== null && previous.document === events.document && previous.window === events.window;
    if (same) {
      this.#events = events;  // a new online() reader takes effect at the next event
      return false;
    }
    this.#listening.stop();
    this.#listening.stop = events === null ? () => undefined : listenToPage(new WeakRef(this), events);
    this.#events = events;
    return events !== null;
  }

  // Gives the session the module instance's document cache (shared by every client of it), with
  // this client's budget when it gave one; `documentCacheBytes: 0` keeps this client out of it
  // without emptying it for the others.
  #shareCache(raw: RawModule, session: RawSession): void {
    const budget = documentCacheBytes(this.#options);
    if (budget === 0) return session.clearDocumentCache();
    if (budget !== undefined) this.#slot.setDocumentCacheBudget(raw, budget);
    session.setDocumentCache(this.#slot.documentCache(raw).handle);
  }

  #tellPage(session: RawSession): void {
    const events = this.#events;
    if (events === null) return;
    const now = this.#now();
    if (events.document) session.setPageVisible(events.document.visibilityState !== 'hidden', now);
    if (events.online) session.setOnline(events.online(), now);
  }

  #armTimer(fn: () => void, ms: number): ArmedTimer {
    return { handle: this.#setTimeout(fn, ms), clear: this.#clearTimeout };
  }

  // Every call into the module goes through #input, #read or #publishChunks: a trap there drops
  // the module instance and rebuilds the session in a fresh one (#recover).

  // Delivers one input to the session, performs what it asks, publishes the new snapshot.
  #input(deliver: (session: RawSession) => void, jobMayChange = false): void {
    this.#guard(() => this.#publish(this.#deliver(deliver), jobMayChange));
  }

  // Runs `work` against the live session. Nothing runs while the session is being rebuilt (the
  // rebuild takes the client's state as it is then); a session whose instance is gone is rebuilt.
  #guard(work: () => void): void {
    if (this.#disposed || this.#recovering) return;
    if (this.#handle.disposed || this.#slot.dropped(this.#raw)) return this.#recover(null);
    try {
      work();
    } catch (error) {
      if (!isTrap(error)) throw error;
      this.#recover(error);
    }
  }

  // A read for the UI (a row, a step): answered from the module as it is, even one another
  // client's trap dropped (it is replaced behind it); a trap here drops it at once.
  #read<T>(read: (session: RawSession) => T): T {
    if (!this.#disposed && this.#handle.disposed) {
      throw new JobDetailError({ code: 'internal_error', offset: null, message: 'the module is being replaced after a failure' });
    }
    const session = this.#handle.get();
    if (this.#slot.dropped(this.#raw)) queueMicrotask(() => this.#guard(() => undefined));
    try {
      return read(session);
    } catch (error) {
      if (!isTrap(error)) throw error;
      this.#recover(error);
      throw new JobDetailError({ code: 'internal_error', offset: null, message: trapMessage(error) });
    }
  }

  #deliver(deliver: (session: RawSession) => void): RawSession {
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
    let shrank = false;
    this.#guard(() => {
      const session = this.#deliver((s) =>
        transferBytes(this.#raw, value, (length) => s.onStepsChunkTransfer(id, length, this.#now())),
      );
      shrank = session.shownCount() < (this.#snapshot.steps?.count ?? 0);
    });
    if (this.#disposed || this.#recovering) return;
    if (this.#chunkRequest !== id) {
      this.#chunkRequest = id;
      this.#chunkPublishedAt = -Infinity;
    }
    const wait = this.#chunkPublishedAt + this.#progressIntervalMs - this.#now();
    if (wait <= 0 || !this.#live(id, controller) || shrank) {
      this.#publishChunks();
    } else if (this.#flushTimer === null) {
      this.#flushTimer = this.#armTimer(() => {
        this.#flushTimer = null;
        this.#publishChunks();
      }, wait);
    }
  }

  #publishChunks(): void {
    this.#chunkPublishedAt = this.#now();
    this.#guard(() => this.#publish(this.#handle.get(), false));
  }

  #cancelFlush(): void {
    if (this.#flushTimer === null) return;
    this.#flushTimer.clear(this.#flushTimer.handle);
    this.#flushTimer = null;
  }

  // Aborts every request and clears every timer (JS side only: the session is told apart).
  #stopWork(): void {
    for (const controller of this.#requests.values()) controller.abort();
    this.#requests.clear();
    for (const timer of this.#timers.values()) timer.clear(timer.handle);
    this.#timers.clear();
    this.#cancelFlush();
    this.#cancelSearch();
  }

  // One slice of the text search (when a query with text is set and rows are left), then the
  // view as it stands; the next slice is armed while rows remain. Null without a query.
  #explore(session: RawSession): ExplorerView | null {
    const query = this.#query;
    if (query === null) return null;
    if (!session.advanceSearch(SEARCH_SLICE_BYTES)) this.#scheduleSearch();
    this.#explorerViewAt = this.#now();
    return explorerView(session.explorerView(), query);
  }

  #scheduleSearch(): void {
    if (this.#searchTimer !== null) return;
    this.#searchTimer = this.#armTimer(() => {
      this.#searchTimer = null;
      this.#guard(() => this.#continueSearch(this.#handle.get()));
    }, 0);
  }

  // A later slice of the text search. Its view (all the shown rows converted, a millisecond or
  // two for thousands of rows, as much as the slice itself) is built when the search is done or
  // progressIntervalMs has passed since the last one, as download progress is published: a
  // search of a few tens of milliseconds shows its first and its final view.
  #continueSearch(session: RawSession): void {
    const query = this.#query;
    if (query === null) return;
    if (session.version() !== this.#version) return this.#publish(session, false);
    const done = session.advanceSearch(SEARCH_SLICE_BYTES);
    if (!done) {
      this.#scheduleSearch();
      if (this.#now() - this.#explorerViewAt < this.#progressIntervalMs) return;
    }
    this.#explorerViewAt = this.#now();
    this.#setSnapshot(Object.freeze({ ...this.#snapshot, explorer: explorerView(session.explorerView(), query) }));
  }

  // A snapshot with the explorer's new view; the session's own news (rows a throttled chunk
  // brought) go out with it rather than wait for the flush.
  #publishExplorer(session: RawSession): void {
    if (session.version() !== this.#version) return this.#publish(session, false);
    this.#setSnapshot(Object.freeze({ ...this.#snapshot, explorer: this.#explore(session) }));
  }

  #cancelSearch(): void {
    if (this.#searchTimer === null) return;
    this.#searchTimer.clear(this.#searchTimer.handle);
    this.#searchTimer = null;
  }

  /**
   * The module trapped (`error`), or another client's trap dropped the instance this session
   * lives in (`null`). The session is abandoned with its instance; a new one in the fresh
   * instance is given the job already shown (its answer replayed, not fetched again). After a
   * trap of this client's own, its steps are given up with `internal_error` so the job's own
   * steps show with that reason; a client that only moved downloads them again. Without a job
   * to replay the snapshot is the `internal_error` error. Nothing stays loading.
   */
  #recover(error: unknown): void {
    if (this.#recovering || this.#disposed) return;
    this.#recovering = true;
    const failed = this.#raw;
    // A trap of this client's own, in this job: the job is not loaded again blindly.
    const trappedJob = error === null ? null : this.#jobId;
    this.#stopWork();
    this.#handle.abandon();
    this.#rows = new Map();
    const message = trapMessage(error ?? 'another client');
    // Until the fresh instance is there, no rows can be read: the list is not shown meanwhile.
    this.#setSnapshot(
      Object.freeze({ ...this.#snapshot, status: 'loading', steps: null, progress: null, isFetching: true, explorer: null }),
    );
    this.#slot.replace(failed).then(
      (fresh) => this.#rebuild(fresh, trappedJob, message),
      (cause: unknown) => this.#recoveryFailed(`${message}; a new instance failed too: ${String(cause)}`),
    );
  }

  #rebuild(fresh: RawModule, trappedJob: string | null, message: string): void {
    if (this.#disposed) return;
    // The client as it is now: a load() while the instance was replaced asked for another job.
    const jobText = this.#jobText;
    const ownTrap = trappedJob !== null && trappedJob === this.#jobId;
    try {
      const listening = this.#listening;
      this.#raw = fresh;
      this.#handle = new OwnedHandle(this, nativeObject<RawSession>(fresh, 'session', fresh.sessionNew(this.#config)), 'JobDetailClient', () => listening.stop());
      this.#shareCache(fresh, this.#handle.get());
      this.#version = -1;
      this.#recovering = false;
      const session = this.#handle.get();
      if (this.#query !== null) session.setQuery(rawQuery(this.#query));
      this.#tellPage(session);
      const jobId = this.#jobId;
      if (jobId === null) return this.#setSnapshot(idleSnapshot);
      if (jobText === null) {
        if (!ownTrap) return this.#input((s) => s.start(jobId, this.#now()), true);
        // The job's own answer made the module fail: say so; refetch() starts it again.
        this.#needsStart = true;
        return this.#recoveryFailed(message);
      }
      const body = new TextEncoder().encode(jobText);
      this.#replay = { jobRequest: 0, stepsRequested: false };
      this.#deliver((s) => s.start(jobId, this.#now()));
      const jobRequest = this.#replay.jobRequest;
      this.#replay.jobRequest = -1;
      this.#deliver((s) => {
        fresh.transferView(body.length).set(body);
        s.onJobResponseTransfer(jobRequest, 200, [], body.length, this.#now());
      });
      const stepsRequested = this.#replay.stepsRequested;
      this.#replay = null;
      if (stepsRequested) {
        if (ownTrap) this.#deliver((s) => s.failSteps('internal_error', message, this.#now()));
        else this.#deliver((s) => s.refetch(this.#now()));  // the steps are fetched for real now
      }
      this.#publish(session, true);
    } catch (error) {
      this.#replay = null;
      if (!isTrap(error)) throw error;
      // The fresh instance failed on the same job: say so rather than loop.
      this.#handle.abandon();
      this.#slot.replace(fresh).catch(() => undefined);
      this.#recoveryFailed(trapMessage(error));
    }
  }

  // Without a session (no instance could be made) the next input tries again.
  #recoveryFailed(message: string): void {
    this.#recovering = false;
    this.#setSnapshot(
      Object.freeze({
        ...this.#snapshot,
        status: 'error',
        jobId: this.#jobId,
        steps: null,
        progress: null,
        isPending: false,
        isFetching: false,
        explorer: null,
        error: Object.freeze({ code: 'internal_error', message }),
      }),
    );
  }

  #setSnapshot(snapshot: JobDetailSnapshot): void {
    this.#cancelFlush();
    this.#snapshot = snapshot;
    for (const listener of [...this.#listeners]) safely(listener);
  }

  #perform(effect: RawEffect): void {
    const replay = this.#replay;
    switch (effect.type) {
      case 'fetchJob':
        if (replay !== null && replay.jobRequest === 0) {
          replay.jobRequest = effect.id;
          return;
        }
        void this.#fetchJob(effect.id, this.#jobUrl(effect.url));
        return;
      case 'fetchSteps':
        if (replay !== null) {
          replay.stepsRequested = true;
          return;
        }
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
          timer.clear(timer.handle);
        }
        return;
      }
      case 'startTimer': {
        const { id, at } = effect;
        const previous = this.#timers.get(id);
        if (previous !== undefined) previous.clear(previous.handle);
        const timer = this.#armTimer(() => {
          if (this.#timers.get(id) !== timer) return;
          this.#timers.delete(id);
          this.#input((session) => session.onTimer(id, this.#now()));
        }, Math.max(0, at - this.#now()));
        this.#timers.set(id, timer);
        return;
      }
      case 'metric': {
        if (replay !== null) return;  // the replayed answer was measured when it came
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
    return this.#requests.get(id) === controller && !this.#disposed && !this.#recovering;
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
      if (response.body !== null) {
        for await (const slice of bodySlices(response.body)) {
          if (!this.#live(id, controller)) return;
          this.#chunk(id, controller, slice);
        }
      }
      if (!this.#live(id, controller)) return;
      this.#requests.delete(id);
      this.#input((session) => session.onStepsEnd(id, this.#now()));
    } catch (error) {
      this.#failed(id, controller, error);
    }
  }

  // Builds the snapshot from the session when its version (or the job) changed.
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
    this.#version = version;
    this.#rows = new Map();
    this.#matches = new Map();
    this.#setSnapshot(buildSnapshot(session.snapshot(), this.#jobId, this.#job, this.#explore(session)));
  }
}
interface JobDetailClientImpl {
  [Symbol.dispose](): void;
}
installDispose(JobDetailClientImpl.prototype);

export function createJobDetailClient(slot: ModuleSlot, options: JobDetailClientOptions): JobDetailClient {
  const raw = slot.current;
  if (raw === null) {
    throw new JobDetailError({ code: 'internal_error', offset: null, message: 'the module is being replaced after a failure: try again shortly' });
  }
  try {
    return new JobDetailClientImpl(slot, raw, options);
  } catch (error) {
    if (!isTrap(error)) throw error;
    slot.replace(raw).catch(() => undefined);
    throw new JobDetailError({ code: 'internal_error', offset: null, message: trapMessage(error) });
  }
}
