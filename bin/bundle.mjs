// The precompiled CLI (dist/, made by `npm run build` and on `npm install`):
// used when every source it was built from is older than the build, else the
// CLI runs from the TypeScript sources, so an edited file never runs old code.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const BUNDLE_DIR = 'dist';
export const MANIFEST = 'manifest.json';

/**
 * The bundle's entry file when it is fresh, else null. One read of the
 * manifest and one stat per source file it lists (a few ms): stale when a
 * listed file changed after the build started, or is gone.
 */
export function freshBundle(root) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, BUNDLE_DIR, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest?.builtAt !== 'number' || !Array.isArray(manifest.inputs) || typeof manifest.entry !== 'string') return null;
  for (const file of manifest.inputs) {
    const st = statSync(join(root, file), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > manifest.builtAt) return null;
  }
  return join(root, BUNDLE_DIR, manifest.entry);
}

/**
 * A worker thread's entry (`name`, e.g. 'grade-worker.mjs'): the bundle's
 * beside a fresh bundle, else bin/'s, which runs the sources through tsx.
 * `bundle` is freshBundle(root) when the caller has it already.
 */
export function workerEntry(root, name, bundle = freshBundle(root)) {
  const bundled = bundle && join(dirname(bundle), name);
  return bundled && existsSync(bundled) ? bundled : join(root, 'bin', name);
}
