import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Verdicts cached on disk by the hash of everything that shapes them, so a
// re-grade or a re-run of the same replies costs no request.

export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class VerdictCache {
  constructor(readonly dir: string | null) {}

  private path(key: string): string {
    return join(this.dir!, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<unknown | undefined> {
    if (!this.dir) return undefined;
    try {
      return JSON.parse(await readFile(this.path(key), 'utf8'));
    } catch {
      return undefined; // missing or torn: ask again
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    if (!this.dir) return;
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    // Write then rename: a reader never sees half a verdict.
    const tmp = `${this.path(key)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, this.path(key));
  }
}
