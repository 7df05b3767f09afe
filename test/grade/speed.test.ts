import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../../harness/config/load.ts';
import { loadFixtures } from '../../harness/grade/calibrate.ts';
import { findCannedReplies } from '../../harness/grade/fallback.ts';
import { gradeConversation } from '../../harness/grade/index.ts';
import { rulesGrader } from '../../harness/grade/rules.ts';
import { syntheticRun } from '../helpers/records.ts';

// A large run is graded whole: every scripted turn of every conversation gets
// a grade with reasons, online and hotline alike.

const fixturesDir = fileURLToPath(new URL('../../calibration/zh-CN/', import.meta.url));
const scenariosDir = fileURLToPath(new URL('../../scenarios/zh-CN/', import.meta.url));

describe('grading a large run', () => {
  it('grades 300 conversations, hotline ones included, every scripted turn', async () => {
    const { packs, locale } = loadPacks(scenariosDir);
    const replies = loadFixtures(fixturesDir).map((f) => f.reply);
    const records = syntheticRun(packs, replies, 300);
    const byId = new Map(packs.map((p) => [p.id, p]));
    const warm = { packs, locale, cannedReplies: new Set<string>(), fuzzyThreshold: 0.8 };
    for (const r of records.slice(0, 20)) await gradeConversation(r, byId.get(r.pack)!, rulesGrader, warm);

    // The speed (≥ 300 conversations per CPU-second) is a benchmark figure: bench/suite-figures.bench.ts.
    const ctx = { ...warm, cannedReplies: findCannedReplies(records, packs, locale) };
    let turns = 0;
    let expected = 0;
    for (const r of records) {
      const g = await gradeConversation(r, byId.get(r.pack)!, rulesGrader, ctx);
      turns += g.turns.length;
      expected += byId.get(r.pack)!.cases.find((c) => c.id === r.case)!.turns.length;
      expect(g.turns.every((t) => t.reasons.length > 0)).toBe(true);
    }
    expect(turns).toBe(expected);
    expect(turns).toBeGreaterThan(records.length);
  });
});
