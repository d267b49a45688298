// Ownership of the module's native objects users hold: dispose() frees at once, `using` works where
// Symbol.dispose exists, and a FinalizationRegistry frees what was dropped without dispose().
import { JobDetailError } from './errors.js';
import type { RawHandle, RawModule } from './job_detail_wasm.mjs';

type Kind = 'session' | 'stepIndex' | 'documentCache';
type Method = (this: RawHandle, ...args: unknown[]) => unknown;

// Per module instance and kind: the prototype whose methods call the module's free functions.
const prototypes = new WeakMap<RawModule, Map<Kind, object>>();

/**
 * The native object behind `handle` (a `${kind}New` result) with its methods: the module exports
 * each as a free function `${kind}${Method}(handle, ...args)` (bindings/handle_table.h), which
 * costs the glue far less than an Embind class; `delete()` frees it.
 */
export function nativeObject<T extends RawHandle>(raw: RawModule, kind: Kind, handle: number): T {
  let byKind = prototypes.get(raw);
  if (byKind === undefined) prototypes.set(raw, (byKind = new Map()));
  let proto = byKind.get(kind);
  if (proto === undefined) {
    const methods: Record<string, Method> = {};
    for (const key in raw) {
      const first = key.charAt(kind.length);
      if (!key.startsWith(kind) || first === '' || first === first.toLowerCase()) continue;
      const fn = (raw as unknown as Record<string, unknown>)[key] as (...args: unknown[]) => unknown;
      methods[first.toLowerCase() + key.slice(kind.length + 1)] = function (...args) {
        return fn(this.handle, ...args);
      };
    }
    byKind.set(kind, (proto = methods));
  }
  return Object.assign(Object.create(proto) as T, { handle });
}

interface Held {
  handle: RawHandle;
  release: (() => void) | undefined;
}

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Held>(({ handle, release }) => {
        release?.();
        handle.delete();
      })
    : undefined;

/** The well-known dispose symbol, when the runtime has one (Node >= 20.4, recent browsers). */
export const disposeSymbol: symbol | undefined =
  typeof Symbol === 'function' && typeof Symbol.dispose === 'symbol' ? Symbol.dispose : undefined;

/**
 * Holds one raw handle for `owner`; `get()` throws once disposed. `release` (which must not
 * reference `owner`) runs on dispose and, for an owner dropped without dispose, on finalization.
 */
export class OwnedHandle<T extends RawHandle> {
  #handle: T | undefined;
  readonly #what: string;
  readonly #release: (() => void) | undefined;

  constructor(owner: object, handle: T, what: string, release?: () => void) {
    this.#handle = handle;
    this.#what = what;
    this.#release = release;
    registry?.register(owner, { handle, release }, this);
  }

  get disposed(): boolean {
    return this.#handle === undefined;
  }

  get(): T {
    if (this.#handle === undefined) {
      throw new JobDetailError({
        code: 'invalid_argument',
        offset: null,
        message: `${this.#what} was used after dispose()`,
      });
    }
    return this.#handle;
  }

  /**
   * Forgets the handle without calling into its module (which trapped and must not run again):
   * its memory goes with the module instance. `release` does not run.
   */
  abandon(): void {
    if (this.#handle === undefined) return;
    this.#handle = undefined;
    registry?.unregister(this);
  }

  dispose(): void {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    registry?.unregister(this);
    this.#release?.();
    handle.delete();
  }
}

/** Gives `proto` a `[Symbol.dispose]` that calls `dispose()`, where the symbol exists. */
export function installDispose(proto: { dispose(): void }): void {
  if (disposeSymbol === undefined) return;
  Object.defineProperty(proto, disposeSymbol, {
    value: function (this: { dispose(): void }) {
      this.dispose();
    },
    writable: true,
    configurable: true,
  });
}

/** Throws JobDetailError `invalid_argument` unless `i` is a non-negative integer. */
// Row indexes cross into wasm as 32-bit integers, which Embind wraps silently (2^32 + 1 would read
// row 1): anything that is not an integer below 2^32 is refused here; the core checks the count.
const INDEX_LIMIT = 2 ** 32;

export function checkIndex(i: number): void {
  if (!Number.isSafeInteger(i) || i < 0) {
    throw new JobDetailError({ code: 'invalid_argument', offset: null, message: `index ${String(i)} is not a non-negative integer` });
  }
  if (i >= INDEX_LIMIT) {
    throw new JobDetailError({ code: 'invalid_argument', offset: null, message: `index ${i} is out of range` });
  }
}
