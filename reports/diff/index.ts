import { esc, fmt } from '../html/escape.ts';
import { labels } from '../glossary.ts';
import { page } from '../html/page.ts';
import type { CaseDelta, PairDelta, RunDiff } from '../../harness/score/diff.ts';
import type { Lang } from '../../harness/score/types.ts';
import type { DiffInput, ViewRenderer } from '../types.ts';


const words = {
  zh: { title: '与基线对比', better: '变好', worse: '变差', same: '未变', added: '新增', removed: '缺少', base: '基线', head: '本次', delta: '变化', bank: '银行整体', case: '案例', none: '无' },
  en: { title: 'Against the baseline', better: 'Better', worse: 'Worse', same: 'Unchanged', added: 'New', removed: 'Missing', base: 'Baseline', head: 'This run', delta: 'Δ', bank: 'Bank', case: 'Case', none: 'none' },
};

const signed = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(2)}`);

function metricLabel(name: string, lang: Lang): string {
  const L = labels(lang);
  return name === 'recognition' ? L.recognition : name === 'completeness' ? L.completeness : L.effectiveness;
}

function pairRowsHtml(title: string, list: PairDelta[], lang: Lang): string {
  return list
    .map((p, i) => `<tr>${i === 0 ? `<td rowspan="${list.length}">${esc(title)}</td>` : ''}<td>${esc(metricLabel(p.name, lang))}</td><td class="num">${fmt(p.base)}</td><td class="num">${fmt(p.head)}</td><td class="num">${signed(p.delta)}</td></tr>`)
    .join('');
}

function caseTableHtml(title: string, list: CaseDelta[], lang: Lang): string {
  const W = words[lang];
  const L = labels(lang);
  if (!list.length) return `<h3>${esc(title)} (0)</h3>`;
  const rows = list
    .map((d) => `<tr><td>${esc(d.channel)}</td><td>${d.name ? `${esc(d.name)} <small class="meta">${esc(d.pack)}/${esc(d.case)}#${d.variant}</small>` : `${esc(d.pack)}/${esc(d.case)}#${d.variant}`}</td><td class="num">${fmt(d.base?.effectiveness)}</td><td class="num">${fmt(d.head?.effectiveness)}</td><td class="num">${signed(d.delta)}</td><td class="num">${signed(d.recognitionDelta)}</td><td class="num">${signed(d.completenessDelta)}</td></tr>`)
    .join('');
  return `<h3>${esc(title)} (${list.length})</h3><table class="diff-${esc(title)}"><tr><th>${esc(L.channel)}</th><th>${esc(W.case)}</th><th>${esc(W.base)}</th><th>${esc(W.head)}</th><th>${esc(L.effectiveness)} ${esc(W.delta)}</th><th>${esc(L.recognition)} ${esc(W.delta)}</th><th>${esc(L.completeness)} ${esc(W.delta)}</th></tr>${rows}</table>`;
}

/** The diff as an HTML fragment (also embedded in index.html when a baseline is given). */
export function diffSection(d: RunDiff, lang: Lang): string {
  const W = words[lang];
  const L = labels(lang);
  const pairsTable = `<table><tr><th></th><th></th><th>${esc(W.base)}</th><th>${esc(W.head)}</th><th>${esc(W.delta)}</th></tr>
${pairRowsHtml(W.bank, d.bank, lang)}${d.channels.map((c) => pairRowsHtml(c.channel, c.pairs, lang)).join('')}</table>`;
  return `<section id="baseline-diff"><h2>${esc(W.title)}</h2>
<p class="meta">${esc(W.base)}: ${esc(d.baseId)} · ${esc(W.head)}: ${esc(d.headId)} · ${esc(W.better)} ${d.better.length} · ${esc(W.worse)} ${d.worse.length} · ${esc(W.same)} ${d.same.length}</p>
${pairsTable}
${caseTableHtml(W.worse, d.worse, lang)}
${caseTableHtml(W.better, d.better, lang)}
${d.added.length ? caseTableHtml(W.added, d.added, lang) : ''}${d.removed.length ? caseTableHtml(W.removed, d.removed, lang) : ''}
<p class="meta">${esc(L.effectiveness)} 0–10</p></section>`;
}

function caseTableMd(title: string, list: CaseDelta[], lang: Lang): string {
  const W = words[lang];
  const L = labels(lang);
  if (!list.length) return `### ${title} (0)\n\n${W.none}\n`;
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = list.map((d) => `| ${cell(d.channel)} | ${cell(d.name ? `${d.name} (${d.pack}/${d.case}#${d.variant})` : `${d.pack}/${d.case}#${d.variant}`)} | ${fmt(d.base?.effectiveness)} | ${fmt(d.head?.effectiveness)} | ${signed(d.delta)} | ${signed(d.recognitionDelta)} | ${signed(d.completenessDelta)} |`);
  return [`### ${title} (${list.length})`, '', `| ${L.channel} | ${W.case} | ${W.base} | ${W.head} | ${L.effectiveness} ${W.delta} | ${L.recognition} ${W.delta} | ${L.completeness} ${W.delta} |`, '|---|---|---:|---:|---:|---:|---:|', ...rows, ''].join('\n');
}

export function renderDiff(d: RunDiff, lang: Lang = 'zh'): { html: string; markdown: string } {
  const W = words[lang];
  const pairLines = [{ title: W.bank, list: d.bank }, ...d.channels.map((c) => ({ title: c.channel, list: c.pairs }))].flatMap(({ title, list }) =>
    list.map((p) => `| ${title} | ${metricLabel(p.name, lang)} | ${fmt(p.base)} | ${fmt(p.head)} | ${signed(p.delta)} |`),
  );
  const markdown = [
    `# ${W.title}`,
    '',
    `${W.base}: \`${d.baseId}\` · ${W.head}: \`${d.headId}\` · ${W.better} ${d.better.length} · ${W.worse} ${d.worse.length} · ${W.same} ${d.same.length}`,
    '',
    `| | | ${W.base} | ${W.head} | ${W.delta} |`,
    '|---|---|---:|---:|---:|',
    ...pairLines,
    '',
    caseTableMd(W.worse, d.worse, lang),
    caseTableMd(W.better, d.better, lang),
    d.added.length ? caseTableMd(W.added, d.added, lang) : '',
    d.removed.length ? caseTableMd(W.removed, d.removed, lang) : '',
  ].join('\n');
  const html = page({ lang, title: W.title, body: diffSection(d, lang), script: false });
  return { html, markdown };
}

/** The diff view (harness report <run> --baseline <run>): index.html and report.md. */
export const diffRenderer: ViewRenderer<DiffInput> = {
  files: ['index.html', 'report.md'],
  render({ diff, lang }) {
    const { html, markdown } = renderDiff(diff, lang);
    return { 'index.html': html, 'report.md': markdown };
  },
};
