import { parentPort, workerData } from 'node:worker_threads';
import { warmGrader, warmReading } from './grade/index.ts';
import { answerGradeRequest, type GradeRequestContext } from './grade/request.ts';
import type { ChartMessage, ChartReply, GradeThreadInit, GradeThreadMessage, GradeThreadReply } from './grade-thread.ts';
import { gradeContext } from './run/grade-run.ts';

// The grading thread (see grade-thread.ts): it answers batches of requests in
// order, one message back per batch. Its context is the live one of the run:
// the same packs, locale and language, no canned replies. Started with the
// process (bin/grade-early.mjs), it has no packs yet: it loads what every
// reading needs whatever the packs, and takes the packs in its first message.

const port = parentPort!;
let run: GradeRequestContext | undefined;

function begin(init: GradeThreadInit): void {
  run = { packs: new Map(init.packs.map((p) => [p.id, p])), ctx: gradeContext(init.packs, init.locale, [], undefined, init.lang), good: init.good };
  // The tables every reading needs, built before the first reply arrives (between batches, not before them).
  void warmGrader(run.ctx);
}

async function answer({ id, request }: GradeThreadMessage): Promise<GradeThreadReply> {
  try {
    if (!run) throw new Error('the grading thread has no packs yet');
    return { id, value: await answerGradeRequest(request, run) };
  } catch (err) {
    // The main thread answers it instead.
    return { id, error: (err as Error)?.message ?? String(err) };
  }
}

/** The report's painter, loaded once the conversations are over (its modules and ECharts). */
let charts: Promise<typeof import('../reports/html/paint.ts')> | undefined;
const painter = () =>
  (charts ??= import('../reports/html/paint.ts').then((p) => {
    p.warmCharts();
    return p;
  }));

async function paint(request: ChartMessage & { op: 'paint' }): Promise<ChartReply> {
  const { id } = request;
  try {
    return { op: 'painted', id, svgs: (await painter()).paintCharts(request.calls) };
  } catch (err) {
    return { op: 'painted', id, error: (err as Error)?.message ?? String(err) };
  }
}

port.on('message', (m: GradeThreadMessage[] | { op: 'init'; init: GradeThreadInit } | ChartMessage) => {
  if (!Array.isArray(m)) {
    if (m.op === 'init') return begin(m.init);
    if (m.op === 'warm-charts') return void painter().catch(() => undefined);
    return void paint(m).then((r) => port.postMessage(r));
  }
  // A reading holds up a conversation, a grade does not: the readings go back first.
  for (const part of [m.filter((x) => x.request.op === 'assess'), m.filter((x) => x.request.op === 'grade')]) {
    if (part.length) void Promise.all(part.map(answer)).then((replies) => port.postMessage(replies));
  }
});

if (workerData) begin(workerData as GradeThreadInit);
else void warmReading();
