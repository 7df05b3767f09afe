import { Worker } from 'node:worker_threads';
import { workerEntry } from '../bin/bundle.mjs';
import { takeEarly } from '../bin/grade-early.mjs';
import { PACKAGE_ROOT } from '../lib/package-root.ts';
import type { Locale, Pack, ScenarioCase } from './config/scenario.ts';
import type { Lang } from './grade/messages.ts';
import type { GradeRequest } from './grade/request.ts';
import type { ReplyAssessment } from './grade/types.ts';
import type { BotReply, CaseGrade, ConversationRecord } from './types.ts';
import type { ChartCall } from '../reports/html/charts.ts';

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

/** One request as it crosses: the run's numbering, so a reply finds its caller. */
export interface GradeThreadMessage {
  id: number;
  request: GradeRequest;
}

export type GradeThreadReply = { id: number; value: ReplyAssessment | CaseGrade } | { id: number; error: string };

/** The report's charts, once the conversations are over: ECharts loaded ahead ('warm-charts'), then the page's charts painted ('paint'). */
export type ChartMessage = { op: 'warm-charts' } | { op: 'paint'; id: number; calls: ChartCall[] };
export type ChartReply = { op: 'painted'; id: number; svgs?: string[]; error?: string };

export interface GradeThread {
  /** What the driver needs of a reply while the conversation goes on (assessReply's answer). */
  assess(reply: BotReply, input: { pack: Pack; case: ScenarioCase; turnIndex: number; transcribed: boolean }): Promise<ReplyAssessment>;
  /** The live rules grade of a finished conversation (gradeConversation's answer). */
  grade(record: ConversationRecord): Promise<CaseGrade>;
  /** Who answers on the main thread: what waits when the thread fails or is closed. */
  local(answer: (request: GradeRequest) => Promise<ReplyAssessment | CaseGrade>): void;
  /** The conversations are over: load the charts' engine while the main thread grades and writes the other reports. */
  warmCharts(): void;
  /** The report's charts painted by the thread (it rejects when the thread is gone: they are painted here then). */
  paint(calls: ChartCall[]): Promise<string[]>;
  /** Ends the thread; what still waits on it is answered by the main thread. */
  close(): Promise<void>;
}

/**
 * Readings that go to the thread at once, without waiting for the end of the
 * event loop's turn. A fast bot's replies come back together: sent at the
 * turn's end, all of them would wait for the thread while the main thread
 * idled, then the bot for the main thread, each in turn (2,000 conversations
 * against a 0 ms bot, 32 at a time: wall 0.92× sent in eights).
 */
export const READINGS_PER_MESSAGE = 8;

type Pending = { request: GradeRequest; resolve: (v: ReplyAssessment | CaseGrade) => void; reject: (e: unknown) => void };

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
  let worker: Worker | undefined = early ?? new Worker(workerEntry(PACKAGE_ROOT, 'grade-worker.mjs'), { execArgv: [], workerData: init });
  const waiting = new Map<number, Pending>();
  let queue: GradeThreadMessage[] = [];
  let scheduled = false;
  let nextId = 1;
  let local: (request: GradeRequest) => Promise<ReplyAssessment | CaseGrade> = async () => {
    throw new Error('the grading thread ended before the run had a grader of its own');
  };

  /** Readings in the queue: a conversation waits on each. */
  let readings = 0;
  const flush = () => {
    scheduled = false;
    readings = 0;
    if (!queue.length) return;
    const batch = queue;
    queue = [];
    if (worker) worker.postMessage(batch);
    else for (const m of batch) handOver(m.id);
  };
  /** The main thread answers one request. */
  const handOver = (id: number) => {
    const p = waiting.get(id);
    if (!p) return;
    waiting.delete(id);
    local(p.request).then(p.resolve, p.reject);
  };
  /** Charts asked of the thread (ChartMessage), by id. */
  const paintings = new Map<number, { resolve: (svgs: string[]) => void; reject: (e: unknown) => void }>();
  const settlePainting = (r: ChartReply) => {
    const p = paintings.get(r.id);
    paintings.delete(r.id);
    if (r.svgs) p?.resolve(r.svgs);
    else p?.reject(new Error(r.error ?? 'the grading thread painted no chart'));
  };
  const fail = () => {
    if (!worker) return;
    worker = undefined;
    for (const id of [...waiting.keys()]) handOver(id);
    for (const id of [...paintings.keys()]) settlePainting({ op: 'painted', id, error: 'the grading thread ended' });
  };
  worker.on('message', (replies: GradeThreadReply[] | ChartReply) => {
    if (!Array.isArray(replies)) {
      settlePainting(replies);
      if (!waiting.size && !paintings.size) worker?.unref();
      return;
    }
    for (const r of replies) {
      // What the thread could not answer, the main thread does (and says why if it fails there too).
      if ('error' in r) {
        handOver(r.id);
        continue;
      }
      waiting.get(r.id)?.resolve(r.value);
      waiting.delete(r.id);
    }
    // Idle: the thread holds the process open only while something waits on it.
    if (!waiting.size && !paintings.size) worker?.unref();
  });
  worker.on('error', fail);
  worker.on('exit', fail);
  worker.unref();

  const send = <T extends ReplyAssessment | CaseGrade>(request: GradeRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { request, resolve: resolve as Pending['resolve'], reject });
      if (!worker) return handOver(id);
      worker.ref();
      queue.push({ id, request });
      if (request.op === 'assess' && ++readings >= READINGS_PER_MESSAGE) return flush();
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  return {
    assess: (reply, input) => send<ReplyAssessment>({ op: 'assess', pack: input.pack.id, case: input.case.id, turnIndex: input.turnIndex, transcribed: input.transcribed, reply }),
    grade: (record) => send<CaseGrade>({ op: 'grade', record }),
    local(answer) {
      local = answer;
    },
    warmCharts() {
      worker?.postMessage({ op: 'warm-charts' } satisfies ChartMessage);
    },
    paint(calls) {
      return new Promise<string[]>((resolve, reject) => {
        if (!worker) return reject(new Error('the grading thread has ended'));
        const id = nextId++;
        paintings.set(id, { resolve, reject });
        worker.ref();
        try {
          worker.postMessage({ op: 'paint', id, calls } satisfies ChartMessage);
        } catch (err) {
          // A chart's arguments that cannot cross (never plain data): painted here instead.
          paintings.delete(id);
          if (!waiting.size && !paintings.size) worker.unref();
          reject(err);
        }
      });
    },
    async close() {
      const w = worker;
      fail();
      flush();
      await w?.terminate();
    },
  };
}
