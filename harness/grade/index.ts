import { caseIn } from '../config/case-index.ts';
import type { Pack } from '../config/scenario.ts';
import type { CaseGrade, ConversationRecord, TurnGrade } from '../types.ts';
import type { GradeContext, Grader, GraderKind } from './types.ts';
import { messagesFor } from './messages.ts';

export { rulesGrader } from './rules.ts';
export { assessReply } from './assess.ts';
export { findCannedReplies } from './fallback.ts';
export { normalise } from './normalise.ts';
export { matchKeypoint } from './match.ts';

export const graders: Record<GraderKind, () => Promise<Grader>> = {
  rules: async () => (await import('./rules.ts')).rulesGrader,
  // The judge's client loads only when a run asks for it.
  llm: async () => (await import('./llm/index.ts')).llmGrader,
};

/**
 * Load the word segmenter and build the grader's per-pack tables a step at a
 * time, yielding between steps: started while a run connects and preflights,
 * the first replies find them ready. Only caches are filled; a step that
 * fails is left to grading, which builds (or fails) the same way.
 */
export async function warmGrader(ctx: Pick<GradeContext, 'packs' | 'locale'>, signal?: AbortSignal): Promise<void> {
  const [{ segment, isEverydayWord }, { topicWarmSteps }, { normalise }, { localePhrases }] = await Promise.all([import('./seg.ts'), import('./topic.ts'), import('./normalise.ts'), import('./phrases.ts')]);
  // The locale's phrases with their readings (pinyin of each): every reply's shape is read against them.
  const steps: Array<() => void> = [() => normalise('', ctx.locale), () => segment('开通手机银行'), () => isEverydayWord(''), () => localePhrases(ctx.locale), ...topicWarmSteps(ctx.packs, ctx.locale)];
  for (const step of steps) {
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) return;
    try {
      step();
    } catch {
      return;
    }
  }
}

/**
 * What every reading needs whatever the packs: the grader's modules and the
 * word segmenter's dictionary (a grading thread loads these before its packs arrive).
 */
export async function warmReading(): Promise<void> {
  const [{ segment, isEverydayWord }] = await Promise.all([import('./seg.ts'), import('./topic.ts'), import('./normalise.ts'), import('./phrases.ts'), import('./rules.ts')]);
  segment('开通手机银行');
  isEverydayWord('');
}

export const DEFAULT_PASS_AT = 4.0;

function mean(xs: number[]): number {
  return xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : 0;
}

/**
 * Grades every scripted turn of a conversation; a turn the conversation never
 * reached (it ended in a fault) scores 0 with the fault as its reason.
 */
export async function gradeConversation(
  record: ConversationRecord,
  pack: Pack,
  grader: Grader,
  ctx: GradeContext,
  passAt: number = DEFAULT_PASS_AT,
): Promise<CaseGrade> {
  const scenarioCase = caseIn(pack, record.case);
  if (!scenarioCase) throw new Error(`case "${record.case}" is not in pack "${pack.id}"`);
  // A cross-channel conversation is transcribed turn by turn: its hotline replies say so themselves.
  const transcribed = !record.route && record.kind === 'hotline';
  const turns: TurnGrade[] = [];
  for (let i = 0; i < scenarioCase.turns.length; i++) {
    const turn = record.turns.find((t) => t.index === i);
    if (!turn || turn.exchanges.length === 0) {
      const m = messagesFor(ctx);
      const fault = turn?.unsent ? m.notRemembered(turn.unsent.missing) : record.error ? `${record.error.kind}: ${record.error.message}` : m.neverSent;
      turns.push({
        index: i,
        recognition: 0,
        completeness: 0,
        level: 'error',
        hits: scenarioCase.turns[i].expect.keypoints.map((k) => ({ id: k.id, weight: k.weight ?? 1, hit: false })),
        forbidHits: [],
        reasons: [m.noReply(fault)],
        grader: grader.id,
      });
      continue;
    }
    const anyTranscribed = transcribed || turn.exchanges.some((e) => e.reply.transcribed === true);
    turns.push(await grader.gradeTurn({ pack, case: scenarioCase, turnIndex: i, exchanges: turn.exchanges, transcribed: anyTranscribed }, ctx));
  }
  const recognition = mean(turns.map((t) => t.recognition));
  const completeness = mean(turns.map((t) => t.completeness));
  return { id: record.id, recognition, completeness, turns, passed: recognition >= passAt && completeness >= passAt };
}
