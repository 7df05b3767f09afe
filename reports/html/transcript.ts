import { createHash } from 'node:crypto';
import type { Pack } from '../../harness/config/scenario.ts';
import type { Summary } from '../../harness/score/types.ts';
import type { BotReply, CaseGrade, GradedConversation, TurnGrade } from '../../harness/types.ts';
import type { Agreement } from '../../harness/score/agreement.ts';
import { clipNote, clipReplyText, HTML_REPLY_CHARS } from '../clip.ts';
import { esc, evidenceSrc, fmt, highlight } from './escape.ts';
import type { Labels } from '../glossary.ts';
import { scenarioName } from './overview.ts';

// Every conversation, whole: what the customer said, what the bot answered
// (key-point hits marked), each score with its reasons, and the evidence.

export type Verdict = 'pass' | 'fail' | 'error';

/** A stable, URL-safe anchor for a conversation id. */
export function anchorOf(id: string): string {
  return `c-${createHash('sha1').update(id).digest('hex').slice(0, 12)}`;
}

export function verdictOf(c: GradedConversation): Verdict {
  return c.record.error ? 'error' : c.grade.passed ? 'pass' : 'fail';
}

function option(value: string, label: string): string {
  return `<option value="${esc(value)}">${esc(label)}</option>`;
}

export function filterBar(conversations: GradedConversation[], summary: Summary, packs: Pack[], L: Labels): string {
  const channels = [...new Set(conversations.map((c) => c.record.channel))];
  const scenarios = [...new Set(conversations.map((c) => c.record.pack))];
  const select = (name: string, label: string, options: string) =>
    `<label>${esc(label)} <select name="${name}">${option('', L.all)}${options}</select></label>`;
  return `<div id="filters" hidden>${esc(L.filters)}:
${select('channel', L.channel, channels.map((c) => option(c, c)).join(''))}
${select('scenario', L.scenario, scenarios.map((s) => option(s, scenarioName(s, summary, packs))).join(''))}
${select('verdict', L.verdict, (['pass', 'fail', 'error'] as const).map((v) => option(v, L[v])).join(''))}
<span class="meta">${esc(L.shown)}: <span id="shown">${conversations.length}</span> / ${conversations.length}</span></div>`;
}

function evidence(reply: BotReply, L: Labels): string {
  const parts: string[] = [];
  const shot = evidenceSrc(reply.evidence?.screenshot);
  if (shot) parts.push(`<a href="${shot}"><img src="${shot}" alt="${esc(L.screenshot)}" loading="lazy"></a>`);
  const audio = evidenceSrc(reply.evidence?.audio);
  if (audio) parts.push(`<div>${esc(L.audio)}: <audio controls preload="none" src="${audio}"></audio></div>`);
  const caller = evidenceSrc(reply.evidence?.callerAudio);
  if (caller) parts.push(`<div>${esc(L.callerAudio)}: <audio controls preload="none" src="${caller}"></audio></div>`);
  return parts.length ? `<div class="evidence">${parts.join('')}</div>` : '';
}

function gradeBlock(t: TurnGrade, L: Labels, title = '', texts: Map<string, string> = new Map()): string {
  const hits = t.hits
    .map((h) => `<li class="${h.hit ? 'hit' : 'miss'}">${h.hit ? '✓' : '✗'} ${esc(h.id)} ×${h.weight}${texts.has(h.id) ? ` <span class="meta">${esc(texts.get(h.id))}</span>` : ''}${h.hit && h.matched ? ` — “${esc(h.matched)}”${h.how ? ` (${esc(h.how)})` : ''}` : ''}</li>`)
    .join('');
  const forbid = t.forbidHits.length ? `<div class="miss">${esc(L.forbid)}: ${t.forbidHits.map(esc).join('、')}</div>` : '';
  const reasons = t.reasons.map((r) => `<li>${esc(r)}</li>`).join('');
  return `<div class="grade">${title ? `<b>${esc(title)}</b> ` : ''}${esc(L.recognition)} <b>${fmt(t.recognition, 1)}</b> · ${esc(L.completeness)} <b>${fmt(t.completeness, 1)}</b> · ${esc(L.level)}: ${esc(L.levels[t.level] ?? t.level)} <small class="meta">(${esc(t.grader)})</small>
${hits ? `<div>${esc(L.keypoints)}:<ul>${hits}</ul></div>` : ''}${forbid}
${reasons ? `<div>${esc(L.reasons)}:<ul>${reasons}</ul></div>` : ''}</div>`;
}

const scriptIndex = new WeakMap<Pack[], Map<string, Pack['cases'][number]>>();

/** The scripted case of a conversation, through an index built once per render. */
function scriptedCase(packs: Pack[], pack: string, id: string): Pack['cases'][number] | undefined {
  let index = scriptIndex.get(packs);
  if (!index) scriptIndex.set(packs, (index = new Map(packs.flatMap((p) => p.cases.map((c) => [`${p.id}\u0000${c.id}`, c] as const)))));
  return index.get(`${pack}\u0000${id}`);
}

function conversationBlock(c: GradedConversation, summary: Summary, packs: Pack[], L: Labels): string {
  const r = c.record;
  const verdict = verdictOf(c);
  const scripted = scriptedCase(packs, r.pack, r.case);
  const turns = r.turns
    .map((turn) => {
      const texts = new Map((scripted?.turns[turn.index]?.expect.keypoints ?? []).map((k) => [k.id, k.text]));
      const grade = c.grade.turns.find((t) => t.index === turn.index);
      const alt = c.alt?.turns.find((t) => t.index === turn.index);
      const matched = (grade?.hits ?? []).filter((h) => h.hit && h.matched).map((h) => h.matched!);
      const messages = turn.exchanges
        .map((e) => {
          const attempt = L.attempt[e.utterance.attempt] ?? e.utterance.attempt;
          const buttons = e.reply.buttons.length ? `<div class="meta">${esc(L.buttons)}: ${e.reply.buttons.map(esc).join(' | ')}</div>` : '';
          const latency = `${esc(L.latencyFirst)} ${fmt(e.reply.latency.firstMs, 0)} ms · ${esc(L.latencySettled)} ${fmt(e.reply.latency.settledMs, 0)} ms`;
          const shown = clipReplyText(e.reply, HTML_REPLY_CHARS);
          const full = evidenceSrc(shown.clipped?.full);
          const clipped = shown.clipped
            ? `<div class="meta clipped">… ${esc(clipNote(L.clipped, shown.clipped))}${full ? ` · <a href="${full}">${esc(L.fullReply)}</a>` : ''}</div>`
            : '';
          return `<div class="msg customer"><span class="who">${esc(L.customer)} · ${esc(attempt)}${e.utterance.click ? ` · [${esc(e.utterance.click)}]` : ''}</span>${esc(e.utterance.text)}</div>
<div class="msg bot"><span class="who">${esc(L.bot)} · ${latency}${e.reply.intent ? ` · ${esc(e.reply.intent)}` : ''}${e.reply.handoff ? ` · ${esc(L.handoffCol)}` : ''}</span>${highlight(shown.text, matched)}${clipped}${buttons}${evidence(e.reply, L)}</div>`;
        })
        .join('\n');
      return `<h4>${esc(L.turn.replace('{n}', String(turn.index + 1)))}</h4>
${messages}
${grade ? gradeBlock(grade, L, '', texts) : ''}${alt ? gradeBlock(alt, L, L.altGrader, texts) : ''}`;
    })
    .join('\n');
  const error = r.error ? `<p class="verdict-error">${esc(L.error)}: ${esc(r.error.kind)} — ${esc(r.error.message)}</p>` : '';
  const g: CaseGrade = c.grade;
  return `<details class="conv" data-channel="${esc(r.channel)}" data-scenario="${esc(r.pack)}" data-verdict="${verdict}" id="${anchorOf(r.id)}">
<summary><span class="verdict-${verdict}">[${esc(L[verdict])}]</span> ${esc(r.channel)} · ${esc(scenarioName(r.pack, summary, packs))} · ${esc(r.case)}#${r.variant}.${r.repeat}${r.simulated ? ` · <small>${esc(L.simulated)}</small>` : ''} — ${esc(L.recognition)} ${fmt(g.recognition, 1)} · ${esc(L.completeness)} ${fmt(g.completeness, 1)}</summary>
<p class="meta">${esc(r.id)} · ${r.durationMs} ms · attempts ${r.attempts}</p>
${error}${turns}
</details>`;
}

export function transcriptsSection(conversations: GradedConversation[], summary: Summary, packs: Pack[], L: Labels): string {
  return `<h2>${esc(L.transcripts)}</h2>
${filterBar(conversations, summary, packs, L)}
${conversations.map((c) => conversationBlock(c, summary, packs, L)).join('\n')}`;
}

/** With --grader both: turns where the two graders differ by ≥3 points. */
export function reviewSection(result: Agreement, L: Labels): string {
  const flagged = result.disagreements.filter((d) => d.review);
  const rows = flagged
    .map((d) => `<tr><td><a href="#${anchorOf(d.conversation ?? '')}">${esc(d.conversation)}</a></td><td class="num">${d.turn + 1}</td>
<td>${esc(d.a.grader)}: ${esc(L.levels[d.a.level])} ${fmt(d.a.recognition, 1)} + ${fmt(d.a.completeness, 1)}</td>
<td>${esc(d.b.grader)}: ${esc(L.levels[d.b.level])} ${fmt(d.b.recognition, 1)} + ${fmt(d.b.completeness, 1)}</td><td class="num">${fmt(d.delta, 1)}</td></tr>`)
    .join('');
  return `<h2>${esc(L.review)}</h2>
<p>Cohen's κ = ${fmt(result.kappa)} · ${esc(L.agreementWord)} ${Math.round(result.agreement * 100)}% · ${esc(L.turnsWord)} ${result.n} · ${esc(L.disagreeWord)} ${result.disagreements.length} · ${esc(L.forReviewWord)} ${flagged.length}</p>
${flagged.length ? `<table><tr><th>id</th><th>#</th><th>A</th><th>B</th><th>Δ</th></tr>${rows}</table>` : ''}`;
}
