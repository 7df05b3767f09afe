import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../lib/package-root.ts';
import { JsonCache } from '../util/json-cache.ts';

// Validated packs (and _locale.yaml files) by content. Reading a 2,000-case pack (YAML, then the
// schema) takes a run's start a few hundred milliseconds; its validated form
// read back as JSON, a few. An entry is found by a hash of the file's bytes
// together with the code that turns bytes into a pack — the schema, the
// loader, the YAML reader and the versions of harness, zod and js-yaml — so
// an edited pack or a changed reader never meets an old entry. Only packs
// without problems are kept (problems need the file's positions), and any
// trouble with the cache folder (read-only, full, a damaged entry) just
// means the pack is read from its file.

/** Where a run keeps it, under the working folder (beside the LLM judge's .cache/llm-judge). */
export const PACK_CACHE_DIR = '.cache/packs';

/** Entries kept; the oldest go first. */
const MAX_ENTRIES = 64;

/** The sources that decide what a pack file parses to, beside this file. */
const READER_SOURCES = ['scenario.ts', 'load.ts', 'yaml.ts', 'encoding.ts', 'pack-cache.ts'];

let readerHash: string | null | undefined;

/** A hash of the code that reads packs; null when its sources are not there to hash (no cache then). */
function readerFingerprint(): string | null {
  if (readerHash !== undefined) return readerHash;
  try {
    const h = createHash('sha256');
    const require = createRequire(import.meta.url);
    for (const pkg of [join(PACKAGE_ROOT, 'package.json'), require.resolve('zod/package.json'), require.resolve('js-yaml/package.json')]) {
      h.update(String((JSON.parse(readFileSync(pkg, 'utf8')) as { version?: unknown }).version)).update('\0');
    }
    for (const file of READER_SOURCES) h.update(readFileSync(join(PACKAGE_ROOT, 'harness', 'config', file))).update('\0');
    readerHash = h.digest('hex');
  } catch {
    readerHash = null;
  }
  return readerHash;
}

/** The validated packs (before key-point references are resolved), by a key from key(). */
export class PackCache extends JsonCache {
  constructor(dir: string) {
    super(dir, MAX_ENTRIES);
  }

  /** The entry's key for a file's bytes read as a pack or as a locale, or null when the cache is off. */
  key(bytes: Buffer, kind: 'pack' | 'locale' = 'pack'): string | null {
    const reader = readerFingerprint();
    return reader === null ? null : createHash('sha256').update(reader).update('\0').update(kind).update('\0').update(bytes).digest('hex');
  }
}
