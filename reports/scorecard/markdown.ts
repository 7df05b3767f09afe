import type { Scorecard } from '../../harness/score/scorecard-schema.ts';
import type { Lang } from '../../harness/types.ts';
import { fmt, pct } from '../html/escape.ts';
import { comparisonRows, scorecardWords, waitText, yesNo, type ScorecardWords } from './words.ts';

// The survey scorecard in Markdown: one bank (report.md) or several side by
// side (the banks' comparison), each figure beside the survey's reference.

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function scorecardMarkdown(sc: Scorecard, lang: Lang): string {
  const W = scorecardWords(lang);
  const r = sc.reference;
  const out: string[] = [`## ${W.title}`, ''];

  out.push(`### ${W.diversity}`, '', `${W.channelsOf(sc.diversity.online.channels, sc.diversity.hotline.channels)} · ${W.onlineAi}: ${yesNo(W, sc.diversity.online.ai)} · ${W.hotlineAi}: ${yesNo(W, sc.diversity.hotline.channels ? sc.diversity.hotline.ai : null)}`, '');
  out.push(`| ${W.channel} | ${W.kind} | ${W.medium} | ${W.conversations} | ${W.answered} | ${W.ai} |`, '|---|---|---|---:|---:|---|');
  for (const c of sc.diversity.channels) {
    out.push(`| ${cell(c.label ? `${c.label} (${c.name})` : c.name)} | ${c.kind === 'online' ? W.online : W.hotline} | ${W.media[c.medium]} | ${c.conversations} | ${pct(c.answeredShare)} | ${yesNo(W, c.ai)} |`);
  }
  out.push('', `> ${W.refs.ai(r)}`, '');

  out.push(`### ${W.convenience}`, '');
  if (sc.convenience.hotlines.length) {
    out.push(`| ${W.channel} | ${W.calls} | ${W.ivrDepth} | ${W.humanFirst} | ${W.timeToHuman} |`, '|---|---:|---|---|---|');
    for (const h of sc.convenience.hotlines) {
      out.push(`| ${cell(h.label ? `${h.label} (${h.channel})` : h.channel)} | ${h.calls} | ${h.ivrDepth ?? W.none}${h.ivrBucket ? ` (${h.ivrBucket})` : ''} | ${yesNo(W, h.humanInFirstMenu)} | ${waitText(W, h)}${h.waitBucket ? ` (${h.waitBucket})` : ''} |`);
    }
  } else out.push(W.noHotline);
  out.push('', `> ${W.refs.ivr(r)}`, '');

  out.push(`### ${W.integration}`, '');
  if (sc.integration.pairs.length) {
    out.push(`| ${W.from} | ${W.to} | ${W.cases} | ${W.passed} | ${W.result} |`, '|---|---|---|---:|---|');
    for (const p of sc.integration.pairs) out.push(`| ${cell(p.from)} | ${cell(p.to)} | ${cell(p.cases.join(', '))} | ${p.passed}/${p.n} | ${p.ok ? W.found : W.notFound} |`);
  } else out.push(W.noCross);
  for (const s of sc.integration.skipped) out.push('', `- ${cell(W.skipped(`${s.pack}/${s.case}`, s.reason))}`);
  out.push('', `> ${W.refs.integration(r)}`, '');

  out.push(`### ${W.effectiveness}`, '');
  out.push(`| | ${W.recognition} | ${W.completeness} | ${W.effectivenessShort} | ${W.survey} |`, '|---|---:|---:|---:|---|');
  for (const [name, s, ref] of [[W.onlineAi, sc.effectiveness.online, r.online], [W.hotlineAi, sc.effectiveness.hotline, r.hotline]] as const) {
    out.push(`| ${name} | ${fmt(s.recognition)} | ${fmt(s.completeness)} | ${fmt(s.effectiveness)} | ${ref.recognition} / ${ref.completeness} / ${ref.effectiveness} |`);
  }
  out.push('', `> ${W.refs.effectiveness(r)}`, '');
  out.push(...methodNote(W), '');
  return out.join('\n');
}

/** Several banks' scorecards side by side, the survey's figure in the last column. */
export function scorecardComparisonMarkdown(banks: { label: string; scorecard?: Scorecard }[], lang: Lang): string {
  const W = scorecardWords(lang);
  const withCard = banks.filter((b): b is { label: string; scorecard: Scorecard } => !!b.scorecard);
  if (!withCard.length) return '';
  const r = withCard[0].scorecard.reference;
  const out = [`## ${W.title}`, '', `| ${W.indicator} | ${withCard.map((b) => cell(b.label)).join(' | ')} | ${W.survey} |`, `|---|${withCard.map(() => '---|').join('')}---|`];
  for (const row of comparisonRows(W)) out.push(`| ${cell(row.label)} | ${withCard.map((b) => cell(row.value(b.scorecard))).join(' | ')} | ${cell(row.reference(r))} |`);
  out.push('', `\\* ${W.integratedNote}`, '');
  for (const b of withCard) for (const s of b.scorecard.integration.skipped) out.push(`- ${cell(b.label)}: ${cell(W.skipped(`${s.pack}/${s.case}`, s.reason))}`);
  out.push('', ...methodNote(W), '');
  return out.join('\n');
}

function methodNote(W: ScorecardWords): string[] {
  return [`### ${W.method}`, '', ...W.methodNote.map((n) => `- ${n}`)];
}
