import type { Scorecard } from '../../harness/score/scorecard-schema.ts';
import type { Lang } from '../../harness/types.ts';
import { defineChart, labelFormatter, palette, renderChart } from '../html/charts.ts';
import { esc, fmt, pct } from '../html/escape.ts';
import { comparisonRows, scorecardWords, waitText, yesNo, type ScorecardWords } from './words.ts';

// The survey scorecard in index.html: tables and inline SVG charts (ECharts
// on the server) with the survey's industry figures drawn as reference lines.

interface Bank {
  label: string;
  scorecard: Scorecard;
}

/** Recognition and answering online and on the hotline: a bar per bank, the survey's figure as a dashed line. */
function effectivenessChart(banks: Bank[], W: ScorecardWords): string {
  const r = banks[0].scorecard.reference;
  const values = (sc: Scorecard) => [sc.effectiveness.online.recognition, sc.effectiveness.online.completeness, sc.effectiveness.hotline.recognition, sc.effectiveness.hotline.completeness];
  return effectivenessBars({
    categories: [`${W.onlineAi}·${W.recognition}`, `${W.onlineAi}·${W.completeness}`, `${W.hotlineAi}·${W.recognition}`, `${W.hotlineAi}·${W.completeness}`],
    banks: banks.map((b) => ({ label: b.label, values: values(b.scorecard) })),
    industry: { name: W.surveyIndustry, values: [r.online.recognition, r.online.completeness, r.hotline.recognition, r.hotline.completeness] },
  });
}

const effectivenessBars = defineChart('scorecard-effectiveness', (o: { categories: string[]; banks: { label: string; values: (number | null)[] }[]; industry: { name: string; values: (number | null)[] } }) =>
  renderChart(
    {
      color: palette,
      legend: { top: 0 },
      grid: { left: 50, right: 30, top: 40, bottom: 50 },
      xAxis: { type: 'category', data: o.categories, axisLabel: { interval: 0 } },
      yAxis: { type: 'value', max: 5 },
      series: [
        ...o.banks.map((b) => ({ type: 'bar', name: b.label, data: b.values, label: { show: true, position: 'top', formatter: labelFormatter } })),
        {
          type: 'line',
          name: o.industry.name,
          data: o.industry.values,
          lineStyle: { type: 'dashed', color: '#6b7785' },
          itemStyle: { color: '#6b7785' },
          symbol: 'diamond',
          symbolSize: 10,
          label: { show: true, position: 'bottom', formatter: labelFormatter, color: '#444', backgroundColor: '#ffffffcc', padding: [1, 3] },
          z: 10,
        },
      ],
    },
    720,
    320,
  ),
);

/** Time to a human per hotline, with the survey's buckets (20, 40, 60 s) as reference lines. */
function waitChart(rows: { label: string; seconds: number | null }[], W: ScorecardWords): string {
  return waitBars({ rows, name: W.waitSeconds });
}

const waitBars = defineChart('scorecard-wait', ({ rows, name }: { rows: { label: string; seconds: number | null }[]; name: string }) =>
  renderChart(
    {
      color: [palette[1]],
      grid: { left: 160, right: 60, top: 30, bottom: 40 },
      xAxis: { type: 'value', name: 's', max: (v: { max: number }) => Math.max(70, Math.ceil(v.max / 10) * 10) },
      yAxis: { type: 'category', data: rows.map((r) => r.label), inverse: true },
      series: [
        {
          type: 'bar',
          name,
          data: rows.map((r) => r.seconds),
          label: { show: true, position: 'right', formatter: labelFormatter },
          markLine: {
            symbol: 'none',
            lineStyle: { type: 'dashed', color: '#6b7785' },
            label: { formatter: '{c} s', position: 'start' },
            data: [{ xAxis: 20 }, { xAxis: 40 }, { xAxis: 60 }],
          },
        },
      ],
    },
    640,
    Math.max(160, 80 + rows.length * 36),
  ),
);

const ref = (text: string) => `<p class="meta">${esc(text)}</p>`;

export function scorecardSection(sc: Scorecard, lang: Lang, bankLabel: string): string {
  const W = scorecardWords(lang);
  const r = sc.reference;
  const diversityRows = sc.diversity.channels
    .map((c) => `<tr><td>${esc(c.label ? `${c.label} (${c.name})` : c.name)}</td><td>${esc(c.kind === 'online' ? W.online : W.hotline)}</td><td>${esc(W.media[c.medium])}</td><td class="num">${c.conversations}</td><td class="num">${pct(c.answeredShare)}</td><td>${esc(yesNo(W, c.ai))}</td></tr>`)
    .join('');
  const hotlineRows = sc.convenience.hotlines
    .map((h) => `<tr><td>${esc(h.label ? `${h.label} (${h.channel})` : h.channel)}</td><td class="num">${h.calls}</td><td>${esc(`${h.ivrDepth ?? W.none}${h.ivrBucket ? ` (${h.ivrBucket})` : ''}`)}</td><td>${esc(yesNo(W, h.humanInFirstMenu))}</td><td>${esc(`${waitText(W, h)}${h.waitBucket ? ` (${h.waitBucket})` : ''}`)}</td></tr>`)
    .join('');
  const waits = sc.convenience.hotlines.filter((h) => h.timeToHumanS !== null).map((h) => ({ label: h.label ?? h.channel, seconds: h.timeToHumanS }));
  const pairRows = sc.integration.pairs
    .map((p) => `<tr><td>${esc(p.from)}</td><td>${esc(p.to)}</td><td>${esc(p.cases.join(', '))}</td><td class="num">${p.passed}/${p.n}</td><td class="${p.ok ? 'pass' : 'fail'}">${esc(p.ok ? W.found : W.notFound)}</td></tr>`)
    .join('');
  const skipped = sc.integration.skipped.map((s) => `<li>${esc(W.skipped(`${s.pack}/${s.case}`, s.reason))}</li>`).join('');
  const effRows = ([[W.onlineAi, sc.effectiveness.online, r.online], [W.hotlineAi, sc.effectiveness.hotline, r.hotline]] as const)
    .map(([name, s, rf]) => `<tr><td>${esc(name)}</td><td class="num">${fmt(s.recognition)}</td><td class="num">${fmt(s.completeness)}</td><td class="num">${fmt(s.effectiveness)}</td><td class="num">${rf.recognition} / ${rf.completeness} / ${rf.effectiveness}</td></tr>`)
    .join('');
  return `<section id="scorecard">
<h2>${esc(W.title)}</h2>
<h3>${esc(W.diversity)}</h3>
<p>${esc(W.channelsOf(sc.diversity.online.channels, sc.diversity.hotline.channels))} · ${esc(W.onlineAi)}: ${esc(yesNo(W, sc.diversity.online.ai))} · ${esc(W.hotlineAi)}: ${esc(yesNo(W, sc.diversity.hotline.channels ? sc.diversity.hotline.ai : null))}</p>
<table><tr><th>${esc(W.channel)}</th><th>${esc(W.kind)}</th><th>${esc(W.medium)}</th><th>${esc(W.conversations)}</th><th>${esc(W.answered)}</th><th>${esc(W.ai)}</th></tr>${diversityRows}</table>
${ref(W.refs.ai(r))}
<h3>${esc(W.convenience)}</h3>
${hotlineRows ? `<table><tr><th>${esc(W.channel)}</th><th>${esc(W.calls)}</th><th>${esc(W.ivrDepth)}</th><th>${esc(W.humanFirst)}</th><th>${esc(W.timeToHuman)}</th></tr>${hotlineRows}</table>` : `<p>${esc(W.noHotline)}</p>`}
${waits.length ? `<div class="chart">${waitChart(waits, W)}</div>` : ''}
${ref(W.refs.ivr(r))}
<h3>${esc(W.integration)}</h3>
${pairRows ? `<table><tr><th>${esc(W.from)}</th><th>${esc(W.to)}</th><th>${esc(W.cases)}</th><th>${esc(W.passed)}</th><th>${esc(W.result)}</th></tr>${pairRows}</table>` : `<p>${esc(W.noCross)}</p>`}
${skipped ? `<ul>${skipped}</ul>` : ''}
${ref(W.refs.integration(r))}
<h3>${esc(W.effectiveness)}</h3>
<table><tr><th></th><th>${esc(W.recognition)}</th><th>${esc(W.completeness)}</th><th>${esc(W.effectivenessShort)}</th><th>${esc(W.survey)}</th></tr>${effRows}</table>
<div class="chart">${effectivenessChart([{ label: bankLabel, scorecard: sc }], W)}</div>
${ref(W.refs.effectiveness(r))}
${methodNote(W)}
</section>`;
}

/** Several banks' scorecards side by side (harness report runA runB). */
export function scorecardComparisonSection(banks: { label: string; scorecard?: Scorecard }[], lang: Lang): string {
  const W = scorecardWords(lang);
  const withCard = banks.filter((b): b is Bank => !!b.scorecard);
  if (!withCard.length) return '';
  const r = withCard[0].scorecard.reference;
  const rows = comparisonRows(W)
    .map((row) => `<tr><td>${esc(row.label)}</td>${withCard.map((b) => `<td>${esc(row.value(b.scorecard))}</td>`).join('')}<td>${esc(row.reference(r))}</td></tr>`)
    .join('');
  const waits = withCard.map((b) => ({ label: b.label, seconds: b.scorecard.convenience.hotlines[0]?.timeToHumanS ?? null }));
  const skipped = withCard.flatMap((b) => b.scorecard.integration.skipped.map((s) => `<li>${esc(`${b.label}: ${W.skipped(`${s.pack}/${s.case}`, s.reason)}`)}</li>`)).join('');
  return `<section id="scorecard">
<h2>${esc(W.title)}</h2>
<table class="scorecard"><tr><th>${esc(W.indicator)}</th>${withCard.map((b) => `<th>${esc(b.label)}</th>`).join('')}<th>${esc(W.survey)}</th></tr>${rows}</table>
<p class="meta">* ${esc(W.integratedNote)}</p>
${skipped ? `<ul>${skipped}</ul>` : ''}
<h3>${esc(W.effectiveness)}</h3>
<div class="chart">${effectivenessChart(withCard, W)}</div>
${ref(W.refs.effectiveness(r))}
${waits.some((w) => w.seconds !== null) ? `<h3>${esc(W.timeToHuman)}</h3><div class="chart">${waitChart(waits, W)}</div>${ref(W.refs.ivr(r))}` : ''}
${methodNote(W)}
</section>`;
}

function methodNote(W: ScorecardWords): string {
  return `<h3>${esc(W.method)}</h3><ul class="method">${W.methodNote.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
}
