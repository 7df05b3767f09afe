#!/usr/bin/env node
// npm run build (and npm install, through `prepare`): the CLI's own
// TypeScript bundled into dist/ so a start loads a few files instead of
// transpiling ~150. npm packages stay external (native @node-rs/jieba,
// playwright-core, echarts …); every dynamic import() keeps its own chunk,
// so Playwright, speech and SIP still load only when a run needs them.
// dist/manifest.json lists the sources the build read: bin/harness.mjs runs
// the sources instead while any of them is newer than the build.
// `--if-stale` builds only when that is so.
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBundle } from '../bin/bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const next = join(root, `dist.new-${process.pid}`);
const builtAt = Date.now();

// --if-stale: nothing to do while the bundle is as new as its sources.
if (process.argv.includes('--if-stale') && freshBundle(root)) process.exit(0);

try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { harness: 'harness/cli.ts' },
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  // The build's own settings are a source too.
  inputs.push(relative(root, fileURLToPath(import.meta.url)), 'package.json');
  mkdirSync(next, { recursive: true });
  // Written last: a build without its manifest is never used.
  writeFileSync(join(next, 'manifest.json'), JSON.stringify({ entry: 'harness.mjs', builtAt, inputs }, null, 1) + '\n');
  rmSync(dist, { recursive: true, force: true });
  renameSync(next, dist);
} finally {
  rmSync(next, { recursive: true, force: true });
}
