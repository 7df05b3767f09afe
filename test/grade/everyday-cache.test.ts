import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scanIdf } from '../../harness/grade/seg.ts';
import { ROOT } from '../helpers/cli.ts';

// The everyday words (jieba's idf below 5.5) are scanned from the 6 MB table
// once and kept in .cache/jieba under the working folder; each step here is a
// process of its own, as runs are.

const dir = mkdtempSync(join(tmpdir(), 'harness-everyday-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = join(dir, 'words.mts');
writeFileSync(
  script,
  `process.chdir(process.argv[2]);
const { isEverydayWord } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'harness/grade/seg.ts')).href)});
console.log(JSON.stringify(['非常', '通过', '挂失', '预留'].map(isEverydayWord)));
`,
);
const words = (): boolean[] => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim());
};
const saved = () => join(dir, '.cache', 'jieba', readdirSync(join(dir, '.cache', 'jieba'))[0]);

describe('the everyday words', () => {
  it('are scanned from the table, kept, and read back by the next process', () => {
    expect(words()).toEqual([true, true, false, false]);
    const kept = JSON.parse(readFileSync(saved(), 'utf8')) as string[];
    const table = join(dirname(createRequire(import.meta.url).resolve('@node-rs/jieba/package.json')), 'idf.txt');
    expect(new Set(kept)).toEqual(scanIdf(readFileSync(table)));
    // What the next process says comes from the kept list: a word put there is everyday.
    writeFileSync(saved(), JSON.stringify([...kept, '挂失']));
    expect(words()).toEqual([true, true, true, false]);
  });

  it('are scanned again when the kept list is damaged', () => {
    writeFileSync(saved(), '{"not": "a list"');
    expect(words()).toEqual([true, true, false, false]);
    expect(JSON.parse(readFileSync(saved(), 'utf8'))).toContain('非常');
  });
});
