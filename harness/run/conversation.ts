import type { ScenarioCase } from '../config/scenario.ts';
import type { AssessReply, GradeContext } from '../grade/types.ts';
import type { BotReply, Exchange, Session, TurnRecord, Utterance } from '../types.ts';
import { TransportFault } from '../types.ts';
import type { PlanItem } from './plan.ts';
import { turnText, variantCount } from './plan.ts';

// The simulated customer. It says the scripted turn, then — like a patient
// mystery shopper — answers the bot's clarifying question, declines to give
// data, or rephrases once after a fallback. The grader later scores the
// recognition level from which of these it took.

export interface DriverDeps {
  assess: AssessReply;
  gradeCtx: GradeContext;
  transcribed: boolean;
  turnTimeoutMs: number;
  beforeSend(signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
}

const DECLINE = '不方便提供，我只想先了解一下办理流程';
const MAX_FOLLOW_UPS = 3;

export async function driveConversation(item: PlanItem, session: Session, deps: DriverDeps): Promise<TurnRecord[]> {
  const turns: TurnRecord[] = [];
  for (let index = 0; index < item.case.turns.length; index++) {
    const exchanges: Exchange[] = [];
    const turn = item.case.turns[index];
    const send = async (utterance: Utterance): Promise<BotReply> => {
      await deps.beforeSend(deps.signal);
      const reply = await withTimeout((signal) => session.send(utterance, signal), deps.turnTimeoutMs, deps.signal);
      exchanges.push({ utterance, reply });
      return reply;
    };
    let reply = await send({ index, text: turnText(item.case, index, item.variant), click: turn.click, attempt: 'first' });
    const done = new Set<string>();
    for (let k = 0; k < MAX_FOLLOW_UPS; k++) {
      const verdict = deps.assess(reply, { pack: item.pack, case: item.case, turnIndex: index, transcribed: deps.transcribed }, deps.gradeCtx);
      const next = followUp(verdict, reply, item, index, done);
      if (!next) break;
      done.add(next.attempt);
      reply = await send(next);
    }
    turns.push({ index, exchanges });
  }
  return turns;
}

function followUp(verdict: string, reply: BotReply, item: PlanItem, index: number, done: Set<string>): Utterance | undefined {
  const c = item.case;
  if (verdict === 'clarify' && !done.has('clarify-answer')) {
    const button = pickButton(reply.buttons, item);
    if (button) return { index, text: button, click: button, attempt: 'clarify-answer' };
    return { index, text: `我想咨询${item.pack.name}，${c.turns[index].say}`, attempt: 'clarify-answer' };
  }
  if (verdict === 'ask-data' && !done.has('reply')) {
    const rule = c.replies.find((r) => r.when.some((w) => reply.text.includes(w)));
    return { index, text: rule?.say ?? DECLINE, attempt: 'reply' };
  }
  if ((verdict === 'fallback' || verdict === 'off-topic' || verdict === 'silence') && !done.has('rephrase') && !done.has('clarify-answer')) {
    const n = variantCount(c);
    if (n < 2) return undefined;
    return { index, text: turnText(c, index, (item.variant + 1) % n), attempt: 'rephrase' };
  }
  return undefined;
}

/** The quick-reply button that best fits the case: most characters shared with its words. */
export function pickButton(buttons: string[], item: PlanItem): string | undefined {
  if (!buttons.length) return undefined;
  const turn = item.case.turns[0];
  const target = [item.pack.name, item.pack.intent.description, turn.say, ...turn.expect.keypoints.flatMap((k) => k.any)].join('');
  const chars = new Set(target);
  let best: string | undefined;
  let bestScore = 0;
  for (const b of buttons) {
    const score = [...b].filter((ch) => chars.has(ch)).length / Math.max(1, [...b].length);
    if (score > bestScore) [best, bestScore] = [b, score];
  }
  return bestScore > 0 ? best : undefined;
}

/** Run `fn` with a turn timeout; a bot that never answers is a timeout fault, not a hang. */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, outer: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const fault = new TransportFault('timeout', `no reply within the turn timeout (${ms} ms)`);
      controller.abort(fault);
      reject(fault);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}

export type { ScenarioCase };
