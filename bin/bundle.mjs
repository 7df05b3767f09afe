// The precompiled CLI (dist/, made by `npm run build` and on `npm install`):
// used when every source it was built from is older than the build, else the
// CLI runs from the TypeScript sources, so an edited file never runs old code.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

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

/** Where the CLI script's code caches are kept: in the build, so a new build starts without them. */
export const CODE_CACHE_DIR = 'code-cache';

/** How loadCli compiled the CLI: 'modules' (its ES modules), or its script with the code cache 'used', 'made' (there was none) or 'remade' (V8 rejected it). */
export let cliCompiled = 'modules';

/**
 * The CLI's module (its main()) from a fresh bundle. Where Node can require()
 * an ES module (20.19 and later: the script requires every package, ES
 * modules among them), its CommonJS script compiled with V8's code cache,
 * one per command: Node 20 keeps no compile cache for ES modules, and
 * compiling the CLI cost every start tens of milliseconds, then more as each
 * function first ran. Else, or without the script, its ES modules.
 */
export async function loadCli(bundle, command = 'cli') {
  const script = bundle.replace(/\.mjs$/, '.cjs');
  if (!process.features.require_module || script === bundle || !existsSync(script)) return import(pathToFileURL(bundle).href);
  const name = /^[a-z][a-z-]{0,30}$/.test(command) ? command : 'cli';
  const cacheFile = join(dirname(script), CODE_CACHE_DIR, `${name}-${process.version}-${process.arch}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet: this process makes it
  }
  const compiled = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(script, 'utf8')}\n})`, {
    filename: script,
    cachedData,
  });
  const module = { exports: {} };
  compiled.runInThisContext()(module.exports, createRequire(script), module, script, dirname(script));
  cliCompiled = !cachedData ? 'made' : compiled.cachedDataRejected ? 'remade' : 'used';
  // Made as the process ends, so it holds every function the command ran; V8 rejects one made by another Node or with other flags.
  if (cliCompiled !== 'used') process.once('exit', () => keepCodeCache(compiled, cacheFile));
  return module.exports;
}

function keepCodeCache(compiled, file) {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, compiled.createCachedData());
    renameSync(tmp, file);
  } catch {
    // a read-only install: every start compiles, as without the cache
  }
}
