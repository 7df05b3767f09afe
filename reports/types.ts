import type { Pack } from '../harness/config/scenario.ts';
import type { Agreement } from '../harness/score/agreement.ts';
import type { Comparison } from '../harness/score/compare.ts';
import type { RunDiff } from '../harness/score/diff.ts';
import type { GateResult } from '../harness/score/gate.ts';
import type { Lang, Summary } from '../harness/score/types.ts';
import type { GradedConversation } from '../harness/types.ts';
import type { ChartPainter } from './html/charts.ts';

// Renderers are pure functions of journal + summary: a report can be
// re-rendered, merged across shards, or compared with a baseline without
// rerunning anything.

export interface RenderInput {
  runDir: string;
  summary: Summary;
  conversations: GradedConversation[];
  packs: Pack[];
  lang: Lang;
  /** With --baseline <run>: the run-against-run diff, computed by harness/score. */
  diff?: RunDiff;
  /** With --grader both: how far the two graders agree, computed by harness/score. */
  agreement?: Agreement;
  /** The CI gates: which failed, and the conversations each failure is made of. */
  gate?: GateResult;
  /** Who paints the charts when not this thread (`harness run`'s grading thread, idle by then). */
  paintCharts?: ChartPainter;
}

export interface Renderer {
  /** File name written into the run folder. */
  readonly file: string;
  render(input: RenderInput): string | Promise<string>;
  /** A folder of the run the renderer owns: emptied before each rendering. */
  readonly dir?: string;
  /** Further files (paths relative to the run folder, inside `dir`), made one at a time so a large run never holds them all. */
  pages?(input: RenderInput): Iterable<[file: string, content: string]>;
  /** Work that makes the first rendering quicker, done while a run waits on its bot. */
  warm?(): void;
}

/** Many banks' runs compared (harness report runs/a runs/b …), computed by harness/score. */
export interface CompareInput {
  comparison: Comparison;
  lang: Lang;
}

export interface DiffInput {
  diff: RunDiff;
  lang: Lang;
}

/** A renderer of several files from one input: the comparison and the diff views. */
export interface ViewRenderer<I> {
  /** File names written into the output folder. */
  readonly files: readonly string[];
  render(input: I): Record<string, string>;
}
