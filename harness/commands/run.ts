import type { Summary } from '../score/types.ts';
import { executeRun, type RunOptions, type RunResult } from '../run/index.ts';
import { finishRun } from './finish.ts';
import { runRenderers } from '../../reports/index.ts';

// harness run: the engine runs the conversations into the run folder, then
// the journal is graded, scored and rendered — the same replay `harness
// report` and `harness merge` do.

export async function runBenchmark(opts: RunOptions): Promise<RunResult> {
  // The renderers (ECharts above all) load while the conversations wait on the bot, not after the last one.
  const run = await executeRun({ whileRunning: () => runRenderers.forEach((r) => void r.load().catch(() => undefined)), ...opts });
  if (run.interrupted) return { runDir: run.runDir, summary: undefined as unknown as Summary, exitCode: 130, gate: { failures: [] }, interrupted: true, files: [] };
  return finishRun(run);
}
