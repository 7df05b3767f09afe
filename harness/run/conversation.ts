import type { ScenarioCase } from '../config/scenario.ts';
import type { AssessReply, GradeContext } from '../grade/types.ts';
import type { BotReply, Exchange, Session, TurnRecord, Utterance } from '../types.ts';
import { TransportFault } from '../types.ts';
import { deadline } from '../util/deadline.ts';
import { sleep } from '../util/sleep.ts';
import type { PlanItem } from './plan.ts';
import { turnText, variantCount } from './plan.ts';
import { backoffMs, type RetryPolicy } from './retry.ts';
import { clipReply } from './store.ts';

// The simulated customer. It says the scripted turn, then — like a patient
// mystery shopper — answers the bot's clarifying question, declines to give
// data, or rephrases once after a fallback. The grader later scores the
// recognition level from which of these it took.

export interface DriverDeps {
  assess: AssessReply;
  gradeCtx: GradeContext;
  /** Whether a turn's replies come through speech recognition (per turn: a cross-channel case changes channel). */
  transcribed: boolean | ((turnIndex: number) => boolean);
  turnTimeoutMs: number;
  /** Politeness before each request; a cross-channel case waits on the channel of the turn. */
  beforeSend(signal: AbortSignal, turnIndex: number): Promise<void>;
  signal: AbortSignal;
  /** Resends of one request in the same session after a transport fault (the bank's `retries`). */
  retries: RetryPolicy;
  /** Each transport fault that is about to be resent, and each reply that arrived (the circuit breaker counts them). */
  onFault?(fault: TransportFault): void;
  onReply?(): void;
  log(message: string): void;
}

const DECLINE = '不方便提供，我只想先了解一下办理流程';
const MAX_FOLLOW_UPS = 3;

/** The session a turn is said in: one for a plain case; per leg for a cross-channel case. */
export type SessionFor = (turnIndex: number) => Promise<Session>;

export interface DrivenConversation {
  turns: TurnRecord[];
  /** Values the case remembered from replies (`remember:`), by name. */
  carried: Record<string, string>;
}

export async function driveConversation(item: PlanItem, session: Session | SessionFor, deps: DriverDeps): Promise<DrivenConversation> {
  const sessionFor: SessionFor = typeof session === 'function' ? session : async () => session;
  const turns: TurnRecord[] = [];
  const carried: Record<string, string> = {};
  for (let index = 0; index < item.case.turns.length; index++) {
    const exchanges: Exchange[] = [];
    const turn = item.case.turns[index];
    const channel = item.turnChannels?.[index];
    const missing = missingValues(item, index, carried);
    if (missing.length) {
      // The bot never gave what this turn asks about (no ticket number): nothing to say, graded 0 with that reason.
      turns.push({ index, exchanges, ...(channel ? { channel } : {}), unsent: { missing } });
      continue;
    }
    const current = await sessionFor(index);
    const transcribed = typeof deps.transcribed === 'function' ? deps.transcribed(index) : deps.transcribed;
    const send = async (utterance: Utterance): Promise<BotReply> => {
      const { reply, retries } = await sendWithRetries(current, utterance, deps);
      exchanges.push({ utterance, reply, ...(retries ? { retries } : {}) });
      return reply;
    };
    const fill = (text: string) => (text.includes('{{') ? fillTemplate(text, carried) : text);
    let reply = await send({ index, text: fill(turnText(item.case, index, item.variant)), click: turn.click, attempt: 'first' });
    const done = new Set<string>();
    for (let k = 0; k < MAX_FOLLOW_UPS; k++) {
      const verdict = await deps.assess(reply, { pack: item.pack, case: item.case, turnIndex: index, transcribed }, deps.gradeCtx);
      const next = followUp(verdict, reply, item, index, done);
      if (!next) break;
      done.add(next.attempt);
      reply = await send({ ...next, text: fill(next.text) });
    }
    remember(turn.remember, exchanges, carried);
    turns.push({ index, exchanges, ...(channel ? { channel } : {}) });
  }
  return { turns, carried };
}

const placeholder = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;

/** `{{ticket}}` → the remembered value (the pack validator vouches that every name is remembered earlier). */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(placeholder, (whole, name: string) => values[name] ?? whole);
}

/** Names this turn's words use that no reply has given yet. */
function missingValues(item: PlanItem, index: number, carried: Record<string, string>): string[] {
  const t = item.case.turns[index];
  const said = turnText(item.case, index, item.variant);
  // Most turns name no remembered value: no pattern to run.
  if (!said.includes('{{') && !t.say.includes('{{')) return [];
  const texts = [said, t.say];
  const names = texts.flatMap((x) => [...x.matchAll(placeholder)].map((m) => m[1]));
  return [...new Set(names)].filter((n) => carried[n] === undefined);
}

/** The first match of each pattern in the turn's replies, in order: its first group, else the whole match. */
export function remember(patterns: Record<string, string> | undefined, exchanges: Exchange[], into: Record<string, string>): void {
  if (!patterns) return;
  for (const [name, source] of Object.entries(patterns)) {
    const re = new RegExp(source, 'u');
    for (const e of exchanges) {
      const m = re.exec(e.reply.text);
      if (m) {
        into[name] = (m[1] ?? m[0]).trim();
        break;
      }
    }
  }
}

/**
 * One request, resent in the same session after a transport fault (5xx, 429,
 * timeout, reset) with backoff, jitter and the bot's Retry-After. A fault that
 * broke the session, or one that is not retryable, goes up at once: the runner
 * restarts the conversation for the first. When the resends run out the fault
 * goes up as final — the session is fine, so a restart would meet it again.
 */
export async function sendWithRetries(session: Session, utterance: Utterance, deps: DriverDeps): Promise<{ reply: BotReply; retries: number }> {
  for (let retries = 0; ; retries++) {
    await deps.beforeSend(deps.signal, utterance.index);
    try {
      const reply = await withTimeout((signal) => session.send(utterance, signal), deps.turnTimeoutMs, deps.signal);
      deps.onReply?.();
      // Clipped before anyone reads it: the follow-up choice and the grader see the stored text.
      return { reply: clipReply(reply), retries };
    } catch (err) {
      if (deps.signal.aborted || !(err instanceof TransportFault) || !err.retryable || err.sessionBroken) throw err;
      if (retries >= deps.retries.max) {
        throw new TransportFault(err.kind, `${err.message} (sent ${retries + 1} times in the same session)`, { ...err.opts, retryable: false, cause: err });
      }
      // A fault about to be resent is counted here; one that goes up is counted by whoever catches it.
      deps.onFault?.(err);
      const wait = backoffMs(deps.retries, retries + 1, err);
      deps.log(`turn ${utterance.index + 1}: ${err.message} — resending in the same session (${retries + 1}/${deps.retries.max}) in ${wait} ms`);
      await sleep(wait, deps.signal);
    }
  }
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
export function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, outer: AbortSignal): Promise<T> {
  // One promise, settled by whichever comes first: a race of two promises
  // costs a third and a reaction on each, for every message of a run.
  return new Promise<T>((resolve, reject) => {
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    const timer = deadline(ms, () => {
      const fault = new TransportFault('timeout', `no reply within the turn timeout (${ms} ms)`);
      controller.abort(fault);
      reject(fault);
    });
    const done = () => {
      timer.clear();
      outer.removeEventListener('abort', onAbort);
    };
    let sent: Promise<T>;
    try {
      sent = fn(controller.signal);
    } catch (err) {
      done();
      return reject(err);
    }
    sent.then(
      (value) => {
        done();
        resolve(value);
      },
      (err) => {
        done();
        reject(err);
      },
    );
  });
}

export type { ScenarioCase };
