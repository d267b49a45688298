// Page visibility and connectivity for the client: which sources to listen to by default, and
// the listeners themselves.
import type { PageEvents } from './types.js';

type EventSource = { addEventListener(type: string, fn: () => void): void; removeEventListener(type: string, fn: () => void): void };

/** What the page's events drive. */
export interface PageListener {
  setPageVisible(visible: boolean): void;
  setOnline(online: boolean): void;
}

export function defaultPageEvents(): PageEvents {
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
export function listenToPage(target: WeakRef<PageListener>, events: PageEvents): () => void {
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

