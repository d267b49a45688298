// Seeded pseudo-random numbers (mulberry32): demo data must be identical on every run,
// so the browser tests can assert exact counts and totals.

/**
 * @param {number} seed 32-bit seed
 */
export function createRandom(seed) {
  let state = seed >>> 0;
  /** @returns {number} in [0, 1) */
  function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return {
    next,
    /** Integer in [min, max]. */
    int(/** @type {number} */ min, /** @type {number} */ max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    /** @template T @param {readonly T[]} items @returns {T} */
    pick(items) {
      return items[Math.floor(next() * items.length)];
    },
  };
}
