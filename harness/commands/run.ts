import type { Summary } from '../score/types.ts';
import { executeRun, type RunOptions, type RunResult } from '../run/index.ts';
import { finishRun } from './finish.ts';
import { runRenderers } from '../../reports/index.ts';

// harness run: the engine runs the conversations into the run folder, then
// the journal is graded, scored and rendered — the same replay `harness
// report` and `harness merge` do.

export async function runBenchmark(opts: RunOptions): Promise<RunResult> {
  // The renderers load while the conversations wait on the bot, not after the last one; ECharts too, unless the grading thread paints.
  const whileRunning = (gradingThread: boolean) => {
    for (const r of runRenderers) void r.load().then((loaded) => (gradingThread ? undefined : loaded.warm?.()), () => undefined);
  };
  const run = await executeRun({ whileRunning, keepGradeThread: true, ...opts });
  const thread = run.thread;
  try {
    if (run.interrupted) return { runDir: run.runDir, summary: undefined as unknown as Summary, exitCode: 130, gate: { failures: [] }, interrupted: true, files: [] };
    // The grading thread, idle by now, paints the charts while this one writes the transcripts.
    return await finishRun({ ...run, paintCharts: thread && ((calls) => thread.paint(calls)) });
  } finally {
    await thread?.close();
  }
}
