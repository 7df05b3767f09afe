import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

// A folder of JSON entries, one file a key, for what is slow to make and
// cheap to read back (.cache/packs, .cache/jieba under the working folder).
// An entry holds its key, so a renamed or damaged file is never taken for
// another's; any trouble with the folder (read-only, full, a damaged entry)
// only means the value is made again. The oldest entries go past `maxEntries`.

export class JsonCache {
  constructor(
    readonly dir: string,
    private readonly maxEntries = 64,
  ) {}

  /** The value stored under `key`, if any. */
  get(key: string): unknown {
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as { key?: unknown; value?: unknown };
      return entry && entry.key === key ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: unknown): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const file = join(this.dir, `${key}.json`);
      // Another process or thread may write the same entry at once: each through a file of its own.
      const tmp = `${file}.${process.pid}.${threadId}.tmp`;
      writeFileSync(tmp, JSON.stringify({ key, value }));
      renameSync(tmp, file);
      this.prune();
    } catch {
      // A cache that cannot be written is no cache: the value was made all the same.
    }
  }

  private prune(): void {
    const entries = readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    if (entries.length <= this.maxEntries) return;
    const byAge = entries.map((f) => ({ f, t: statSync(join(this.dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { f } of byAge.slice(0, entries.length - this.maxEntries)) unlinkSync(join(this.dir, f));
  }
}
