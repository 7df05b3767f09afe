import type { BotReply } from '../types.ts';
import type { GradeContext } from './types.ts';
import { analyseReply, type AnalyseInput, type ReplyAnalysis } from './analyse.ts';

// A reply is read more than once under the same grading context: the driver
// assesses it while the conversation goes on, the live verdict grades it
// again, and a repeated case gets the very same reply. The reading depends
// only on the reply's text, buttons and flags, the turn and the context, so
// it is kept per context and turn.

const byContext = new WeakMap<GradeContext, WeakMap<object, TurnReadings>>();
/** Distinct replies kept per turn and context; a bot that never repeats itself only fills it up. */
const PER_TURN = 64;

/** Readings of one turn's replies: by text, then by everything else that shapes the reading. */
interface TurnReadings {
  byText: Map<string, Map<string, ReplyAnalysis>>;
  size: number;
}

/** The shared reading: callers that keep its hits take a copy (analyseReplyCached). */
function reading(reply: BotReply, input: AnalyseInput, ctx: GradeContext): ReplyAnalysis {
  const turn = input.case.turns[input.turnIndex];
  if (!turn) return analyseReply(reply, input, ctx);
  let byTurn = byContext.get(ctx);
  if (!byTurn) byContext.set(ctx, (byTurn = new WeakMap()));
  let seen = byTurn.get(turn);
  if (!seen) byTurn.set(turn, (seen = { byText: new Map(), size: 0 }));
  // The canned-reply set is part of the reading: its size guards against a context whose set grew.
  const rest = `${reply.buttons.length ? JSON.stringify(reply.buttons) : ''}|${reply.handoff === true}|${reply.transcribed === true}|${input.transcribed}|${input.picked ?? ''}|${ctx.cannedReplies.size}|${input.pack.id}`;
  const text = reply.text ?? '';
  let forText = seen.byText.get(text);
  let a = forText?.get(rest);
  if (!a) {
    a = analyseReply(reply, input, ctx);
    if (seen.size >= PER_TURN) {
      seen.byText.clear();
      seen.size = 0;
      forText = undefined;
    }
    if (!forText) seen.byText.set(text, (forText = new Map()));
    forText.set(rest, a);
    seen.size++;
  }
  return a;
}

export function analyseReplyCached(reply: BotReply, input: AnalyseInput, ctx: GradeContext): ReplyAnalysis {
  const a = reading(reply, input, ctx);
  // Callers put the hits into their grades: each gets its own.
  return { ...a, hits: a.hits.map((h) => ({ ...h })) };
}

/** What kind of reply it is, read from the shared reading (nothing of it is kept). */
export function replyKind(reply: BotReply, input: AnalyseInput, ctx: GradeContext): ReplyAnalysis['kind'] {
  return reading(reply, input, ctx).kind;
}
