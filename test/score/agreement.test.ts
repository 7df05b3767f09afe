import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localeSchema } from '../../harness/config/scenario.ts';
import { agreement, agreementOfConversations, cohensKappa } from '../../harness/score/agreement.ts';
import { createLlmGrader } from '../../harness/grade/llm/index.ts';
import type { RecognitionLevel, TurnGrade } from '../../harness/types.ts';
import { startChatCompletionsServer, type ChatCompletionsServer } from '../fixtures/chat-completions-server.ts';
import { conversations, packs } from '../fixtures/report-run.ts';

const turn = (level: RecognitionLevel, recognition: number, completeness: number, grader: 'rules' | 'llm' = 'rules', index = 0): TurnGrade => ({
  index, level, recognition, completeness, hits: [], forbidHits: [], reasons: [], grader,
});

describe("Cohen's κ between two graders", () => {
  it('matches the hand computation over joint recognition × completeness buckets', () => {
    const a = [turn('first', 5, 5), turn('first', 5, 5), turn('off-topic', 1, 0), turn('fallback', 0, 0)];
    const b = [turn('first', 5, 5, 'llm'), turn('first', 5, 3, 'llm'), turn('off-topic', 1, 0, 'llm'), turn('first', 5, 5, 'llm')];
    const r = agreement(a, b);
    // po = 2/4; pe = (2/4)(2/4) + (1/4)(1/4) = 0.3125; κ = 0.1875 / 0.6875
    expect(r.agreement).toBe(0.5);
    expect(r.kappa).toBeCloseTo(0.2727, 4);
    // recognition alone: po = 3/4, pe = 0.4375, κ = 0.5556
    expect(r.recognition.kappa).toBeCloseTo(0.5556, 4);
    expect(r.disagreements.map((d) => [d.position, d.delta, d.review])).toEqual([[1, 2, false], [3, 10, true]]);
  });

  it('is 1 for identical verdicts and below 0 for systematic opposites', () => {
    expect(cohensKappa(['x', 'y', 'x'], ['x', 'y', 'x']).kappa).toBe(1);
    expect(cohensKappa(['x', 'y', 'x', 'y'], ['y', 'x', 'y', 'x']).kappa).toBe(-1);
  });

  it('lists a conversation whose graders differ by ≥3 points for review', () => {
    const r = agreementOfConversations(conversations());
    expect(r.n).toBe(1);
    expect(r.disagreements).toEqual([expect.objectContaining({ conversation: 'demo/api/account-opening/how-to-open#0.0', delta: 9, review: true })]);
  });
});

describe('rules grades against the LLM judge on a whole run', () => {
  let server: ChatCompletionsServer;
  const cacheDir = mkdtempSync(join(tmpdir(), 'llm-kappa-'));
  beforeAll(async () => {
    server = await startChatCompletionsServer({ apiKey: 'sk-k' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('computes κ over every graded turn and names the turns they disagree on', async () => {
    const judge = createLlmGrader({ baseURL: server.url, apiKey: 'sk-k', cacheDir, concurrency: 3 });
    const ctx = { packs, locale: localeSchema.parse({ locale: 'zh-CN', fallback: ['没有理解'], handoff: ['转人工'] }), cannedReplies: new Set<string>(), fuzzyThreshold: 0.8 };
    const list = conversations().filter((c) => !c.record.error);
    for (const c of list) {
      const pack = packs.find((p) => p.id === c.record.pack)!;
      const kase = pack.cases.find((k) => k.id === c.record.case)!;
      const turns = await Promise.all(c.record.turns.map((t) => judge.gradeTurn({ pack, case: kase, turnIndex: t.index, exchanges: t.exchanges, transcribed: c.record.kind === 'hotline' }, ctx)));
      c.alt = { ...c.grade, turns };
    }
    const r = agreementOfConversations(list);
    expect(r.n).toBe(12);
    expect(server.requests).toBe(12);
    expect(r.kappa).toBeGreaterThan(0);
    expect(r.kappa).toBeLessThan(1);
    // The rules grader called "请问您想咨询哪类业务？" a fallback; the judge calls it off topic.
    expect(r.disagreements.map((d) => `${d.conversation}@${d.turn}:${d.a.level}/${d.b.level}`)).toContain('demo/web/card-loss/balance-dropped#0.0@0:fallback/off-topic');
  });
});
