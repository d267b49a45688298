// The worker behind `createWorkerFetch` (worker_fetch.ts): it performs the page's requests with its
// own fetch and reads their bodies here, so the browser's handling of each network read (a task of
// 8-20 ms for a read of 1-2 MB) runs on this thread. Each chunk goes to the page as a transferred
// ArrayBuffer: the page's thread only receives message events. It imports types only, so the file
// runs as it stands wherever a bundler copies it instead of bundling it.
import type { PageToWorker, WorkerFetchFailure, WorkerRequestInit, WorkerToPage } from './fetch_worker_messages.js';

// The package compiles against the DOM library; these are the dedicated worker scope's parts used.
interface WorkerScope {
  onmessage: ((event: MessageEvent<PageToWorker>) => void) | null;
  postMessage(message: WorkerToPage, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

interface Flight {
  controller: AbortController;
  paused: boolean;
  /** Wakes a read loop waiting while paused (on resume or abort). */
  wake: (() => void) | null;
}

const flights = new Map<number, Flight>();

function failure(error: unknown): WorkerFetchFailure {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'TypeError', message: String(error) };
}

// A chunk's own buffer moves to the page; a view into a larger buffer is copied out first, so what
// is transferred is exactly the chunk's bytes.
function ownBuffer(chunk: Uint8Array): ArrayBuffer {
  const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
  return whole ? (chunk.buffer as ArrayBuffer) : chunk.slice().buffer;
}

function toRequestInit(init: WorkerRequestInit, signal: AbortSignal): RequestInit {
  return {
    method: init.method,
    headers: init.headers,
    body: init.body,
    cache: init.cache,
    credentials: init.credentials,
    integrity: init.integrity,
    keepalive: init.keepalive,
    mode: init.mode,
    redirect: init.redirect,
    referrer: init.referrer,
    referrerPolicy: init.referrerPolicy,
    signal,
  };
}

async function perform(id: number, url: string, init: WorkerRequestInit): Promise<void> {
  const flight: Flight = { controller: new AbortController(), paused: false, wake: null };
  flights.set(id, flight);
  const signal = flight.controller.signal;
  try {
    const response = await fetch(url, toRequestInit(init, signal));
    const body = response.body;
    scope.postMessage({
      type: 'head',
      id,
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      url: response.url,
      redirected: response.redirected,
      responseType: response.type,
      hasBody: body !== null,
    });
    if (body === null) return;
    const reader = body.getReader();
    try {
      for (;;) {
        while (flight.paused && !signal.aborted) await new Promise<void>((resolve) => (flight.wake = resolve));
        if (signal.aborted) return;
        const { done, value } = await reader.read();
        if (signal.aborted) return;
        if (done) break;
        const chunk = ownBuffer(value);
        scope.postMessage({ type: 'chunk', id, chunk }, [chunk]);
      }
    } finally {
      if (signal.aborted) void reader.cancel().catch(() => undefined);
    }
    scope.postMessage({ type: 'end', id });
  } catch (error) {
    // After an abort the page has settled the request itself and expects nothing more.
    if (!signal.aborted) scope.postMessage({ type: 'failed', id, error: failure(error) });
  } finally {
    flights.delete(id);
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'fetch') {
    void perform(message.id, message.url, message.init);
    return;
  }
  const flight = flights.get(message.id);
  if (flight === undefined) return;
  if (message.type === 'abort') flight.controller.abort();
  else flight.paused = message.type === 'pause';
  if (!flight.paused || flight.controller.signal.aborted) {
    flight.wake?.();
    flight.wake = null;
  }
};

scope.postMessage({ type: 'ready' });
