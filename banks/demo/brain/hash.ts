// Stable 32-bit FNV-1a: the brain's only source of variety, so the same
// messages always get the same replies on every channel.

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

export function fnv1a(text: string, seed: number = OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, PRIME);
  }
  return h >>> 0;
}

/** A stable number in [0, 1) for a seed and a salt. */
export function unit(seed: number, salt: string): number {
  // One extra avalanche round: FNV alone spreads the last characters poorly.
  let h = fnv1a(salt, seed);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 0x100000000;
}
