import type { CompareInput, DiffInput, Renderer, ViewRenderer } from './types.ts';
import type { HistoryInput } from './history/index.ts';

// The registry of per-run renderers: a list of definitions, the kind union
// derived from it, so adding a renderer is one new file and one line here.
// summary.json is written by the engine: it is the contract, not a rendering.
// The HTML renderer loads lazily: it pulls in ECharts. It renders first: when
// another thread paints its charts (harness run), they are painted while the
// other reports and its own pages are made.

export interface RendererDefinition {
  readonly kind: string;
  load(): Promise<Renderer>;
}

export const runRenderers = [
  { kind: 'html', load: async () => (await import('./html/index.ts')).htmlRenderer },
  { kind: 'markdown', load: async () => (await import('./markdown.ts')).markdownRenderer },
  { kind: 'junit', load: async () => (await import('./junit.ts')).junitRenderer },
  { kind: 'csv', load: async () => (await import('./csv.ts')).csvRenderer },
] as const satisfies readonly RendererDefinition[];
export type RendererKind = (typeof runRenderers)[number]['kind'];

/** Views over several runs: the banks' comparison, the run-against-run diff and a bank's history. */
export const views = {
  compare: async (): Promise<ViewRenderer<CompareInput>> => (await import('./compare/index.ts')).compareRenderer,
  diff: async (): Promise<ViewRenderer<DiffInput>> => (await import('./diff/index.ts')).diffRenderer,
  history: async (): Promise<ViewRenderer<HistoryInput>> => (await import('./history/index.ts')).historyRenderer,
};
