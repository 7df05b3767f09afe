import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect } from 'vitest';
import { ROOT } from './cli.ts';

/**
 * A script of the project's modules run as a process of its own, as a run is,
 * with a temporary folder (removed after the file's tests) as its working
 * folder: for what a process keeps under `.cache/` for the next one. `body`
 * gets `mod(path)`, which imports a source file by its path from the
 * project's root, and prints its answer as JSON on its last line.
 */
export function folderProcess(prefix: string, body: string): { dir: string; run(): unknown } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'script.mts');
  writeFileSync(
    script,
    `process.chdir(process.argv[2]);
const mod = (path: string) => import(new URL(path, ${JSON.stringify(pathToFileURL(ROOT + '/').href)}).href);
${body}
`,
  );
  return {
    dir,
    run() {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!);
    },
  };
}
