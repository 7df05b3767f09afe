import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { loadPacks } from '../../harness/config/load.ts';
import { PackCache } from '../../harness/config/pack-cache.ts';

// A run reads its packs through a cache of validated packs: what it gets must
// be what reading the files gives, however often it runs and whatever
// happened to the files or to the cache in between.

const root = join(import.meta.dirname, '..', '..');

/** A pack whose key point is defined once and named by two turns. */
const SHARED = `id: shared-points
name: 共用要点
locale: zh-CN
intent: { id: card.report_loss, description: 客户银行卡丢失需要挂失 }
keypoints:
  - { id: freeze, text: 可立即办理临时挂失, any: [临时挂失, 口头挂失] }
cases:
  - id: a
    turns:
      - say: 卡丢了怎么办
        expect: { keypoints: [freeze] }
      - say: 那现在能挂失吗
        expect: { keypoints: [freeze] }
`;

function scenarioFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'harness-packcache-'));
  for (const f of readdirSync(join(root, 'scenarios', 'zh-CN'))) copyFileSync(join(root, 'scenarios', 'zh-CN', f), join(dir, f));
  writeFileSync(join(dir, 'shared-points.yaml'), SHARED);
  return dir;
}

const cacheIn = () => new PackCache(mkdtempSync(join(tmpdir(), 'harness-packcache-store-')));

describe('the pack cache', () => {
  it('gives the packs of every shipped scenario (and of one with shared key points) exactly as reading their files does, the second time too', () => {
    const dir = scenarioFolder();
    const cache = cacheIn();
    const read = loadPacks(dir);
    expect(loadPacks(dir, cache)).toEqual(read);
    // One entry a pack, and one for the folder's _locale.yaml.
    expect(readdirSync(cache.dir).length).toBe(read.packs.length + 1);
    const again = loadPacks(dir, cache);
    expect(again).toEqual(read);
    // A key point shared by several turns is still one object, as when read from YAML.
    const [first, second] = again.packs.find((p) => p.id === 'shared-points')!.cases[0].turns;
    expect(second.expect.keypoints[0]).toBe(first.expect.keypoints[0]);
  });

  it('reads an edited pack or _locale.yaml anew, never an earlier version of it', () => {
    const dir = scenarioFolder();
    const cache = cacheIn();
    const file = join(dir, 'card-loss.yaml');
    const before = loadPacks(dir, cache).packs.find((p) => p.id === 'card-loss')!;
    writeFileSync(file, readFileSync(file, 'utf8').replace(`name: ${before.name}`, 'name: 挂失（改）'));
    expect(loadPacks(dir, cache).packs.find((p) => p.id === 'card-loss')!.name).toBe('挂失（改）');
    const locale = join(dir, '_locale.yaml');
    writeFileSync(locale, readFileSync(locale, 'utf8').replace(/^fallback:\n/m, 'fallback:\n  - 这句话没有被理解过\n'));
    expect(loadPacks(dir, cache).locale.fallback).toContain('这句话没有被理解过');
  });

  it('still names the problems of a broken pack, each time', () => {
    const dir = scenarioFolder();
    const cache = cacheIn();
    const file = join(dir, 'card-loss.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n {2}- id: /, '\n  - idd: '));
    for (let i = 0; i < 2; i++) {
      const err = (() => {
        try {
          loadPacks(dir, cache);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.some((p) => p.file.endsWith('card-loss.yaml') && p.line > 0)).toBe(true);
    }
  });

  it('reads the file when an entry is damaged or the cache folder cannot be written', () => {
    const dir = scenarioFolder();
    const cache = cacheIn();
    const read = loadPacks(dir, cache);
    for (const f of readdirSync(cache.dir)) writeFileSync(join(cache.dir, f), '{"key":"');
    expect(loadPacks(dir, cache)).toEqual(read);
    const blocked = join(mkdtempSync(join(tmpdir(), 'harness-packcache-')), 'file');
    writeFileSync(blocked, '');
    expect(loadPacks(dir, new PackCache(join(blocked, 'packs')))).toEqual(read);
  });

  it('keeps a bounded number of entries', () => {
    const cache = cacheIn();
    mkdirSync(cache.dir, { recursive: true });
    for (let i = 0; i < 70; i++) cache.set(cache.key(Buffer.from(`pack ${i}`))!, { i });
    expect(readdirSync(cache.dir).length).toBe(64);
    expect(cache.get(cache.key(Buffer.from('pack 69'))!)).toEqual({ i: 69 });
  });
});
