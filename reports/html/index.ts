import type { Renderer, RenderInput } from '../types.ts';
import { esc } from './escape.ts';
import { labels } from '../glossary.ts';
import { casePages, channelSection, chartsSection, overviewSection, scenarioTables } from './overview.ts';
import { page } from './page.ts';
import { lowestSection, PAGES_DIR, reviewSection, transcriptLayout, transcriptPages, transcriptsSection } from './transcript.ts';
import { diffSection } from '../diff/index.ts';
import { scorecardSection } from '../scorecard/html.ts';
import { localTime } from '../time.ts';
import { deferCharts, fillCharts, paintCharts, warmCharts, type ChartPainter } from './charts.ts';
import { stableChartIds } from './chart-ids.ts';

// index.html: one self-contained file — inline CSS, charts as inline SVG,
// no network — that opens from disk next to the run's evidence folder. A run
// of more than PAGE_SIZE conversations keeps its transcripts in pages beside
// it (transcripts/NNN.html, the same shell), and a scenario of more than
// CASE_ROWS cases its whole case table (transcripts/cases-<pack>.html), so
// index.html stays small.

export function renderHtml(input: RenderInput): string {
  const L = labels(input.lang);
  const { summary, conversations, packs } = input;
  const run = summary.run;
  const layout = transcriptLayout(conversations);
  const header = `<h1>${esc(L.title)} · ${esc(run.bankName || run.bank)}</h1>
<p class="meta">${esc(L.run)} ${esc(run.id)}${run.shard ? ` (${esc(L.shard)} ${esc(run.shard)})` : ''} · ${esc(L.started)} ${esc(localTime(run.startedAt))} · ${esc(L.finished)} ${esc(localTime(run.finishedAt))} · ${esc(L.grader)} ${esc(L.graders[run.grader] ?? run.grader)} · ${esc(L.goodThreshold)} ${summary.good}</p>`;
  const body = [
    header,
    overviewSection(summary, L),
    channelSection(summary, L),
    chartsSection(summary, conversations, packs, L),
    scenarioTables(summary, packs, L),
    summary.scorecard ? scorecardSection(summary.scorecard, input.lang, run.bankName || run.bank) : '',
    input.diff ? diffSection(input.diff, input.lang) : '',
    input.agreement ? reviewSection(input.agreement, L, layout.href) : '',
    lowestSection(conversations, summary, packs, L, layout.href),
    transcriptsSection(conversations, summary, packs, L, layout),
  ].join('\n');
  return page({ lang: input.lang, title: `${L.title} · ${run.bankName || run.bank}`, body });
}

function* htmlPages(input: RenderInput): Generator<[string, string]> {
  const L = labels(input.lang);
  const bank = input.summary.run.bankName || input.summary.run.bank;
  for (const [file, body, name] of transcriptPages(input.conversations, input.summary, input.packs, L)) {
    yield [file, page({ lang: input.lang, title: `${L.transcripts} ${name} · ${bank}`, body })];
  }
  for (const [file, body, title] of casePages(input.summary, input.packs, L)) yield [file, page({ lang: input.lang, title: `${title} · ${bank}`, body })];
}

/**
 * index.html with its charts painted by another thread: the page is built
 * with placeholders and the charts go at once, so the transcript pages are
 * made meanwhile (renderAll makes them, and the other reports, before it awaits this). The same
 * page as renderHtml's: a painter that fails leaves the charts to this thread.
 */
async function renderWithPainter(input: RenderInput, paint: ChartPainter): Promise<string> {
  const { html, calls } = deferCharts(() => renderHtml(input));
  if (!calls.length) return html;
  let svgs: string[];
  try {
    svgs = await paint(calls);
  } catch {
    svgs = paintCharts(calls);
  }
  return stableChartIds(fillCharts(html, svgs));
}

export const htmlRenderer: Renderer = {
  file: 'index.html',
  render: (input) => (input.paintCharts ? renderWithPainter(input, input.paintCharts) : renderHtml(input)),
  dir: PAGES_DIR,
  pages: htmlPages,
  warm: warmCharts,
};
