import type { BotReply } from '../types.ts';
import type { GradeContext } from './types.ts';
import { analyseReply, type AnalyseInput, type ReplyAnalysis } from './analyse.ts';

// A reply is read more than once under the same grading context: the driver
// assesses it while the conversation goes on, the live verdict grades it
// again, and a repeated case gets the very same reply. The reading depends
// only on the reply's text, buttons and flags, the turn and the context, so
// it is kept per context and turn.

const byContext = new WeakMap<GradeContext, WeakMap<object, Map<string, ReplyAnalysis>>>();
/** Distinct replies kept per turn and context; a bot that never repeats itself only fills it up. */
const PER_TURN = 64;

export function analyseReplyCached(reply: BotReply, input: AnalyseInput, ctx: GradeContext): ReplyAnalysis {
  const turn = input.case.turns[input.turnIndex];
  if (!turn) return analyseReply(reply, input, ctx);
  let byTurn = byContext.get(ctx);
  if (!byTurn) byContext.set(ctx, (byTurn = new WeakMap()));
  let seen = byTurn.get(turn);
  if (!seen) byTurn.set(turn, (seen = new Map()));
  // The canned-reply set is part of the reading: its size guards against a context whose set grew.
  const key = JSON.stringify([reply.text ?? '', reply.buttons, reply.handoff === true, reply.transcribed === true, input.transcribed, input.picked === true, ctx.cannedReplies.size, input.pack.id]);
  let a = seen.get(key);
  if (!a) {
    a = analyseReply(reply, input, ctx);
    if (seen.size >= PER_TURN) seen.clear();
    seen.set(key, a);
  }
  // Callers put the hits into their grades: each gets its own.
  return { ...a, hits: a.hits.map((h) => ({ ...h })) };
}
