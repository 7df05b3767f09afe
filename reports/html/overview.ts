import type { Pack } from '../../harness/config/scenario.ts';
import type { ChannelScore, Summary } from '../../harness/score/types.ts';
import type { GradedConversation } from '../../harness/types.ts';
import { barChart, heatmapChart, histogram, niceStep } from './charts.ts';
import { esc, fill, fmt, pct } from './escape.ts';
import type { Labels } from '../glossary.ts';
import { setupLabels, setupLines, setupTitle } from '../setup.ts';
import { metricTables } from '../names.ts';

// The summary half of the report: score cards, charts, per-scenario tables.

export function scenarioName(id: string, summary: Summary, packs: Pack[]): string {
  return summary.scenarios[id]?.name ?? packs.find((p) => p.id === id)?.name ?? id;
}

function chart(title: string, svg: string, note = ''): string {
  return `<section class="chart-block"><h3>${esc(title)}</h3>${note}<div class="chart" role="img" aria-label="${esc(title)}">${svg}</div></section>`;
}

export function overviewSection(summary: Summary, L: Labels): string {
  const card = (label: string, value: string) => `<div class="card">${esc(label)}<b>${esc(value)}</b></div>`;
  const simulated = Object.entries(summary.channels).filter(([, c]) => c.simulated).map(([name]) => name);
  return `${setupBanner(summary)}<h2>${esc(L.overview)}</h2>
<div class="cards">
${card(L.recognition, fmt(summary.bank.recognition))}
${card(L.completeness, fmt(summary.bank.completeness))}
${card(L.effectiveness, fmt(summary.bank.effectiveness))}
${card(L.score100, fmt(summary.bank.score100, 1))}
${card(L.conversations, String(summary.run.conversations))}
${card(L.errors, String(summary.run.errors))}
</div>
${simulated.length ? `<p class="note">${esc(L.simulatedNote)} ${simulated.map(esc).join(', ')}</p>` : ''}`;
}

/** Channels stopped or mostly silent: named first, with cause, fix and the harness try command. */
function setupBanner(summary: Summary): string {
  const lines = setupLines(summary);
  if (!lines.length) return '';
  const lang = summary.run.lang === 'en' ? 'en' : 'zh';
  const S = setupLabels(lang);
  const items = lines
    .map((p) => `<li><b>${esc(p.channel)}</b>: ${esc(p.headline)}<br>${esc(S.cause)}: ${esc(p.cause)}${p.fixes.map((f) => `<br>${esc(S.fix)}: ${esc(f)}`).join('')}<br>${esc(S.check)}: <code>${esc(p.check)}</code></li>`)
    .join('');
  return `<section class="note setup-problems" role="alert"><h2>⚠ ${esc(setupTitle(lang))}</h2><ul>${items}</ul></section>
`;
}

export function channelSection(summary: Summary, L: Labels): string {
  const kindLabel = (c: ChannelScore) => (c.kind === 'online' ? L.online : L.hotline);
  const rows = Object.entries(summary.channels)
    .map(([name, c]) => `<tr><td>${esc(name)}${c.simulated ? ` <small>(${esc(L.simulated)})</small>` : ''}</td><td>${esc(kindLabel(c))}</td>
<td class="num">${fmt(c.recognition)}</td><td class="num">${fmt(c.completeness)}</td><td class="num">${fmt(c.effectiveness)}</td>
<td class="num">${c.conversations}</td><td class="num">${c.errors}</td>
<td class="num">${fmt(c.latency.firstMsP50, 0)}</td><td class="num">${fmt(c.latency.settledMsP50, 0)}</td><td class="num">${fmt(c.latency.settledMsP90, 0)}</td></tr>`)
    .join('\n');
  const sides = [
    { label: L.online, s: summary.online },
    { label: L.hotline, s: summary.hotline },
  ];
  const empty = sides.filter((x) => !x.s.n).map((x) => `<p class="note">${esc(x.label)}：${esc(L.notMeasured)}</p>`).join('');
  const bars = barChart({
    categories: [L.recognition, L.completeness],
    series: sides.map((x) => ({ name: x.label, data: x.s.n ? [x.s.recognition, x.s.completeness] : [null, null] })),
    max: 5,
    height: 300,
  });
  const sideRows = sides
    .map((x) => `<tr><td>${esc(x.label)}</td><td class="num">${fmt(x.s.recognition)}</td><td class="num">${fmt(x.s.completeness)}</td><td class="num">${fmt(x.s.effectiveness)}</td><td class="num">${x.s.effectiveness === null ? '—' : fmt(x.s.effectiveness * 10, 1)}</td><td class="num">${x.s.n}</td></tr>`)
    .join('');
  // One table per adapter, each with its own metrics: no column borrowed from another channel.
  const ivr = metricTables(summary, L)
    .map((t) => `<h3>${esc(t.title)}</h3><table><tr><th>${esc(L.channel)}</th>${t.keys.map((k) => `<th>${esc(t.label(k))}</th>`).join('')}</tr>${t.rows.map((r) => `<tr><td>${esc(r.channel)}</td>${r.values.map((v) => `<td class="num">${esc(v)}</td>`).join('')}</tr>`).join('')}</table>`)
    .join('\n');
  return `<h2>${esc(L.online)} / ${esc(L.hotline)}</h2>
${chart(`${L.online} vs ${L.hotline}`, bars, empty)}
<table><tr><th></th><th>${esc(L.recognition)}</th><th>${esc(L.completeness)}</th><th>${esc(L.effectiveness)}</th><th>${esc(L.score100)}</th><th>${esc(L.conversations)}</th></tr>${sideRows}</table>
${ivr}
<h2>${esc(L.channels)}</h2>
<table><tr><th>${esc(L.channel)}</th><th>${esc(L.kind)}</th><th>${esc(L.recognition)}</th><th>${esc(L.completeness)}</th><th>${esc(L.effectiveness)}</th>
<th>${esc(L.conversations)}</th><th>${esc(L.errors)}</th><th>${esc(L.latencyFirst)} ${L.p50}</th><th>${esc(L.latencySettled)} ${L.p50}</th><th>${esc(L.latencySettled)} ${L.p90}</th></tr>
${rows}</table>`;
}

export function chartsSection(summary: Summary, conversations: GradedConversation[], packs: Pack[], L: Labels): string {
  const channelNames = Object.keys(summary.channels);
  const scenarioIds = Object.keys(summary.scenarios).length
    ? Object.keys(summary.scenarios)
    : [...new Set(conversations.map((c) => c.record.pack))];
  const names = scenarioIds.map((id) => scenarioName(id, summary, packs));
  const heat = heatmapChart({
    rows: names,
    columns: channelNames,
    cells: scenarioIds.map((id) => channelNames.map((ch) => summary.channels[ch].scenarios[id]?.effectiveness ?? null)),
    min: 0,
    max: 10,
  });

  const done = conversations.filter((c) => !c.record.error);
  const byKind = (kind: 'online' | 'hotline') => done.filter((c) => c.record.kind === kind);
  const dist = (kind: 'online' | 'hotline') => histogram(byKind(kind).map((c) => c.grade.recognition + c.grade.completeness), 0, 10, 10);
  const distOnline = dist('online');
  const distChart = barChart({
    categories: distOnline.labels,
    series: [
      { name: L.online, data: distOnline.counts },
      { name: L.hotline, data: dist('hotline').counts },
    ],
    yName: L.count,
    counts: true,
  });

  const latencies = (kind: 'online' | 'hotline') =>
    byKind(kind).flatMap((c) => c.record.turns.flatMap((t) => t.exchanges.map((e) => e.reply.latency.settledMs))).filter((v): v is number => typeof v === 'number');
  const all = [...latencies('online'), ...latencies('hotline')];
  const step = niceStep(all.length ? Math.max(...all) : 1000, 10);
  const bins = Math.max(1, Math.ceil((all.length ? Math.max(...all) + 1 : 1000) / step));
  const top = step * bins;
  const latOnline = histogram(latencies('online'), 0, top, bins);
  const latChart = barChart({
    categories: latOnline.labels,
    series: [
      { name: L.online, data: latOnline.counts },
      { name: L.hotline, data: histogram(latencies('hotline'), 0, top, bins).counts },
    ],
    yName: L.count,
    counts: true,
  });

  return `<h2>${esc(L.heatmap)}</h2><div class="chart" role="img" aria-label="${esc(L.heatmap)}">${heat}</div>
${chart(L.distribution, distChart)}
${chart(L.latency, latChart)}
${confusionSection(conversations, scenarioIds, names, L)}`;
}

function confusionSection(conversations: GradedConversation[], scenarioIds: string[], names: string[], L: Labels): string {
  const extra = new Set<string>();
  const counts = new Map<string, number>();
  const ids = [...scenarioIds];
  for (const c of conversations) {
    for (const t of c.grade.turns) {
      if (t.level === 'error') continue;
      let answered: string;
      if (t.level === 'fallback' || t.level === 'silence') answered = 'fallback';
      else if (t.level === 'handoff') answered = 'handoff';
      else answered = t.topic && t.topic !== c.record.pack ? t.topic : c.record.pack;
      if (!['fallback', 'handoff'].includes(answered) && !ids.includes(answered)) ids.push(answered);
      if (answered === 'fallback' || answered === 'handoff') extra.add(answered);
      if (!ids.includes(c.record.pack)) ids.push(c.record.pack);
      const key = `${c.record.pack}\u0000${answered}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const label = (id: string) => names[scenarioIds.indexOf(id)] ?? id;
  const columns = [...ids, ...['fallback', 'handoff'].filter((x) => extra.has(x))];
  const columnLabel = (id: string) => (id === 'fallback' ? L.fallbackCol : id === 'handoff' ? L.handoffCol : label(id));
  const cells = ids.map((row) => columns.map((col) => counts.get(`${row}\u0000${col}`) ?? null));
  const max = Math.max(1, ...cells.flat().map((v) => v ?? 0));
  const svg = heatmapChart({ rows: ids.map(label), columns: columns.map(columnLabel), cells, min: 0, max, digits: 0 });
  return chart(L.confusion, svg);
}

/** Case rows a scenario's table in index.html holds; a scenario with more lists its least effective there and all of them on a page of its own. */
export const CASE_ROWS = 200;
/** The page of a scenario's whole case table, inside the run folder (beside the transcript pages). */
export const casesPage = (pack: string) => `transcripts/cases-${pack.replace(/[^A-Za-z0-9._-]+/g, '_')}.html`;

export function scenarioTables(summary: Summary, packs: Pack[], L: Labels): string {
  const head = `<tr><th>${esc(L.channel)}</th><th>${esc(L.recognition)}</th><th>${esc(L.completeness)}</th><th>${esc(L.effectiveness)}</th><th>${esc(L.n)}</th><th>${esc(L.passRate)}</th></tr>`;
  const sections = Object.entries(summary.scenarios).map(([id, s]) => {
    const rows = Object.entries(summary.channels)
      .filter(([, c]) => c.scenarios[id])
      .map(([name, c]) => {
        const x = c.scenarios[id];
        return `<tr><td>${esc(name)}</td><td class="num">${fmt(x.recognition)}</td><td class="num">${fmt(x.completeness)}</td><td class="num">${fmt(x.effectiveness)}</td><td class="num">${x.n}</td><td class="num">${pct(x.passRate)}</td></tr>`;
      })
      .join('');
    const total = `<tr><th>${esc(L.all)}</th><th class="num">${fmt(s.recognition)}</th><th class="num">${fmt(s.completeness)}</th><th class="num">${fmt(s.effectiveness)}</th><th class="num">${s.n}</th><th class="num">${pct(s.passRate)}</th></tr>`;
    const cases = summary.cases.filter((c) => c.pack === id);
    // A table of tens of thousands of rows takes a browser seconds to lay out: the least effective stay here.
    const shown = cases.length > CASE_ROWS ? [...cases].sort((a, b) => (a.effectiveness ?? -1) - (b.effectiveness ?? -1)).slice(0, CASE_ROWS) : cases;
    const note = shown.length < cases.length ? `<p class="meta">${esc(fill(L.casesLowest, { shown: shown.length, total: cases.length }))} · <a href="${casesPage(id)}">${esc(L.allCases)}</a></p>\n` : '';
    return `<h3>${esc(scenarioName(id, summary, packs))} <small class="meta">${esc(id)}</small></h3>
<table>${head}${rows}${total}</table>
${note}${caseTable(shown, L)}`;
  });
  return `<h2>${esc(L.scenarios)}</h2>\n${sections.join('\n')}`;
}

/** One row per case and channel; pass^k and intervals only where repeats or variants give a case more than one sample. */
function caseTable(cases: Summary['cases'], L: Labels): string {
  if (!cases.length) return '';
  const withPassK = cases.some((c) => c.passK !== undefined);
  const withWilson = cases.some((c) => c.wilson);
  const rows = cases
    .map((c) => `<tr><td>${esc(c.name ?? c.case)}</td><td>${esc(c.channel)}</td><td class="num">${fmt(c.recognition)}</td><td class="num">${fmt(c.completeness)}</td><td class="num">${fmt(c.effectiveness)}</td><td class="num">${c.n}</td>${withPassK ? `<td class="num">${c.passK !== undefined ? pct(c.passK) : '—'}</td>` : ''}${withWilson ? `<td class="num">${c.wilson ? `${pct(c.wilson[0])}–${pct(c.wilson[1])}` : '—'}</td>` : ''}</tr>`)
    .join('');
  return `<table><tr><th>${esc(L.case)}</th><th>${esc(L.channel)}</th><th>${esc(L.recognition)}</th><th>${esc(L.completeness)}</th><th>${esc(L.effectiveness)}</th><th>${esc(L.n)}</th>${withPassK ? `<th>${esc(L.passK)}</th>` : ''}${withWilson ? `<th>${esc(L.wilson)}</th>` : ''}</tr>${rows}</table>`;
}

/** The whole case table of each scenario too large for index.html: [file, html body, title] each. */
export function* casePages(summary: Summary, packs: Pack[], L: Labels): Generator<[file: string, body: string, title: string]> {
  for (const id of Object.keys(summary.scenarios)) {
    const cases = summary.cases.filter((c) => c.pack === id);
    if (cases.length <= CASE_ROWS) continue;
    const name = scenarioName(id, summary, packs);
    yield [casesPage(id), `<h2>${esc(name)} · ${esc(L.allCases)} (${cases.length})</h2>
<p class="meta"><a href="../index.html">${esc(L.overviewLink)}</a></p>
${caseTable(cases, L)}`, `${name} · ${L.allCases}`];
  }
}
