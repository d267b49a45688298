// The module instance an API object and its clients call into, and its replacement after a trap.
// A WebAssembly trap (abort, unreachable, out of memory) can leave the instance's memory half
// updated, so nothing calls into it again: the slot drops it and instantiates a fresh one, which
// every later call (and every client, as it next touches the module) uses instead.
import { nativeObject } from './handle.js';
import type { RawDocumentCache, RawModule } from './job_detail_wasm.mjs';

/** True for a WebAssembly trap (what Emscripten's abort() throws too). */
export function isTrap(error: unknown): boolean {
  return typeof WebAssembly === 'object' && error instanceof WebAssembly.RuntimeError;
}

/** The document cache's budget until a client gives another (four 31 MB documents with records). */
export const DEFAULT_DOCUMENT_CACHE_BYTES = 128 * 1024 * 1024;

export class ModuleSlot {
  #current: RawModule | null;
  // One document cache per instance, shared by its clients' sessions. It lives as long as the
  // instance (nothing deletes it: a dropped instance's memory goes with it).
  readonly #caches = new WeakMap<RawModule, RawDocumentCache>();
  #cacheBudget = DEFAULT_DOCUMENT_CACHE_BYTES;
  #next: Promise<RawModule> | null = null;
  readonly #dropped = new WeakSet<RawModule>();
  readonly #instantiate: () => Promise<RawModule>;

  constructor(raw: RawModule, instantiate: () => Promise<RawModule>) {
    this.#current = raw;
    this.#instantiate = instantiate;
  }

  /** The live instance; null while its replacement is being made. */
  get current(): RawModule | null {
    return this.#current;
  }

  /** `raw`'s document cache, made on first use with the latest budget given. */
  documentCache(raw: RawModule): RawDocumentCache {
    let cache = this.#caches.get(raw);
    if (cache === undefined) {
      cache = nativeObject<RawDocumentCache>(raw, 'documentCache', raw.documentCacheNew(this.#cacheBudget));
      this.#caches.set(raw, cache);
    }
    return cache;
  }

  /** A client gave a budget: it applies to the live instance's cache now and to later ones. */
  setDocumentCacheBudget(raw: RawModule, budgetBytes: number): void {
    this.#cacheBudget = budgetBytes;
    this.documentCache(raw).setBudget(budgetBytes);
  }

  /** Whether `raw` was dropped after a trap (its objects must not be called again). */
  dropped(raw: RawModule): boolean {
    return this.#dropped.has(raw);
  }

  /**
   * `raw` trapped: drops it (when it is still the live one) and makes a fresh instance. Resolves
   * with the live instance; rejects when none could be made (a later drop tries again).
   */
  replace(raw: RawModule): Promise<RawModule> {
    if (!this.#dropped.has(raw)) {
      this.#dropped.add(raw);
      if (this.#current === raw) this.#current = null;
    }
    if (this.#current !== null) return Promise.resolve(this.#current);
    if (this.#next === null) {
      const next = this.#instantiate().then(
        (fresh) => {
          this.#current = fresh;
          this.#next = null;
          return fresh;
        },
        (error: unknown) => {
          this.#next = null;
          throw error;
        },
      );
      this.#next = next;
    }
    return this.#next;
  }
}
