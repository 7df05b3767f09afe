import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVERYDAY_CACHE_DIR, scanIdf } from '../../harness/grade/seg.ts';
import { JsonCache } from '../../harness/util/json-cache.ts';
import { folderProcess } from '../helpers/folder-process.ts';

// The everyday words (jieba's idf below 5.5) are scanned from the 6 MB table
// once and kept in .cache/jieba under the working folder; each step here is a
// process of its own, as runs are.

const reader = folderProcess(
  'harness-everyday-',
  `const { isEverydayWord } = await mod('harness/grade/seg.ts');
console.log(JSON.stringify(['非常', '通过', '挂失', '预留'].map(isEverydayWord)));`,
);
const words = () => reader.run() as boolean[];
const cache = new JsonCache(join(reader.dir, EVERYDAY_CACHE_DIR));
/** The key the kept list is under (its one entry). */
const key = () => readdirSync(cache.dir).filter((f) => f.endsWith('.json'))[0].replace(/\.json$/, '');

describe('the everyday words', () => {
  it('are scanned from the table, kept, and read back by the next process', () => {
    expect(words()).toEqual([true, true, false, false]);
    const kept = cache.get(key()) as string[];
    const table = join(dirname(createRequire(import.meta.url).resolve('@node-rs/jieba/package.json')), 'idf.txt');
    expect(new Set(kept)).toEqual(scanIdf(readFileSync(table)));
    // What the next process says comes from the kept list: a word put there is everyday.
    cache.set(key(), [...kept, '挂失']);
    expect(words()).toEqual([true, true, true, false]);
  });

  it('are scanned again when the kept list is damaged', () => {
    writeFileSync(join(cache.dir, `${key()}.json`), '{"not": "a list"');
    expect(words()).toEqual([true, true, false, false]);
    expect(cache.get(key())).toContain('非常');
  });
});
