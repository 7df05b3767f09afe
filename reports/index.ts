import type { CompareInput, DiffInput, Renderer, ViewRenderer } from './types.ts';
import { csvRenderer } from './csv.ts';
import { junitRenderer } from './junit.ts';
import { markdownRenderer } from './markdown.ts';

// Closed registry of per-run renderers (summary.json is written by the runner:
// it is the contract, not a rendering). The HTML renderer loads lazily: it pulls in ECharts.

export const rendererKinds = ['markdown', 'junit', 'csv', 'html'] as const;
export type RendererKind = (typeof rendererKinds)[number];

export const renderers: Record<RendererKind, () => Promise<Renderer>> = {
  markdown: async () => markdownRenderer,
  junit: async () => junitRenderer,
  csv: async () => csvRenderer,
  html: async () => (await import('./html/index.ts')).htmlRenderer,
};

/** Views over several runs: the banks' comparison and the run-against-run diff. */
export const views = {
  compare: async (): Promise<ViewRenderer<CompareInput>> => (await import('./compare/index.ts')).compareRenderer,
  diff: async (): Promise<ViewRenderer<DiffInput>> => (await import('./diff/index.ts')).diffRenderer,
};
