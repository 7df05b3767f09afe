import { parentPort, workerData } from 'node:worker_threads';
import { caseIn } from './config/case-index.ts';
import type { Pack } from './config/scenario.ts';
import { assessReply, gradeConversation, graders, warmGrader } from './grade/index.ts';
import type { GradeThreadInit, GradeThreadReply, GradeThreadRequest } from './grade-thread.ts';
import { gradeContext } from './run/grade-run.ts';

// The grading thread (see grade-thread.ts): it answers batches of requests in
// order, one message back per batch. Its context is the live one of the run:
// the same packs, locale and language, no canned replies.

const init = workerData as GradeThreadInit;
const port = parentPort!;
const ctx = gradeContext(init.packs, init.locale, [], undefined, init.lang);
const packs = new Map<string, Pack>(init.packs.map((p) => [p.id, p]));
const rules = graders.rules();
// The tables every reading needs, built before the first reply arrives (between batches, not before them).
void warmGrader(ctx);

async function answer(m: GradeThreadRequest): Promise<GradeThreadReply> {
  try {
    const pack = packs.get(m.op === 'assess' ? m.pack : m.record.pack);
    if (!pack) throw new Error('no such pack');
    if (m.op === 'assess') {
      const scenarioCase = caseIn(pack, m.case);
      if (!scenarioCase) throw new Error(`case "${m.case}" is not in pack "${pack.id}"`);
      return { id: m.id, kind: assessReply(m.reply, { pack, case: scenarioCase, turnIndex: m.turnIndex, transcribed: m.transcribed }, ctx) };
    }
    return { id: m.id, grade: await gradeConversation(m.record, pack, await rules, ctx, init.good) };
  } catch (err) {
    // The main thread answers it instead, and says what went wrong if it fails there too.
    return { id: m.id, error: (err as Error)?.message ?? String(err) };
  }
}

port.on('message', (batch: GradeThreadRequest[]) => {
  // A reading holds up a conversation, a grade does not: the readings go back first.
  const assessed = batch.filter((m) => m.op === 'assess');
  const graded = batch.filter((m) => m.op === 'grade');
  if (assessed.length) void Promise.all(assessed.map(answer)).then((replies) => port.postMessage(replies));
  if (graded.length) void Promise.all(graded.map(answer)).then((replies) => port.postMessage(replies));
});
