import { createHash } from 'node:crypto';

// FNV-1a lives in lib/ so protocol code (seeded audio) can use it too.
export { fnv1a } from '../../lib/hash.ts';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
