/**
 * Deterministic randomness for simulators, fault plans and fuzzing: the same seed gives the same numbers on
 * every machine and every run. Never for anything secret.
 */

/**
 * A 32-bit hash of `text`: FNV-1a, then murmur3's finaliser, so that seeds differing in one character land
 * far apart.
 *
 * @example
 * ```ts
 * hashString('ord_7Hq2Kx9mPz4Lw8Rt#1') / 2 ** 32; // a number in [0, 1) fixed by the text
 * ```
 */
export const hashString = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
};

/**
 * mulberry32: a small, fast generator with a 32-bit state; returns floats in [0, 1).
 *
 * @example
 * ```ts
 * const random = mulberry32(hashString('seed-7|order-mix'));
 * random(); // 0.37…, the same on every run
 * ```
 */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};
