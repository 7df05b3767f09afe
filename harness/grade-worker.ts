import { parentPort, workerData } from 'node:worker_threads';
import { caseIn } from './config/case-index.ts';
import type { Pack } from './config/scenario.ts';
import { assessReply, gradeConversation, graders, warmGrader, warmReading } from './grade/index.ts';
import type { GradeThreadInit, GradeThreadReply, GradeThreadRequest } from './grade-thread.ts';
import type { GradeContext } from './grade/types.ts';
import { gradeContext } from './run/grade-run.ts';

// The grading thread (see grade-thread.ts): it answers batches of requests in
// order, one message back per batch. Its context is the live one of the run:
// the same packs, locale and language, no canned replies. Started with the
// process (bin/grade-early.mjs), it has no packs yet: it loads what every
// reading needs whatever the packs, and takes the packs in its first message.

const port = parentPort!;
const rules = graders.rules();

interface Run {
  init: GradeThreadInit;
  ctx: GradeContext;
  packs: Map<string, Pack>;
}
let run: Run | undefined;

function begin(init: GradeThreadInit): void {
  const ctx = gradeContext(init.packs, init.locale, [], undefined, init.lang);
  run = { init, ctx, packs: new Map(init.packs.map((p) => [p.id, p])) };
  // The tables every reading needs, built before the first reply arrives (between batches, not before them).
  void warmGrader(ctx);
}

async function answer(m: GradeThreadRequest): Promise<GradeThreadReply> {
  try {
    if (!run) throw new Error('no packs yet');
    const pack = run.packs.get(m.op === 'assess' ? m.pack : m.record.pack);
    if (!pack) throw new Error('no such pack');
    if (m.op === 'assess') {
      const scenarioCase = caseIn(pack, m.case);
      if (!scenarioCase) throw new Error(`case "${m.case}" is not in pack "${pack.id}"`);
      return { id: m.id, kind: assessReply(m.reply, { pack, case: scenarioCase, turnIndex: m.turnIndex, transcribed: m.transcribed }, run.ctx) };
    }
    return { id: m.id, grade: await gradeConversation(m.record, pack, await rules, run.ctx, run.init.good) };
  } catch (err) {
    // The main thread answers it instead, and says what went wrong if it fails there too.
    return { id: m.id, error: (err as Error)?.message ?? String(err) };
  }
}

port.on('message', (m: GradeThreadRequest[] | { op: 'init'; init: GradeThreadInit }) => {
  if (!Array.isArray(m)) return begin(m.init);
  // A reading holds up a conversation, a grade does not: the readings go back first.
  const assessed = m.filter((r) => r.op === 'assess');
  const graded = m.filter((r) => r.op === 'grade');
  if (assessed.length) void Promise.all(assessed.map(answer)).then((replies) => port.postMessage(replies));
  if (graded.length) void Promise.all(graded.map(answer)).then((replies) => port.postMessage(replies));
});

if (workerData) begin(workerData as GradeThreadInit);
else warmReading();
