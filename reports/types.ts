import type { Pack } from '../harness/config/scenario.ts';
import type { Summary } from '../harness/score/types.ts';
import type { GradedConversation } from '../harness/types.ts';

// Renderers are pure functions of journal + summary: a report can be
// re-rendered, merged across shards, or compared with a baseline without
// rerunning anything.

export interface RenderInput {
  runDir: string;
  summary: Summary;
  conversations: GradedConversation[];
  packs: Pack[];
  lang: 'zh' | 'en';
  /** With --baseline: the other run's summary and conversations, for a diff. */
  baseline?: { summary: Summary; conversations: GradedConversation[] };
}

export interface Renderer {
  /** File name written into the run folder. */
  readonly file: string;
  render(input: RenderInput): string | Promise<string>;
}

/** Many banks' runs compared (harness report runs/a runs/b …). */
export interface CompareInput {
  runs: { dir: string; summary: Summary }[];
  lang: 'zh' | 'en';
}
