// Feeding a large network read to the session in slices, with the event loop running between them.

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
