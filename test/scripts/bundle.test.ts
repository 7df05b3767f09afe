import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CODE_CACHE_DIR, freshBundle } from '../../bin/bundle.mjs';
import { ROOT, tempDir } from '../helpers/cli.ts';

// bin/harness.mjs runs dist/ only while it is as new as every source it was
// built from: an edited source runs from the sources, never as old code.

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A checkout with one source and a bundle built (as the manifest says) at `builtAt`. */
function checkout(builtAt: number, sourceMtime: number): string {
  const root = tempDir('harness-bundle-');
  dirs.push(root);
  mkdirSync(join(root, 'harness'), { recursive: true });
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(root, 'harness/cli.ts'), 'export async function main() { console.log("sources"); return 0; }\n');
  writeFileSync(join(root, 'dist/harness.mjs'), 'export async function main() { console.log("bundle"); return 0; }\n');
  writeFileSync(join(root, 'dist/manifest.json'), JSON.stringify({ entry: 'harness.mjs', builtAt, inputs: ['harness/cli.ts'] }));
  utimesSync(join(root, 'harness/cli.ts'), sourceMtime / 1000, sourceMtime / 1000);
  return root;
}

describe('freshBundle', () => {
  const now = Date.now();

  it('gives the bundle entry when every listed source is older than the build', () => {
    const root = checkout(now, now - 60_000);
    expect(freshBundle(root)).toBe(join(root, 'dist/harness.mjs'));
  });

  it('gives null when a source was changed after the build', () => {
    const root = checkout(now - 60_000, now);
    expect(freshBundle(root)).toBeNull();
  });

  it('gives null when a listed source is gone, or there is no bundle', () => {
    const root = checkout(now, now - 60_000);
    rmSync(join(root, 'harness/cli.ts'));
    expect(freshBundle(root)).toBeNull();
    expect(freshBundle(tempDir('harness-nobundle-'))).toBeNull();
  });

  it('gives null for a manifest from an interrupted or foreign build', () => {
    const root = checkout(now, now - 60_000);
    writeFileSync(join(root, 'dist/manifest.json'), '{"entry":');
    expect(freshBundle(root)).toBeNull();
    writeFileSync(join(root, 'dist/manifest.json'), '{"entry":"harness.mjs"}');
    expect(freshBundle(root)).toBeNull();
  });
});

describe('bin/harness.mjs', () => {
  /** The real bin in a checkout of its own, with the project's packages (tsx) linked in. */
  function withBin(root: string): string {
    mkdirSync(join(root, 'bin'));
    for (const f of ['harness.mjs', 'bundle.mjs', 'grade-early.mjs']) copyFileSync(join(ROOT, 'bin', f), join(root, 'bin', f));
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    return root;
  }
  const run = (root: string) => spawnSync(process.execPath, [join(root, 'bin/harness.mjs')], { encoding: 'utf8' });

  it('runs the bundle while it is fresh', () => {
    const r = run(withBin(checkout(Date.now(), Date.now() - 60_000)));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('bundle');
  });

  it('runs the TypeScript sources once a source is newer than the bundle', () => {
    const r = run(withBin(checkout(Date.now() - 60_000, Date.now())));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('sources');
  });
});

describe('the CLI script and its code cache', () => {
  /**
   * A fresh build with the CLI also as a CommonJS script: main() says which
   * form ran, and requires a module (as the script requires every package).
   */
  function built(): string {
    const root = checkout(Date.now(), Date.now() - 60_000);
    writeFileSync(
      join(root, 'dist/harness.cjs'),
      `exports.main = async () => {
  const { sep } = require('node:path');
  const { createHash } = require('node:crypto');
  console.log('script', sep, createHash('sha1').update('x').digest('hex').slice(0, 6));
  return 0;
};
`,
    );
    return root;
  }
  /** bin/harness.mjs's way of loading the CLI, in a process of its own: what main() printed, and how the CLI was compiled. */
  const load = (root: string, command = 'run') => {
    const code = `const b = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'bin/bundle.mjs')).href)});
const { main } = await b.loadCli(b.freshBundle(${JSON.stringify(root)}), ${JSON.stringify(command)});
await main();
console.log(b.cliCompiled);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.trim().split('\n');
  };
  const cacheFile = (root: string, command: string) => join(root, 'dist', CODE_CACHE_DIR, `${command}-${process.version}-${process.arch}.bin`);

  it('compiles the script with the cache the first start of a command made', () => {
    const root = built();
    expect(load(root)).toEqual(['script / 11f6ad', 'made']);
    expect(existsSync(cacheFile(root, 'run'))).toBe(true);
    expect(load(root)).toEqual(['script / 11f6ad', 'used']);
    // Each command its own cache, holding the functions it ran.
    expect(load(root, 'validate')).toEqual(['script / 11f6ad', 'made']);
    expect(load(root, '../../x')).toEqual(['script / 11f6ad', 'made']);
    expect(existsSync(cacheFile(root, 'cli'))).toBe(true);
  });

  it('makes the cache anew when V8 rejects it, and runs the same', () => {
    const root = built();
    load(root);
    writeFileSync(cacheFile(root, 'run'), 'not a code cache');
    expect(load(root)).toEqual(['script / 11f6ad', 'remade']);
    expect(readFileSync(cacheFile(root, 'run'), 'utf8')).not.toBe('not a code cache');
    expect(load(root)).toEqual(['script / 11f6ad', 'used']);
  });

  it('runs the ES modules when the build has no script', () => {
    expect(load(checkout(Date.now(), Date.now() - 60_000))).toEqual(['bundle', 'modules']);
  });
});
