#!/usr/bin/env node
// npm run bench [-- name…]: runs bench/*.bench.ts one after another, each in
// its own process so one benchmark's memory and browsers never skew the next.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const all = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts'));
// A name picks its own benchmark (`web` is web.bench.ts, not web-cpu too); a
// name that is no benchmark's picks every one whose name contains it.
const pick = (o) => (all.includes(`${o}.bench.ts`) ? [`${o}.bench.ts`] : all.filter((f) => f.includes(o)));
const files = (only.length ? [...new Set(only.flatMap(pick))] : all).sort();
// The benchmarks time the CLI a user runs: the bundle, rebuilt first if a
// source is newer (bin/harness.mjs would otherwise run the sources through tsx).
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) {
  process.stderr.write('bench: scripts/build.mjs failed: the CLI bundle could not be built\n');
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n== ${f}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
