import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../harness/config/load.ts';
import { loadFixtures } from '../harness/grade/calibrate.ts';
import { findCannedReplies } from '../harness/grade/fallback.ts';
import { gradeConversation } from '../harness/grade/index.ts';
import { rulesGrader } from '../harness/grade/rules.ts';
import type { ConversationRecord } from '../harness/types.ts';

// A large run is graded whole: every scripted turn of every conversation gets
// a grade with reasons, online and hotline alike.

const fixturesDir = fileURLToPath(new URL('../calibration/zh-CN/', import.meta.url));
const scenariosDir = fileURLToPath(new URL('../scenarios/zh-CN/', import.meta.url));

describe('grading a large run', () => {
  it('grades 300 conversations, hotline ones included, every scripted turn', async () => {
    const { packs, locale } = loadPacks(scenariosDir);
    const replies = loadFixtures(fixturesDir).map((f) => f.reply);
    const records: ConversationRecord[] = [];
    let k = 0;
    for (let repeat = 0; records.length < 300; repeat++) {
      for (const pack of packs) {
        for (const c of pack.cases) {
          records.push({
            id: `bench/${repeat % 2 ? 'hotline' : 'api'}/${pack.id}/${c.id}#0.${repeat}`,
            bank: 'bench',
            channel: repeat % 2 ? 'hotline' : 'api',
            kind: repeat % 2 ? 'hotline' : 'online',
            pack: pack.id,
            case: c.id,
            variant: 0,
            repeat,
            startedAt: '2026-01-01T00:00:00.000Z',
            durationMs: 0,
            attempts: 1,
            turns: c.turns.map((_, index) => {
              // Every reply text is new, so no cache hides the work.
              const text = `${replies[k++ % replies.length]}（${repeat}-${k}）`;
              return { index, exchanges: [{ utterance: { index, text: 'q', attempt: 'first' as const }, reply: { text, messages: [{ text }], buttons: [], latency: { firstMs: 1, settledMs: 1 } } }] };
            }),
          });
        }
      }
    }
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
