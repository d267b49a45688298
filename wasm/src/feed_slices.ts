// Feeding a large network read to the session in slices, with the event loop running between them.

/**
 * The most bytes one task feeds to the session. Chromium hands a page reads of several MB when a
 * fast server sends the body, and the index takes them at 0.25 (a Python-written document, every
 * non-ASCII character a `\uXXXX` escape) to 1.9 GB/s on the 2-core bench machine (`npm run
 * bench`): 1 MiB is 0.5-5 ms of work, well inside a 16 ms frame even with the snapshot built after
 * it, while reads of a few hundred KB (what a real network gives) go through in one task as before.
 */
export const FEED_SLICE_BYTES = 1024 * 1024;

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
