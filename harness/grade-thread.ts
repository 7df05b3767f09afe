import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { freshBundle } from '../bin/bundle.mjs';
import { takeEarly } from '../bin/grade-early.mjs';
import { PACKAGE_ROOT } from '../lib/package-root.ts';
import type { Locale, Pack, ScenarioCase } from './config/scenario.ts';
import type { Lang } from './grade/messages.ts';
import type { ReplyAssessment } from './grade/types.ts';
import type { BotReply, CaseGrade, ConversationRecord } from './types.ts';

// The rules grader in a thread of its own, for runs long enough to pay for
// starting one: the conversations' requests and bookkeeping keep the main
// thread, the reading of every reply (the grader's costliest work) takes the
// other core. The thread holds the same packs, locale and language as the
// run's live grading context, so what it says is what the main thread would
// say. Requests of one event-loop turn travel as one message each way.

export interface GradeThreadInit {
  packs: Pack[];
  locale: Locale;
  lang: Lang;
  good: number;
}

export type GradeThreadRequest =
  | { op: 'assess'; id: number; pack: string; case: string; turnIndex: number; transcribed: boolean; reply: BotReply }
  | { op: 'grade'; id: number; record: ConversationRecord };

export type GradeThreadReply =
  | { id: number; kind: ReplyAssessment }
  | { id: number; grade: CaseGrade }
  | { id: number; error: string };

export interface GradeThread {
  /** What the driver needs of a reply while the conversation goes on (assessReply's answer). */
  assess(reply: BotReply, input: { pack: Pack; case: ScenarioCase; turnIndex: number; transcribed: boolean }): Promise<ReplyAssessment>;
  /** The live rules grade of a finished conversation (gradeConversation's answer). */
  grade(record: ConversationRecord): Promise<CaseGrade>;
  /** Who answers on the main thread: what waits when the thread fails or is closed. */
  local(answer: (request: GradeThreadRequest) => Promise<unknown>): void;
  /** Ends the thread; what still waits on it is answered by the main thread. */
  close(): Promise<void>;
}

/** The worker's entry: the bundle's when the CLI's bundle is fresh, else the sources' through tsx. */
function workerEntry(): string {
  const bundle = freshBundle(PACKAGE_ROOT);
  const bundled = bundle && join(dirname(bundle), 'grade-worker.mjs');
  return bundled && existsSync(bundled) ? bundled : join(PACKAGE_ROOT, 'bin', 'grade-worker.mjs');
}

type Pending = { request: GradeThreadRequest; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * Start the grading thread. Its `local` answerer, given before the first
 * request, takes over what waits when the thread fails or is closed, so a
 * failure of the thread loses no grade and fails no conversation.
 */
export function startGradeThread(init: GradeThreadInit): GradeThread {
  // The thread started with the process (bin/grade-early.mjs) gets its packs now; else a new one with them.
  const early = takeEarly();
  early?.postMessage({ op: 'init', init });
  // Not the harness's own Node options (--input-type, a loader, a profiler): the entry brings what it needs.
  let worker: Worker | undefined = early ?? new Worker(workerEntry(), { execArgv: [], workerData: init });
  const waiting = new Map<number, Pending>();
  let queue: GradeThreadRequest[] = [];
  let scheduled = false;
  let nextId = 1;
  let local: (request: GradeThreadRequest) => Promise<unknown> = async () => {
    throw new Error('the grading thread ended before the run had a grader of its own');
  };

  const flush = () => {
    scheduled = false;
    if (!queue.length) return;
    const batch = queue;
    queue = [];
    if (worker) worker.postMessage(batch);
    else for (const r of batch) handOver(r.id);
  };
  /** The main thread answers one request. */
  const handOver = (id: number) => {
    const p = waiting.get(id);
    if (!p) return;
    waiting.delete(id);
    local(p.request).then(p.resolve, p.reject);
  };
  const fail = () => {
    if (!worker) return;
    worker = undefined;
    for (const id of [...waiting.keys()]) handOver(id);
  };
  worker.on('message', (replies: GradeThreadReply[]) => {
    for (const r of replies) {
      const p = waiting.get(r.id);
      if (!p) continue;
      waiting.delete(r.id);
      if ('error' in r) local(p.request).then(p.resolve, p.reject);
      else p.resolve('kind' in r ? r.kind : r.grade);
    }
    // Idle: the thread holds the process open only while something waits on it.
    if (!waiting.size) worker?.unref();
  });
  worker.on('error', fail);
  worker.on('exit', fail);
  worker.unref();

  const send = <T>(request: GradeThreadRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.set(request.id, { request, resolve: resolve as (v: unknown) => void, reject });
      if (!worker) return handOver(request.id);
      worker.ref();
      queue.push(request);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  return {
    assess: (reply, input) => send<ReplyAssessment>({ op: 'assess', id: nextId++, pack: input.pack.id, case: input.case.id, turnIndex: input.turnIndex, transcribed: input.transcribed, reply }),
    grade: (record) => send<CaseGrade>({ op: 'grade', id: nextId++, record }),
    local(answer) {
      local = answer;
    },
    async close() {
      const w = worker;
      fail();
      flush();
      await w?.terminate();
    },
  };
}
