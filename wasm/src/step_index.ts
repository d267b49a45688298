// createStepIndex / indexSteps: the facade over bindings/step_index_bindings.cc.
import { JobDetailError } from './errors.js';
import { OwnedHandle, checkIndex, installDispose, nativeObject } from './handle.js';
import type { RawModule, RawResult, RawStepIndex, RawStepIndexOptions } from './job_detail_wasm.mjs';
import { asBytes } from './transfer.js';
import type {
  JsonValue,
  StepIndex,
  StepIndexOptions,
  StepIndexProgress,
  StepIndexResult,
  StepRow,
} from './types.js';

// The index validated the bytes as UTF-8 JSON, so a plain decoder and JSON.parse cannot fail on a
// step's text; JSON.parse builds the object far faster than converting nlohmann's tree value by value.
const utf8 = new TextDecoder();

function unwrap<T>(result: RawResult<T>): T {
  if (!result.ok) throw new JobDetailError(result.error);
  return result.value;
}

function checkLimit(name: string, value: number | undefined): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new JobDetailError({
      code: 'invalid_argument',
      offset: null,
      message: `${name} must be a non-negative integer, got ${String(value)}`,
    });
  }
  return value;
}

/** The options as the bindings take them: checked, without undefined members. */
export function rawStepIndexOptions(options: StepIndexOptions = {}): RawStepIndexOptions {
  const out: RawStepIndexOptions = {};
  const maxBytes = checkLimit('maxBytes', options.maxBytes);
  if (maxBytes !== undefined) out.maxBytes = maxBytes;
  const maxDepth = checkLimit('maxDepth', options.maxDepth);
  if (maxDepth !== undefined) out.maxDepth = Math.min(maxDepth, 0xffffffff);
  const maxSteps = checkLimit('maxSteps', options.maxSteps);
  if (maxSteps !== undefined) out.maxSteps = maxSteps;
  if (options.strict !== undefined) {
    if (typeof options.strict !== 'boolean') {
      throw new JobDetailError({ code: 'invalid_argument', offset: null, message: `strict must be a boolean, got ${String(options.strict)}` });
    }
    out.strict = options.strict;
  }
  return out;
}

/** Step `i` of a raw index, decoded by JSON.parse from its validated text. */
export function decodeStep(index: { stepText(i: number): RawResult<Uint8Array> }, i: number): JsonValue {
  checkIndex(i);
  return JSON.parse(utf8.decode(unwrap(index.stepText(i)))) as JsonValue;
}

/** The summary of step `i` of a raw index. */
export function summarizeStep(index: { summary(i: number): RawResult<StepRow> }, i: number): StepRow {
  checkIndex(i);
  return unwrap(index.summary(i));
}

class StepIndexImpl implements StepIndex {
  readonly #handle: OwnedHandle<RawStepIndex>;

  constructor(raw: RawModule, options: StepIndexOptions | undefined) {
    // Every option is checked before the wasm object exists, so a refused one leaves nothing to free.
    const rawOptions = rawStepIndexOptions(options);
    const expected = checkLimit('expectedBytes', options?.expectedBytes);
    this.#handle = new OwnedHandle(this, nativeObject<RawStepIndex>(raw, 'stepIndex', raw.stepIndexNew(rawOptions)), 'StepIndex');
    if (expected !== undefined) this.reserve(expected);
  }

  /** Grows the document buffer once when the total size is known. */
  reserve(bytes: number): void {
    this.#handle.get().reserve(bytes);
  }

  feed(chunk: Uint8Array | ArrayBuffer): void {
    const index = this.#handle.get();
    const bytes = asBytes(chunk);
    // One copy, straight into the index's document buffer, where the scanner reads the bytes.
    // The room is shorter than the chunk only when maxBytes is reached (commitFeed reports it).
    const room = index.prepareFeed(bytes.length);
    room.set(room.length === bytes.length ? bytes : bytes.subarray(0, room.length));
    index.commitFeed(room.length);
  }

  finish(): StepIndexResult {
    return this.#handle.get().finish();
  }

  get count(): number {
    return this.#handle.get().count();
  }

  get finished(): boolean {
    return this.#handle.get().finished();
  }

  progress(): StepIndexProgress {
    return this.#handle.get().progress();
  }

  summary(i: number): StepRow {
    return summarizeStep(this.#handle.get(), i);
  }

  step(i: number): JsonValue {
    return decodeStep(this.#handle.get(), i);
  }

  dispose(): void {
    this.#handle.dispose();
  }
}
interface StepIndexImpl {
  [Symbol.dispose](): void;
}
installDispose(StepIndexImpl.prototype);

export function createStepIndex(raw: RawModule, options?: StepIndexOptions): StepIndex {
  return new StepIndexImpl(raw, options);
}

export function indexSteps(
  raw: RawModule,
  bytes: Uint8Array | ArrayBuffer,
  options?: StepIndexOptions,
): StepIndexResult {
  const data = asBytes(bytes);
  const index = new StepIndexImpl(raw, { ...options, expectedBytes: data.length });
  try {
    index.feed(data);
    return index.finish();
  } finally {
    index.dispose();
  }
}
