import type { History } from '../../harness/score/history.ts';
import type { Lang } from '../../harness/score/types.ts';
import { labels, type Labels } from '../glossary.ts';
import { lineChart } from '../html/charts.ts';
import { esc, fmt } from '../html/escape.ts';
import { page } from '../html/page.ts';
import { localTime } from '../time.ts';
import type { ViewRenderer } from '../types.ts';

// history.md and history.html: a bank's runs of one plan over time, a trend
// table per channel (whole channel and each scenario), a line chart per
// channel, and every regression marked ▼ — all computed by harness/score.

export interface HistoryInput {
  history: History;
  lang: Lang;
}

const runLabel = (h: History, i: number) => `#${i + 1} ${localTime(h.runs[i].startedAt).slice(0, 16)}`;
const cell = (v: number | null, marked: boolean) => (v === null ? '—' : `${marked ? '▼ ' : ''}${fmt(v)}`);

function markdown(h: History, L: Labels): string {
  const out = [`# ${L.historyTitle} — ${h.bankName} (${h.bank})`, ''];
  out.push(`| # | ${L.started} | ${L.run} | ${L.effectiveness} | ${L.score100} |`, '|---|---|---|---|---|');
  h.runs.forEach((r, i) => out.push(`| ${i + 1} | ${localTime(r.startedAt)} | \`${r.id}\` | ${fmt(r.effectiveness)} | ${fmt(r.score100, 1)} |`));
  out.push('', `> ${L.regressionNote.replace('{d}', String(h.maxDrop))}`, '');
  out.push(`## ${L.regressions}`, '');
  if (!h.regressions.length) out.push(L.noRegression, '');
  else {
    out.push(`| ${L.run} | ${L.channel} | ${L.scenario} | ${L.previous} | ${L.current} |`, '|---|---|---|---|---|');
    for (const r of h.regressions) out.push(`| \`${r.run}\` | ${r.channel} | ${r.scenario === null ? L.whole : r.name} | ${fmt(r.before)} | ▼ ${fmt(r.after)} |`);
    out.push('');
  }
  for (const c of h.channels) {
    out.push(`## ${c.label ? `${c.label} (${c.name})` : c.name} — ${L.trend}`, '');
    out.push(`| ${L.scenario} | ${h.runs.map((_, i) => runLabel(h, i)).join(' | ')} |`, `|---|${h.runs.map(() => '---|').join('')}`);
    for (const s of c.series) out.push(`| ${s.scenario === null ? `**${L.whole}**` : s.name} | ${s.points.map((v, i) => cell(v, s.regressions.includes(i))).join(' | ')} |`);
    out.push('');
  }
  if (h.excluded.length) {
    out.push(`## ${L.excludedRuns}`, '');
    for (const x of h.excluded) out.push(`- \`${x.id}\`: ${x.reason}`);
    out.push('');
  }
  return out.join('\n');
}

function html(h: History, L: Labels, lang: Lang): string {
  const categories = h.runs.map((_, i) => runLabel(h, i));
  const runRows = h.runs.map((r, i) => `<tr><td class="num">${i + 1}</td><td>${esc(localTime(r.startedAt))}</td><td>${esc(r.id)}</td><td class="num">${fmt(r.effectiveness)}</td><td class="num">${fmt(r.score100, 1)}</td></tr>`).join('');
  const regressions = h.regressions.length
    ? `<table class="regressions"><tr><th>${esc(L.run)}</th><th>${esc(L.channel)}</th><th>${esc(L.scenario)}</th><th>${esc(L.previous)}</th><th>${esc(L.current)}</th></tr>${h.regressions
        .map((r) => `<tr><td>${esc(r.run)}</td><td>${esc(r.channel)}</td><td>${esc(r.scenario === null ? L.whole : r.name)}</td><td class="num">${fmt(r.before)}</td><td class="num verdict-fail">▼ ${fmt(r.after)}</td></tr>`)
        .join('')}</table>`
    : `<p>${esc(L.noRegression)}</p>`;
  const channels = h.channels
    .map((c) => {
      const svg = lineChart({ categories, series: c.series.map((s) => ({ name: s.scenario === null ? L.whole : s.name, data: s.points, marks: s.regressions })), min: 0, max: 10, yName: L.effectiveness });
      const rows = c.series
        .map((s) => `<tr><td>${s.scenario === null ? `<b>${esc(L.whole)}</b>` : esc(s.name)}</td>${s.points.map((v, i) => `<td class="num${s.regressions.includes(i) ? ' verdict-fail regression' : ''}">${esc(cell(v, s.regressions.includes(i)))}</td>`).join('')}</tr>`)
        .join('');
      const title = `${c.label ? `${c.label} (${c.name})` : c.name} — ${L.trend}`;
      return `<h2>${esc(title)}</h2>
<div class="chart" role="img" aria-label="${esc(title)}">${svg}</div>
<table><tr><th>${esc(L.scenario)}</th>${categories.map((x) => `<th>${esc(x)}</th>`).join('')}</tr>${rows}</table>`;
    })
    .join('\n');
  const excluded = h.excluded.length
    ? `<h2>${esc(L.excludedRuns)}</h2><table><tr><th>${esc(L.run)}</th><th>${esc(L.reason)}</th></tr>${h.excluded.map((x) => `<tr><td>${esc(x.id)}</td><td>${esc(x.reason)}</td></tr>`).join('')}</table>`
    : '';
  const body = `<h1>${esc(L.historyTitle)} · ${esc(h.bankName)}</h1>
<table><tr><th>#</th><th>${esc(L.started)}</th><th>${esc(L.run)}</th><th>${esc(L.effectiveness)}</th><th>${esc(L.score100)}</th></tr>${runRows}</table>
<p class="note">${esc(L.regressionNote.replace('{d}', String(h.maxDrop)))}</p>
<h2>${esc(L.regressions)}</h2>
${regressions}
${channels}
${excluded}`;
  return page({ lang, title: `${L.historyTitle} · ${h.bankName}`, body, script: false });
}

export const historyRenderer: ViewRenderer<HistoryInput> = {
  files: ['history.md', 'history.html'],
  render({ history, lang }: HistoryInput): Record<string, string> {
    const L = labels(lang);
    return { 'history.md': markdown(history, L), 'history.html': html(history, L, lang) };
  },
};
