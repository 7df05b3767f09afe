import { caseIn } from '../config/case-index.ts';
import type { Pack } from '../config/scenario.ts';
import type { BotReply, CaseGrade, ConversationRecord } from '../types.ts';
import { assessReply } from './assess.ts';
import { gradeConversation, graders } from './index.ts';
import type { Grader, GradeContext, ReplyAssessment } from './types.ts';

// What a run asks of its grader while it goes on, in a form that can cross
// to the grading thread (harness/grade-thread.ts): the reading of a reply the
// driver needs, and the live grade of a finished conversation. The thread and
// the main thread answer it with this same function.

export type GradeRequest =
  | { op: 'assess'; pack: string; case: string; turnIndex: number; transcribed: boolean; reply: BotReply }
  | { op: 'grade'; record: ConversationRecord };

export interface GradeRequestContext {
  packs: Map<string, Pack>;
  ctx: GradeContext;
  /** The pass mark of a conversation. */
  good: number;
}

let rules: Promise<Grader> | undefined;

export async function answerGradeRequest(r: GradeRequest, c: GradeRequestContext): Promise<ReplyAssessment | CaseGrade> {
  const packId = r.op === 'assess' ? r.pack : r.record.pack;
  const pack = c.packs.get(packId);
  if (!pack) throw new Error(`pack "${packId}" is not one of the run's`);
  if (r.op === 'grade') return gradeConversation(r.record, pack, await (rules ??= graders.rules()), c.ctx, c.good);
  const scenarioCase = caseIn(pack, r.case);
  if (!scenarioCase) throw new Error(`case "${r.case}" is not in pack "${pack.id}"`);
  return assessReply(r.reply, { pack, case: scenarioCase, turnIndex: r.turnIndex, transcribed: r.transcribed }, c.ctx);
}
