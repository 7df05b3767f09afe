import type { Locale, Pack } from '../config/scenario.ts';
import { assessReply, warmGrader } from '../grade/index.ts';
import { answerGradeRequest } from '../grade/request.ts';
import type { Lang } from '../grade/messages.ts';
import type { AssessReply, GradeContext } from '../grade/types.ts';
import type { GradeThread } from '../grade-thread.ts';
import type { CaseGrade, ConversationRecord } from '../types.ts';
import { gradeContext } from './grade-run.ts';

// Who grades while a run goes on: the grading thread (harness/grade-thread.ts)
// when the run started one and the bot proves fast, else the main thread. The
// driver's reading of each reply and each conversation's live grade go
// through here; the context is the final grading's (its language included),
// so a live grade can stand as the final one.

/**
 * No first reply within this: the run waits on the bot, and grades on the
 * main thread. A bot that answers at once can take 50 ms to its first reply
 * while the process starts (at 50 ms, two of three e2e runs dropped the thread).
 */
export const SLOW_BOT_MS = 100;

export interface LiveGradingOptions {
  packs: Pack[];
  locale: Locale;
  lang: Lang;
  good: number;
  thread?: GradeThread;
  /** Whether the channels are preflighted: the first answer decides whether the thread stays. */
  preflighting: boolean;
  signal: AbortSignal;
  /** Work for the run's idle moments, once the grader's tables are built (or at once with a thread); told whether the thread grades. */
  whileRunning?: (gradingThread: boolean) => void;
  debug(message: string): void;
}

export interface LiveGrading {
  ctx: GradeContext;
  assess: AssessReply;
  grade(record: ConversationRecord): Promise<CaseGrade>;
  /** The time to a channel's first preflight reply; the first one decides. */
  firstReply(ms: number): void;
  /** Stops waiting for that reply (the run is over). */
  dispose(): void;
}

export function liveGrading(o: LiveGradingOptions): LiveGrading {
  const ctx = gradeContext(o.packs, o.locale, [], undefined, o.lang);
  const answering = { packs: new Map(o.packs.map((p) => [p.id, p])), ctx, good: o.good };
  const gradeHere = (record: ConversationRecord) => answerGradeRequest({ op: 'grade', record }, answering) as Promise<CaseGrade>;
  const warmHere = () =>
    warmGrader(ctx, o.signal).then(() => {
      if (!o.signal.aborted) o.whileRunning?.(false);
    });
  let thread = o.thread;
  if (thread) {
    o.debug('grading: in a thread of its own');
    thread.local((r) => answerGradeRequest(r, answering));
    o.whileRunning?.(true);
  } else {
    // Built while the preflight's question is out, not on the first replies.
    void warmHere();
  }
  /**
   * A bot that has not answered the preflight's question within SLOW_BOT_MS
   * leaves the main thread idle most of the run: the thread would only add a
   * hop to every reply, and its start to the first ones. The run then grades
   * on the main thread, whose grader is built while the answer is awaited.
   */
  const slowBot = (why: string) => {
    if (!thread) return;
    const t = thread;
    thread = undefined;
    o.debug(`grading: on the main thread, ${why}`);
    void warmHere();
    void t.close();
  };
  const timer = thread && o.preflighting ? setTimeout(() => slowBot(`the bot gave no reply within ${SLOW_BOT_MS} ms`), SLOW_BOT_MS) : undefined;
  let replies = 0;
  return {
    ctx,
    assess: (reply, input, c) => (thread ? thread.assess(reply, input) : assessReply(reply, input, c)),
    grade: (record) => (thread ? thread.grade(record) : gradeHere(record)),
    firstReply(ms) {
      if (replies++ > 0) return;
      clearTimeout(timer);
      if (ms >= SLOW_BOT_MS) slowBot(`the bot's first reply took ${ms} ms`);
    },
    dispose: () => clearTimeout(timer),
  };
}
