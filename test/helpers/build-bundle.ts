import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

// vitest globalSetup: the precompiled CLI, built once before any test runs
// (only when a source is newer than it), so every test that starts
// bin/harness.mjs runs the bundle a user runs — never a half-written one.
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${r.status}): the CLI bundle could not be built`);
}
