#!/usr/bin/env node
// npm run build (and npm install, through `prepare`): the CLI's own
// TypeScript bundled into dist/ so a start loads a few files instead of
// transpiling ~150. npm packages stay external (native @node-rs/jieba,
// playwright-core, echarts …); every dynamic import() keeps its own chunk,
// so Playwright, speech and SIP still load only when a run needs them.
// The CLI is built twice: as ES modules (harness.mjs and its chunks, which the
// worker threads share) and as one CommonJS script (harness.cjs), which
// bin/harness.mjs runs with V8's code cache where Node can (bin/bundle.mjs).
// dist/manifest.json lists the sources the build read: bin/harness.mjs runs
// the sources instead while any of them is newer than the build.
// `--if-stale` builds only when that is so.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBundle } from '../bin/bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const next = join(root, `dist.new-${process.pid}`);
const builtAt = Date.now();

/**
 * Plain ES-module packages that every run loads go into the bundle: Node
 * resolves, reads and links each file of a package one by one (zod alone is
 * ~150 files, its 50 locales included, of which the bundle keeps the one
 * used), which cost a start more than the code itself. Native, CommonJS,
 * large or rarely loaded packages (jieba, Playwright, ECharts, openai, ws,
 * sip, commander …) stay external.
 */
const BUNDLED = new Set(['zod', 'js-yaml', 'entities', 'opencc-js', 'pinyin-pro', 'fastest-levenshtein', 'p-limit', 'yocto-queue']);
const packageName = (path) => /^(@[^/]+\/[^/]+|[^/@][^/]*)/.exec(path)?.[1];

/**
 * Other npm packages stay external, as Node will import them from dist/. tsx
 * resolves a subpath without its extension ('sip/digest') the CommonJS way;
 * Node's ESM loader does not when the package has no "exports": such a
 * subpath is written out with the file it names ('sip/digest.js').
 */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (BUNDLED.has(packageName(args.path))) return undefined;
      const m = /^(@[^/]+\/[^/]+|[^/@][^/]*)\/(.+)$/.exec(args.path);
      if (args.path.startsWith('node:') || !m || extname(m[2])) return { path: args.path, external: true };
      let pkgDir = null;
      for (let dir = args.resolveDir; !pkgDir; dir = dirname(dir)) {
        if (existsSync(join(dir, 'node_modules', m[1], 'package.json'))) pkgDir = join(dir, 'node_modules', m[1]);
        else if (dirname(dir) === dir) return { path: args.path, external: true };
      }
      if (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).exports) return { path: args.path, external: true };
      const file = relative(pkgDir, createRequire(join(args.resolveDir, 'x.js')).resolve(args.path)).split(sep).join('/');
      return { path: `${m[1]}/${file}`, external: true };
    });
  },
};

// --if-stale: nothing to do while the bundle is as new as its sources.
if (process.argv.includes('--if-stale') && freshBundle(root)) process.exit(0);

try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { harness: 'harness/cli.ts', 'embedded-worker': 'harness/embedded-worker.ts', 'grade-worker': 'harness/grade-worker.ts' },
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  // The CLI again as one CommonJS script, which bin/harness.mjs compiles with
  // V8's code cache (bin/bundle.mjs): Node 20 keeps none for ES modules. Its
  // dynamic imports stay lazy (esbuild runs a module's body at its import(),
  // and requires a package there).
  await build({
    absWorkingDir: root,
    entryPoints: { harness: 'harness/cli.ts' },
    outdir: next,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    outExtension: { '.js': '.cjs' },
    define: { 'import.meta.url': '__import_meta_url' },
    // import() of a package becomes require(): a script compiled through node:vm has no loader for import().
    supported: { 'dynamic-import': false },
    banner: { js: 'const __import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  const all = Object.keys(result.metafile.inputs);
  const inputs = all.filter((f) => !f.includes('node_modules/'));
  // The build's own settings are a source too; a bundled package counts by its package.json (its version).
  inputs.push(relative(root, fileURLToPath(import.meta.url)), 'package.json');
  const bundled = new Set(all.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean));
  for (const name of [...bundled].sort()) {
    const manifest = `node_modules/${name}/package.json`;
    if (existsSync(join(root, manifest))) inputs.push(manifest);
  }
  mkdirSync(next, { recursive: true });
  // Written last: a build without its manifest is never used.
  writeFileSync(join(next, 'manifest.json'), JSON.stringify({ entry: 'harness.mjs', builtAt, inputs }, null, 1) + '\n');
  rmSync(dist, { recursive: true, force: true });
  renameSync(next, dist);
} finally {
  rmSync(next, { recursive: true, force: true });
}
