import { fnv1a } from '../../hash.ts';

// Seeded randomness: every random choice in the hotline (noise, ASR errors)
// is reproducible from the conversation's seed.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit over the UTF-16 code units of the parts, joined by '\u0000'. */
export function hashSeed(...parts: (string | number)[]): number {
  return fnv1a(parts.join('\u0000'));
}

/** Standard normal deviate (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
