import type { CompareInput } from '../types.ts';
import { barChart } from '../html/charts.ts';
import { esc, fmt, pct } from '../html/escape.ts';
import { labels } from '../glossary.ts';
import { page } from '../html/page.ts';
import { scorecardComparisonMarkdown } from '../scorecard/markdown.ts';
import { scorecardComparisonSection } from '../scorecard/html.ts';
import type { Comparison } from '../../harness/score/compare.ts';
import type { Lang } from '../../harness/score/types.ts';
import type { ViewRenderer } from '../types.ts';


const words = {
  zh: {
    title: '多家银行AI客服对比', ranking: '排名（按智能服务有效性）', rank: '名次', buckets: '得分分布（百分制）', banks: '银行数', share: '占比',
    good: '达到“良好”的银行占比', sides: '在线AI与热线AI（各行均值）', bestPer: '各场景最佳银行', best: '最佳', mean: '均值', runDir: '运行目录',
    adoption: '有该类渠道的银行', none: '无',
  },
  en: {
    title: 'AI customer service across banks', ranking: 'Ranking (AI effectiveness)', rank: 'Rank', buckets: 'Score distribution (100-point)', banks: 'Banks', share: 'Share',
    good: 'Share of banks rated "good"', sides: 'Online vs hotline AI (mean over banks)', bestPer: 'Best bank per scenario', best: 'Best', mean: 'Mean', runDir: 'Run folder',
    adoption: 'Banks with such a channel', none: 'none',
  },
};

function html(c: Comparison, lang: Lang): string {
  const W = words[lang];
  const L = labels(lang);
  const rankingChart = barChart({
    categories: c.ranking.map((r) => r.label),
    series: [{ name: L.score100, data: c.ranking.map((r) => (r.score100 === null ? null : Math.round(r.score100 * 10) / 10)) }],
    horizontal: true,
    max: 100,
    height: Math.max(200, 70 + c.ranking.length * 32),
  });
  const bucketChart = barChart({ categories: c.buckets.map((b) => b.label), series: [{ name: W.banks, data: c.buckets.map((b) => b.count) }], height: 260, counts: true });
  const sidesChart = barChart({
    categories: [L.recognition, L.completeness],
    series: (['online', 'hotline'] as const).map((k) => ({ name: L[k], data: [c.sides[k].recognition, c.sides[k].completeness] })),
    max: 5,
    height: 280,
  });
  const rankingRows = c.ranking
    .map((r) => `<tr><td class="num">${r.rank}</td><td>${esc(r.label)}</td><td class="num">${fmt(r.effectiveness)}</td><td class="num">${fmt(r.score100, 1)}</td><td class="num">${fmt(r.summary.bank.recognition)}</td><td class="num">${fmt(r.summary.bank.completeness)}</td><td class="num">${fmt(r.summary.online.effectiveness)}</td><td class="num">${fmt(r.summary.hotline.effectiveness)}</td><td class="num">${r.summary.run.conversations}</td><td><code>${esc(r.dir)}</code></td></tr>`)
    .join('');
  const sideRows = (['online', 'hotline'] as const)
    .map((k) => `<tr><td>${esc(L[k])}</td><td class="num">${fmt(c.sides[k].recognition)}</td><td class="num">${fmt(c.sides[k].completeness)}</td><td class="num">${fmt(c.sides[k].effectiveness)}</td><td class="num">${c.sides[k].banks}</td></tr>`)
    .join('');
  const scenarioRows = c.scenarios
    .map((s) => `<tr><td>${esc(s.name)}</td><td>${s.best.map((b) => esc(b.label)).join('、') || W.none}</td><td class="num">${fmt(s.best[0]?.effectiveness)}</td><td class="num">${fmt(s.mean)}</td><td class="num">${s.banks}</td></tr>`)
    .join('');
  const body = `<h1>${esc(W.title)}</h1>
<h2>${esc(W.ranking)}</h2><div class="chart">${rankingChart}</div>
<table><tr><th>${esc(W.rank)}</th><th>${esc(L.bank)}</th><th>${esc(L.effectiveness)}</th><th>${esc(L.score100)}</th><th>${esc(L.recognition)}</th><th>${esc(L.completeness)}</th><th>${esc(L.online)}</th><th>${esc(L.hotline)}</th><th>${esc(L.conversations)}</th><th>${esc(W.runDir)}</th></tr>${rankingRows}</table>
<h2>${esc(W.buckets)}</h2><div class="chart">${bucketChart}</div>
<table><tr>${c.buckets.map((b) => `<th>${esc(b.label)}</th>`).join('')}</tr><tr>${c.buckets.map((b) => `<td class="num">${b.count} (${pct(b.share)})</td>`).join('')}</tr></table>
<h2>${esc(W.good)}</h2>
<table><tr><th>${esc(L.recognition)}</th><th>${esc(L.completeness)}</th></tr><tr><td class="num">${c.good.recognition.count}/${c.scored} (${pct(c.good.recognition.share)})</td><td class="num">${c.good.completeness.count}/${c.scored} (${pct(c.good.completeness.share)})</td></tr></table>
<h2>${esc(W.sides)}</h2><div class="chart">${sidesChart}</div>
<table><tr><th></th><th>${esc(L.recognition)}</th><th>${esc(L.completeness)}</th><th>${esc(L.effectiveness)}</th><th>${esc(W.adoption)}</th></tr>${sideRows}</table>
<h2>${esc(W.bestPer)}</h2>
<table><tr><th>${esc(L.scenario)}</th><th>${esc(W.best)}</th><th>${esc(L.effectiveness)}</th><th>${esc(W.mean)}</th><th>${esc(W.banks)}</th></tr>${scenarioRows}</table>
${scorecardComparisonSection(c.ranking.map((r) => ({ label: r.label, scorecard: r.summary.scorecard })), lang)}`;
  return page({ lang, title: W.title, body, script: false });
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(c: Comparison, lang: Lang): string {
  const W = words[lang];
  const L = labels(lang);
  return [
    `# ${W.title}`,
    '',
    `## ${W.ranking}`,
    '',
    `| ${W.rank} | ${L.bank} | ${L.effectiveness} | ${L.score100} | ${L.recognition} | ${L.completeness} | ${L.online} | ${L.hotline} |`,
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...c.ranking.map((r) => `| ${r.rank} | ${cell(r.label)} | ${fmt(r.effectiveness)} | ${fmt(r.score100, 1)} | ${fmt(r.summary.bank.recognition)} | ${fmt(r.summary.bank.completeness)} | ${fmt(r.summary.online.effectiveness)} | ${fmt(r.summary.hotline.effectiveness)} |`),
    '',
    `## ${W.buckets}`,
    '',
    `| ${c.buckets.map((b) => b.label).join(' | ')} |`,
    `|${c.buckets.map(() => '---:').join('|')}|`,
    `| ${c.buckets.map((b) => `${b.count} (${pct(b.share)})`).join(' | ')} |`,
    '',
    `## ${W.good}`,
    '',
    `- ${L.recognition}: ${c.good.recognition.count}/${c.scored} (${pct(c.good.recognition.share)})`,
    `- ${L.completeness}: ${c.good.completeness.count}/${c.scored} (${pct(c.good.completeness.share)})`,
    '',
    `## ${W.sides}`,
    '',
    `| | ${L.recognition} | ${L.completeness} | ${L.effectiveness} | ${W.adoption} |`,
    '|---|---:|---:|---:|---:|',
    ...(['online', 'hotline'] as const).map((k) => `| ${L[k]} | ${fmt(c.sides[k].recognition)} | ${fmt(c.sides[k].completeness)} | ${fmt(c.sides[k].effectiveness)} | ${c.sides[k].banks} |`),
    '',
    `## ${W.bestPer}`,
    '',
    `| ${L.scenario} | ${W.best} | ${L.effectiveness} | ${W.mean} |`,
    '|---|---|---:|---:|',
    ...c.scenarios.map((s) => `| ${cell(s.name)} | ${cell(s.best.map((b) => b.label).join('、') || W.none)} | ${fmt(s.best[0]?.effectiveness)} | ${fmt(s.mean)} |`),
    '',
    scorecardComparisonMarkdown(c.ranking.map((r) => ({ label: r.label, scorecard: r.summary.scorecard })), lang),
  ].join('\n');
}

/** `harness report runs/a runs/b …`: the CLI writes both into --out. */
export function renderComparison(input: CompareInput): { html: string; markdown: string } {
  const c = input.comparison;
  return { html: html(c, input.lang), markdown: markdown(c, input.lang) };
}

/** The comparison view (harness report runs/a runs/b …): index.html and report.md. */
export const compareRenderer: ViewRenderer<CompareInput> = {
  files: ['index.html', 'report.md'],
  render(input) {
    const { html, markdown } = renderComparison(input);
    return { 'index.html': html, 'report.md': markdown };
  },
};
