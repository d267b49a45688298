// createWorkerFetch: a fetch whose requests run in a dedicated module Worker. A browser hands a page
// a network body in reads of up to a few MB, and receiving one is a main-thread task of the
// browser's own (8-20 ms for 1-2 MB on a slow machine) that no feeding strategy can split. Here the
// worker owns the request and its body; each chunk reaches the page as a transferred ArrayBuffer in
// a message event whose handler only enqueues it into the Response's stream.
import type { PageToWorker, WorkerFetchFailure, WorkerRequestInit, WorkerToPage } from './fetch_worker_messages.js';

/** The worker fetch cannot run: no Worker here (Node, a server render), or its script did not load (e.g. `worker-src`). */
export class WorkerFetchUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerFetchUnavailableError';
  }
}

/** A fetch backed by one dedicated Worker, for `JobDetailClientOptions.fetch` or any other use. */
export interface WorkerFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Resolves once the worker runs; rejects with WorkerFetchUnavailableError if it cannot start. */
  readonly ready: Promise<void>;
  /** Terminates the worker: requests in flight end as aborted, later calls reject. */
  close(): void;
  [Symbol.dispose](): void;
}

export interface WorkerFetchOptions {
  /**
   * Unread bytes the page's stream holds before the worker stops reading (default 8 MiB). The
   * browser keeps buffering what arrives meanwhile, as it does for a page that reads slowly.
   */
  highWaterMarkBytes?: number;
}

// Bodies fetch gives as null, which `new Response` refuses to carry.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const DEFAULT_HIGH_WATER_MARK = 8 * 1024 * 1024;

interface Flight {
  resolve(response: Response): void;
  reject(error: unknown): void;
  /** The body's stream, once the head came with a body. */
  body: ReadableStreamDefaultController<Uint8Array> | null;
  paused: boolean;
  signal: AbortSignal | null;
  onAbort: () => void;
}

function rebuild(failure: WorkerFetchFailure): Error {
  // A network failure is a TypeError, as fetch's own; the rest keep their DOMException name.
  if (failure.name === 'TypeError') return new TypeError(failure.message);
  return new DOMException(failure.message, failure.name);
}

// The signal fetch would follow: init's when given (null: none), else the Request's.
function signalOf(input: RequestInfo | URL, init: RequestInit | undefined): AbortSignal | null {
  if (init !== undefined && init.signal !== undefined) return init.signal;
  return input instanceof Request ? input.signal : null;
}

async function toWorkerInit(request: Request): Promise<WorkerRequestInit> {
  return {
    method: request.method,
    headers: [...request.headers],
    body: request.body === null ? null : await request.arrayBuffer(),
    cache: request.cache,
    credentials: request.credentials,
    integrity: request.integrity,
    keepalive: request.keepalive,
    mode: request.mode,
    redirect: request.redirect,
    // 'about:client' would be the worker's script URL there: the page's own is what fetch sends.
    referrer: request.referrer === 'about:client' ? (globalThis.location?.href ?? request.referrer) : request.referrer,
    referrerPolicy: request.referrerPolicy,
  };
}

// A Response made here has no url, redirected or type of its own: the worker's are set on it.
function withOrigin(response: Response, url: string, redirected: boolean, type: ResponseType): Response {
  return Object.defineProperties(response, {
    url: { value: url },
    redirected: { value: redirected },
    type: { value: type },
  });
}

/**
 * A fetch-compatible function whose requests and body reads run in one dedicated module Worker
 * (shared by every request of this function), so that a large download costs the page's main
 * thread only a small message event per chunk. Same semantics as fetch for what crosses: the
 * request's fields, `signal` (abort rejects, or errors the body, with the signal's reason),
 * network failures (TypeError), status, statusText, headers, a streamed body that errors with a
 * TypeError when the read fails, and cancelling the body stops the worker's read. Not supported:
 * `no-cors` and `redirect: 'manual'` (their opaque responses cannot be rebuilt: they reject with a
 * TypeError). The worker lives until `close()`.
 *
 * Throws WorkerFetchUnavailableError where no Worker can be created; `ready` rejects with it when
 * the worker's script cannot load (a Content-Security-Policy needs `worker-src 'self'`).
 */
export function createWorkerFetch(options: WorkerFetchOptions = {}): WorkerFetch {
  const highWaterMark = options.highWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK;
  if (typeof Worker === 'undefined') {
    throw new WorkerFetchUnavailableError('createWorkerFetch needs Web Workers, which this environment does not have');
  }
  let worker: Worker;
  try {
    worker = new Worker(new URL('./fetch_worker.js', import.meta.url), { type: 'module', name: 'job-detail fetch' });
  } catch (error) {
    throw new WorkerFetchUnavailableError(`the fetch worker could not be created: ${String(error)}`, { cause: error });
  }

  const flights = new Map<number, Flight>();
  let nextId = 1;
  let started = false;
  let unavailable: WorkerFetchUnavailableError | null = null;
  let markReady!: () => void;
  let markFailed!: (error: WorkerFetchUnavailableError) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => undefined);  // the requests report it too: an unread `ready` is not an error

  const post = (message: PageToWorker, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);

  const land = (id: number): Flight | undefined => {
    const flight = flights.get(id);
    if (flight !== undefined) {
      flights.delete(id);
      flight.signal?.removeEventListener('abort', flight.onAbort);
    }
    return flight;
  };

  const fail = (flight: Flight, error: unknown): void => {
    if (flight.body === null) flight.reject(error);
    else flight.body.error(error);
  };

  const failAll = (error: unknown): void => {
    for (const id of [...flights.keys()]) {
      const flight = land(id);
      if (flight !== undefined) fail(flight, error);
    }
  };

  const onHead = (message: Extract<WorkerToPage, { type: 'head' }>, flight: Flight): void => {
    const { id, status, statusText, headers } = message;
    if (status === 0) {
      // An opaque response (no-cors, redirect: 'manual') has nothing a page-made Response can carry.
      land(id);
      if (message.hasBody) post({ type: 'abort', id });
      flight.reject(new TypeError(`the worker fetch cannot pass on an opaque response (${message.responseType})`));
      return;
    }
    let body: ReadableStream<Uint8Array> | null = null;
    if (message.hasBody && !NULL_BODY_STATUSES.has(status)) {
      body = new ReadableStream<Uint8Array>(
        {
          start: (controller) => {
            flight.body = controller;
          },
          pull: () => {
            if (!flight.paused || !flights.has(id)) return;
            flight.paused = false;
            post({ type: 'resume', id });
          },
          cancel: () => {
            if (land(id) !== undefined) post({ type: 'abort', id });
          },
        },
        { highWaterMark, size: (chunk) => chunk.byteLength },
      );
    } else {
      land(id);
      if (message.hasBody) post({ type: 'abort', id });
    }
    const response = new Response(body, { status, statusText, headers });
    flight.resolve(withOrigin(response, message.url, message.redirected, message.responseType));
  };

  worker.onmessage = (event: MessageEvent<WorkerToPage>) => {
    const message = event.data;
    if (message.type === 'ready') {
      started = true;
      markReady();
      return;
    }
    const flight = flights.get(message.id);
    if (flight === undefined) return;  // aborted or cancelled here: the worker is told already
    switch (message.type) {
      case 'head':
        onHead(message, flight);
        return;
      case 'chunk': {
        const body = flight.body;
        if (body === null) return;
        body.enqueue(new Uint8Array(message.chunk));
        if (!flight.paused && (body.desiredSize ?? 1) <= 0) {
          flight.paused = true;
          post({ type: 'pause', id: message.id });
        }
        return;
      }
      case 'end':
        land(message.id);
        flight.body?.close();
        return;
      case 'failed':
        land(message.id);
        fail(flight, rebuild(message.error));
        return;
    }
  };
  // Before 'ready' an error is the script failing to load or run (blocked by a policy, a 404, a
  // bundler that did not emit it): nothing it was asked will be answered.
  worker.onerror = (event: ErrorEvent) => {
    if (started) return;
    event.preventDefault();
    unavailable = new WorkerFetchUnavailableError(
      `the fetch worker's script did not load${event.message ? ` (${event.message})` : ''}: a Content-Security-Policy needs worker-src 'self'`,
    );
    worker.terminate();
    markFailed(unavailable);
    failAll(unavailable);
  };

  const workerFetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (unavailable !== null) throw unavailable;
    const signal = signalOf(input, init);
    // The page's Request resolves the URL against the page and refuses what fetch refuses.
    const request = new Request(input, init);
    if (signal?.aborted) throw signal.reason;
    if (request.mode === 'no-cors') throw new TypeError("the worker fetch does not support mode 'no-cors'");
    const workerInit = await toWorkerInit(request);
    if (signal?.aborted) throw signal.reason;
    if (unavailable !== null) throw unavailable;
    const id = nextId++;
    return new Promise<Response>((resolve, reject) => {
      const flight: Flight = {
        resolve,
        reject,
        body: null,
        paused: false,
        signal,
        onAbort: () => {
          if (land(id) === undefined) return;
          post({ type: 'abort', id });
          fail(flight, signal?.reason);
        },
      };
      flights.set(id, flight);
      signal?.addEventListener('abort', flight.onAbort);
      post({ type: 'fetch', id, url: request.url, init: workerInit }, workerInit.body === null ? [] : [workerInit.body]);
    });
  }) as WorkerFetch;

  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unavailable = new WorkerFetchUnavailableError('the worker fetch was closed');
    worker.terminate();
    markFailed(unavailable);
    failAll(new DOMException('the worker fetch was closed', 'AbortError'));
  };
  Object.assign(workerFetch, { ready, close });
  // `using` where the runtime has it; close() everywhere.
  if (typeof Symbol.dispose === 'symbol') Object.defineProperty(workerFetch, Symbol.dispose, { value: close });
  return workerFetch;
}
