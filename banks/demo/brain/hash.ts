// Stable 32-bit FNV-1a: the brain's only source of variety, so the same
// messages always get the same replies on every channel.

import { fnv1a } from '../../../harness/util/hash.ts';

export { fnv1a };

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
