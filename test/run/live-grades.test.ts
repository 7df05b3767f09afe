import { describe, expect, it } from 'vitest';
import { loadPacks } from '../../harness/config/load.ts';
import { gradeConversation, graders } from '../../harness/grade/index.ts';
import { gradeContext, gradeRun } from '../../harness/run/grade-run.ts';
import type { CaseGrade, ConversationRecord } from '../../harness/types.ts';
import { record } from '../helpers/grade.ts';

// Grades given while a run goes on stand as its final grades unless the run
// turns out to have canned replies that touch the conversation: the end
// result is the same as grading the whole journal again.

const { packs, locale } = loadPacks();
const CANNED = '我行始终秉承客户至上的理念，为您提供优质的金融服务，欢迎关注我行精彩活动。';

/** Conversation i of a case, with one reply. */
const conversation = (i: number, pack: string, caseId: string, text: string) => record(pack, caseId, [text], { id: `api/${pack}/${caseId}#${i}`, repeat: i });

describe('live grades reused at the end of a run', async () => {
  const single = packs.flatMap((p) => p.cases.filter((c) => c.turns.length === 1).slice(0, 2).map((c) => ({ pack: p, c })));
  const records: ConversationRecord[] = [];
  single.forEach(({ pack, c }, i) => {
    // The right answer: its key points' first words.
    const answer = c.turns[0].expect.keypoints.map((k) => `${k.text}，${k.any[0]}。`).join('');
    records.push(conversation(i, pack.id, c.id, answer));
  });
  // The same reply to questions of four packs: canned, a fallback; once followed by related questions.
  single.filter((_, i) => i % 4 === 1).slice(0, 4).forEach(({ pack, c }, i) => records.push(conversation(100 + i, pack.id, c.id, i === 0 ? `${CANNED}\n猜你想问：\n1. 信用卡还款\n2. 附近网点` : CANNED)));
  const ctx = gradeContext(packs, locale, [], undefined, 'zh');
  const rules = await graders.rules();
  const live = new Map<string, CaseGrade>();
  for (const r of records) live.set(r.id, await gradeConversation(r, packs.find((p) => p.id === r.pack)!, rules, ctx, 4));

  const again = await gradeRun(records, { packs, locale, grader: 'rules', good: 4, lang: 'zh' });
  const reused = await gradeRun(records, { packs, locale, grader: 'rules', good: 4, lang: 'zh', live });

  it('finds the canned reply, which changes those conversations’ grades', () => {
    const cannedIds = records.filter((r) => r.repeat >= 100).map((r) => r.id);
    expect(cannedIds.length).toBe(4);
    for (const id of cannedIds) {
      const final = again.find((g) => g.record.id === id)!.grade;
      expect(final.turns[0].level).toBe('fallback');
      expect(final).not.toEqual(live.get(id));
    }
  });

  it('gives exactly the grades of grading the whole journal again', () => {
    expect(reused.map((g) => g.grade)).toEqual(again.map((g) => g.grade));
  });

  it('takes the live grade of every conversation the canned reply does not touch', () => {
    for (const g of reused) if (g.record.repeat < 100) expect(g.grade).toBe(live.get(g.record.id));
  });
});
