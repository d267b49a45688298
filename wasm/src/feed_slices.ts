// Feeding a network body to the session in slices, with the event loop running between them.

/**
 * The most bytes one task feeds to the session. Chromium hands a page reads of 1-2 MB when a fast
 * server sends the body, and receiving such a read is already a task of several milliseconds of
 * Chromium's own (`npm run bench` shows it as "reading alone"), so the module's work must not run
 * in the same task at a read's full size. 256 KiB is the module's transfer slice (one copy into
 * wasm memory and one session input per task) and at most about 1 ms of indexing even on a
 * Python-written document (every non-ASCII character a `\uXXXX` escape, the slowest to index);
 * the rows and snapshot built after it stay small too. Reads of 64 KB (what a real network
 * gives) go through in one task as before.
 */
export const FEED_SLICE_BYTES = 256 * 1024;

/**
 * A response body's bytes, at most FEED_SLICE_BYTES per slice and one slice per task. A slice is
 * valid only until the next one is asked for.
 *
 * A byte stream (Chromium's and Node's fetch bodies) is read with a BYOB reader into one buffer
 * that every read reuses: the browser copies from the network straight into it, and a download of
 * tens of megabytes allocates no ArrayBuffer per read. Per-read buffers were what stalled the page:
 * V8 frees hundreds of dead 64 KB buffers on a background thread, and Chromium traces showed the
 * page's thread losing 10-40 ms in one task of the download while that sweep ran. A BYOB read
 * resolves at once when the network has bytes waiting, so each slice is followed by a macrotask.
 * Any other stream's reads are cut into slices, a macrotask between two slices of one read.
 * Leaving early (or a failed read) cancels the body.
 */
export async function* bodySlices(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  let byob: ReadableStreamBYOBReader | null = null;
  let plain: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    plain = body.getReader();  // not a byte stream: read it as it comes
  }
  let ended = false;
  try {
    // The reused buffer exists only for a byte stream; the other path reads into the stream's own.
    let buffer: ArrayBufferLike = new ArrayBuffer(byob !== null ? FEED_SLICE_BYTES : 0);
    for (;;) {
      const { done, value }: ReadableStreamReadResult<Uint8Array> =
        byob !== null ? await byob.read(new Uint8Array(buffer)) : await plain!.read();
      if (done) {
        ended = true;
        return;
      }
      if (byob !== null) {
        buffer = value.buffer;  // the same memory, handed back by the read
        yield value;
        await nextMacrotask();
        continue;
      }
      for (let at = 0; at < value.length; ) {
        const end = Math.min(value.length, at + FEED_SLICE_BYTES);
        yield value.subarray(at, end);
        at = end;
        if (at < value.length) await nextMacrotask();
      }
    }
  } finally {
    if (!ended) void (byob ?? plain)!.cancel().catch(() => undefined);
  }
}

/**
 * Resolves in a later macrotask, so that input, rendering and timers run before the next slice.
 * A message, not a timer: browsers clamp nested `setTimeout(0)` to 4 ms, and the client's own
 * `setTimeout` option may be a test's virtual clock that never fires on its own.
 */
export function nextMacrotask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => globalThis.setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();  // a port left open keeps Node's event loop alive
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
