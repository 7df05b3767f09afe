import type { Renderer, RenderInput } from '../types.ts';
import { esc } from './escape.ts';
import { labels } from '../glossary.ts';
import { channelSection, chartsSection, overviewSection, scenarioTables } from './overview.ts';
import { page } from './page.ts';
import { lowestSection, reviewSection, transcriptsSection } from './transcript.ts';
import { diffSection } from '../diff/index.ts';
import { scorecardSection } from '../scorecard/html.ts';
import { localTime } from '../time.ts';

// index.html: one self-contained file — inline CSS, charts as inline SVG,
// no network — that opens from disk next to the run's evidence folder.

export function renderHtml(input: RenderInput): string {
  const L = labels(input.lang);
  const { summary, conversations, packs } = input;
  const run = summary.run;
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
    input.agreement ? reviewSection(input.agreement, L) : '',
    lowestSection(conversations, summary, packs, L),
    transcriptsSection(conversations, summary, packs, L),
  ].join('\n');
  return page({ lang: input.lang, title: `${L.title} · ${run.bankName || run.bank}`, body });
}

export const htmlRenderer: Renderer = {
  file: 'index.html',
  render: renderHtml,
};
