import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { threadId } from 'node:worker_threads';
import type * as ECharts from 'echarts';

// ECharts' single-file build, run as a script with V8's code cache. Compiling
// its 1.1 MB, then the functions the first charts call, cost ~70 ms of every
// run's end; from the cache ~30 ms. Node 20 keeps no compile cache for ES
// modules, so the build is loaded as a script (its UMD form) through node:vm,
// which takes one. The cache lives under the working folder (.cache/v8, beside
// the packs' cache); the first run that paints a chart makes it, with those
// functions compiled. A cache made by another Node or V8 is rejected by V8 and
// made anew; any trouble with the folder only costs the time it would save.

/** Where the code cache is kept, under the working folder. */
export const CODE_CACHE_DIR = '.cache/v8';

const file = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
const stat = statSync(file);
const cacheFile = join(CODE_CACHE_DIR, `echarts-${process.version}-${process.arch}-${stat.size}-${Math.round(stat.mtimeMs)}.bin`);

let script: Script | undefined;
let engine: typeof ECharts | undefined;
let fromCache = false;
/** ECharts was compiled here, not read from a cache that fits: its code is to be kept, once. */
let owed = false;
let scheduled: NodeJS.Immediate | undefined;

/**
 * ECharts, compiled at the first call in this thread (from the code cache
 * when one fits): importing the renderers costs nothing until a chart is
 * painted, here or in the grading thread.
 */
export function echarts(): typeof ECharts {
  if (engine) return engine;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet: compiled from source, and the cache made after the first charts
  }
  script = new Script(`(function (exports, module) {${readFileSync(file, 'utf8')}\n})`, { filename: file, cachedData });
  const module = { exports: {} as typeof ECharts };
  (script.runInThisContext() as (exports: object, module: object) => void)(module.exports, module);
  fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  owed = !fromCache;
  return (engine = module.exports);
}

/** Whether this thread's ECharts came from the code cache (false before it is loaded). */
export function compiledFromCache(): boolean {
  return fromCache;
}

/**
 * A chart was painted: once the page's other charts are too (the same turn of
 * the event loop), keep the compiled code, theirs included, for the next run,
 * unless a cache that fits was used. `now`: the charts are all painted, keep
 * it before this returns (a painting thread may be ended right after).
 */
export function keepCompiledCharts(now = false): void {
  if (!owed) return;
  if (!now) {
    scheduled ??= setImmediate(() => keepCompiledCharts(true));
    return;
  }
  clearImmediate(scheduled);
  scheduled = undefined;
  owed = false;
  writeCache();
}

function writeCache(): void {
  if (!script) return;
  try {
    mkdirSync(CODE_CACHE_DIR, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    // a read-only or full folder: the next run compiles from source again
  }
}
