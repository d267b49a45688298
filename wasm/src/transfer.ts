// Hands bytes to the core through the module's transfer view (bindings/transfer_buffer.h): one
// TypedArray.set into wasm memory per slice, then the core copies the slice once into its buffer.
import type { RawModule } from './job_detail_wasm.mjs';

/** Bytes of an ArrayBuffer or any view, without copying. */
export function asBytes(chunk: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return new Uint8Array(chunk);
}

/**
 * Writes `bytes` in slices of at most `raw.transferChunkBytes` and calls `consume(length)` after
 * each, before anything else can touch wasm memory (the view detaches when memory grows).
 */
export function transferBytes(raw: RawModule, bytes: Uint8Array, consume: (length: number) => void): void {
  const slice = raw.transferChunkBytes;
  for (let offset = 0; offset < bytes.length; offset += slice) {
    const part = bytes.subarray(offset, Math.min(offset + slice, bytes.length));
    raw.transferView(part.length).set(part);
    consume(part.length);
  }
}
