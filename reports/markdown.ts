import type { GradedConversation } from '../harness/types.ts';
import { labels } from './glossary.ts';
import { fmt } from './html/escape.ts';
import { clipNote, clipReplyText, MARKDOWN_REPLY_CHARS } from './clip.ts';
import type { RenderInput, Renderer } from './types.ts';
import { setupLabels, setupLines, setupTitle } from './setup.ts';
import { scorecardMarkdown } from './scorecard/markdown.ts';
import { localTime } from './time.ts';
import { caseName, metricTables } from './names.ts';

// report.md: per channel and per scenario tables, online vs hotline (even
// while one side is empty), IVR metrics, and the worst cases with their
// transcripts and reasons.

export const markdownRenderer: Renderer = {
  file: 'report.md',
  render({ summary, conversations, packs, lang }: RenderInput): string {
    const L = labels(lang);
    const out: string[] = [];
    const packName = (id: string) => packs.find((p) => p.id === id)?.name ?? id;
    out.push(`# ${L.title} — ${summary.run.bankName} (${summary.run.bank})`, '');
    out.push(
      `${L.run}: \`${summary.run.id}\` · ${L.started}: ${localTime(summary.run.startedAt)} · ${L.finished}: ${localTime(summary.run.finishedAt)} · ${L.grader}: ${L.graders[summary.run.grader] ?? summary.run.grader} · ${L.conversations}: ${summary.run.conversations} · ${L.errors}: ${summary.run.errors}${summary.run.shard ? ` · ${L.shard} ${summary.run.shard}` : ''}`,
      '',
    );
    const setup = setupLines(summary);
    if (setup.length) {
      const S = setupLabels(lang);
      out.push(`> **⚠ ${setupTitle(lang)}**`, '>');
      for (const p of setup) {
        out.push(`> - **${p.channel}**: ${p.headline}`, `>   - ${S.cause}: ${oneLine(p.cause)}`);
        for (const f of p.fixes) out.push(`>   - ${S.fix}: ${oneLine(f)}`);
        out.push(`>   - ${S.check}: \`${p.check}\``);
      }
      out.push('');
    }
    out.push(`## ${L.overview}`, '');
    out.push(`| | ${L.recognition} | ${L.completeness} | ${L.effectiveness} | ${L.score100} | ${L.conversations} |`, '|---|---|---|---|---|---|');
    for (const [name, side] of [[L.online, summary.online], [L.hotline, summary.hotline]] as const) {
      const empty = side.n === 0;
      out.push(`| ${name} | ${fmt(side.recognition)} | ${fmt(side.completeness)} | ${fmt(side.effectiveness)} | ${side.effectiveness === null ? '—' : fmt(side.effectiveness * 10, 1)} | ${empty ? `0 (${L.noData})` : side.n} |`);
    }
    out.push(`| **${L.bank}** | **${fmt(summary.bank.recognition)}** | **${fmt(summary.bank.completeness)}** | **${fmt(summary.bank.effectiveness)}** | **${fmt(summary.bank.score100, 1)}** | ${summary.run.conversations} |`, '');

    out.push(`## ${L.channels}`, '');
    out.push(`| ${L.channel} | ${L.kind} | ${L.recognition} | ${L.completeness} | ${L.effectiveness} | ${L.conversations} | ${L.errors} | ${L.latencySettled} ${L.p50} |`, '|---|---|---|---|---|---|---|---|');
    for (const [name, c] of Object.entries(summary.channels)) {
      out.push(`| ${c.label ? `${c.label} (${name})` : name}${c.simulated ? L.simulatedTag : ''} | ${c.kind === 'online' ? L.online : L.hotline} | ${fmt(c.recognition)} | ${fmt(c.completeness)} | ${fmt(c.effectiveness)} | ${c.conversations} | ${c.errors} | ${c.latency.settledMsP50 ?? '—'} |`);
    }
    out.push('');

    const channelNames = Object.keys(summary.channels);
    out.push(`## ${L.scenarios}`, '');
    out.push(`| ${L.scenario} | ${L.recognition} | ${L.completeness} | ${L.effectiveness} | ${L.passRate} | ${channelNames.map((c) => `${c} (${L.effectiveness})`).join(' | ')} |`);
    out.push(`|---|---|---|---|---|${channelNames.map(() => '---|').join('')}`);
    for (const [id, s] of Object.entries(summary.scenarios)) {
      const cells = channelNames.map((c) => fmt(summary.channels[c].scenarios[id]?.effectiveness));
      out.push(`| ${s.name} (${id}) | ${fmt(s.recognition)} | ${fmt(s.completeness)} | ${fmt(s.effectiveness)} | ${s.passRate === null ? '—' : `${Math.round(s.passRate * 100)}%`} | ${cells.join(' | ')} |`);
    }
    out.push('');

    for (const t of metricTables(summary, L)) {
      out.push(`## ${t.title}`, '');
      out.push(`| ${L.channel} | ${t.keys.map((k) => t.label(k)).join(' | ')} |`, `|---|${t.keys.map(() => '---|').join('')}`);
      for (const row of t.rows) out.push(`| ${row.channel} | ${row.values.join(' | ')} |`);
      out.push('');
    }

    if (summary.scorecard) out.push(scorecardMarkdown(summary.scorecard, lang));

    if (summary.agreement) {
      const a = summary.agreement;
      out.push(`## ${L.agreementTitle}`, '');
      out.push(`Cohen's κ ${a.kappa.toFixed(3)} · ${L.agreementWord} ${(a.agreement * 100).toFixed(1)}% · ${L.disagreeWord} ${a.disagreements}`, '');
      const review = conversations.flatMap((c) =>
        c.alt ? c.grade.turns.flatMap((t) => {
          const o = c.alt!.turns.find((u) => u.index === t.index);
          const delta = o ? Math.abs(t.recognition + t.completeness - o.recognition - o.completeness) : 0;
          return o && delta >= 3 ? [`- ${caseName(packs, c.record.pack, c.record.case)} (\`${c.record.id}\`) ${L.turn.replace('{n}', String(t.index + 1))}: ${t.grader} ${t.recognition}/${t.completeness} · ${o.grader} ${o.recognition}/${o.completeness}`] : [];
        }) : [],
      );
      if (review.length) out.push(`${L.review}:`, '', ...review.slice(0, 50), '');
    }

    const errored = conversations.filter((c) => c.record.error);
    if (errored.length) {
      out.push(`## ${L.errorsList}`, '');
      for (const c of errored.slice(0, 50)) out.push(`- ${caseName(packs, c.record.pack, c.record.case)} · ${c.record.channel} (\`${c.record.id}\`) — ${c.record.error!.kind}: ${oneLine(c.record.error!.message)}`);
      if (errored.length > 50) out.push(`- … ${L.more.replace('{n}', String(errored.length - 50))}`);
      out.push('');
    }

    // Only what fell short of "good", lowest first, as the engine picked it.
    const byId = new Map(conversations.map((c) => [c.record.id, c]));
    const worst = (summary.lowest ?? []).map((id) => byId.get(id)).filter((c): c is GradedConversation => !!c);
    out.push(`## ${L.worst}`, '');
    if (!worst.length) out.push(L.noneShort, '');
    for (const c of worst) out.push(...transcript(c, packName(c.record.pack), caseName(packs, c.record.pack, c.record.case), L), '');
    return out.join('\n');
  },
};

function transcript(c: GradedConversation, packName: string, name: string, L: ReturnType<typeof labels>): string[] {
  const lines = [`### ${name} — ${packName} · ${c.record.channel}`, '', `\`${c.record.id}\` · ${L.recognition} ${fmt(c.grade.recognition)} · ${L.completeness} ${fmt(c.grade.completeness)}`, ''];
  for (const t of c.record.turns) {
    const g = c.grade.turns.find((x) => x.index === t.index);
    for (const e of t.exchanges) {
      lines.push(`> **${L.customer}** (${L.attempt[e.utterance.attempt] ?? e.utterance.attempt}): ${oneLine(e.utterance.text)}`, '>');
      const shown = clipReplyText(e.reply, MARKDOWN_REPLY_CHARS);
      const note = shown.clipped ? ` … *(${clipNote(L.clipped, shown.clipped)}${shown.clipped.full ? `; ${L.fullReply}: [${shown.clipped.full}](${encodeURI(shown.clipped.full)})` : ''})*` : '';
      lines.push(`> **${L.bot}**: ${oneLine(shown.text) || '∅'}${note}`, '');
    }
    if (g) {
      lines.push(`${L.reasons} — ${L.turn.replace('{n}', String(t.index + 1))} · ${L.levels[g.level] ?? g.level} · ${L.recognition} ${g.recognition} · ${L.completeness} ${g.completeness}:`);
      for (const r of g.reasons) lines.push(`- ${oneLine(r)}`);
    }
  }
  return lines;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' / ').replace(/\|/g, '\\|');
