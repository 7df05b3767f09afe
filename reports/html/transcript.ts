import * as crypto from 'node:crypto';
import type { Pack } from '../../harness/config/scenario.ts';
import type { Summary } from '../../harness/score/types.ts';
import type { BotReply, CaseGrade, GradedConversation, TurnGrade } from '../../harness/types.ts';
import type { Agreement } from '../../harness/score/agreement.ts';
import { clipNote, clipReplyText, HTML_REPLY_CHARS } from '../clip.ts';
import { esc, evidenceSrc, fill, fmt, highlight } from './escape.ts';
import type { Labels } from '../glossary.ts';
import { scenarioName } from './overview.ts';
import { caseName, scriptedCase } from '../names.ts';

// Every conversation, whole: what the customer said, what the bot answered
// (key-point hits marked), each score with its reasons, and the evidence.

export type Verdict = 'pass' | 'fail' | 'error';

/** crypto.hash (Node 20.12+) hashes in one call, without a Hash object per conversation. */
const sha1Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function' ? (text) => crypto.hash('sha1', text, 'hex') : (text) => crypto.createHash('sha1').update(text).digest('hex');

/** A stable, URL-safe anchor for a conversation id. */
export function anchorOf(id: string): string {
  return `c-${sha1Hex(id).slice(0, 12)}`;
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

/** An evidence path of the run folder as seen from a page `base` deep in it ('' for index.html, '../' for a transcript page). */
function src(path: string | undefined, base: string): string | null {
  const s = evidenceSrc(path);
  return s && base + s;
}

function evidence(reply: BotReply, L: Labels, base: string): string {
  const parts: string[] = [];
  const shot = src(reply.evidence?.screenshot, base);
  if (shot) parts.push(`<a href="${shot}"><img src="${shot}" alt="${esc(L.screenshot)}" loading="lazy"></a>`);
  const audio = src(reply.evidence?.audio, base);
  if (audio) parts.push(`<div>${esc(L.audio)}: <audio controls preload="none" src="${audio}"></audio></div>`);
  const caller = src(reply.evidence?.callerAudio, base);
  if (caller) parts.push(`<div>${esc(L.callerAudio)}: <audio controls preload="none" src="${caller}"></audio></div>`);
  return parts.length ? `<div class="evidence">${parts.join('')}</div>` : '';
}

function gradeBlock(t: TurnGrade, L: Labels, title = '', texts: Map<string, string> = new Map()): string {
  const hits = t.hits
    .map((h) => `<li class="${h.hit ? 'hit' : 'miss'}">${h.hit ? '✓' : '✗'} ${esc(h.id)} ×${h.weight}${texts.has(h.id) ? ` <span class="meta">${esc(texts.get(h.id))}</span>` : ''}${h.hit && h.matched ? ` — “${esc(h.matched)}”${h.how ? ` (${esc(L.how[h.how] ?? h.how)})` : ''}` : ''}</li>`)
    .join('');
  const forbid = t.forbidHits.length ? `<div class="miss">${esc(L.forbid)}: ${t.forbidHits.map(esc).join('、')}</div>` : '';
  const reasons = t.reasons.map((r) => `<li>${esc(r)}</li>`).join('');
  return `<div class="grade">${title ? `<b>${esc(title)}</b> ` : ''}${esc(L.recognition)} <b>${fmt(t.recognition, 1)}</b> · ${esc(L.completeness)} <b>${fmt(t.completeness, 1)}</b> · ${esc(L.level)}: ${esc(L.levels[t.level] ?? t.level)} <small class="meta">(${esc(L.graders[t.grader] ?? t.grader)})</small>
${hits ? `<div>${esc(L.keypoints)}:<ul>${hits}</ul></div>` : ''}${forbid}
${reasons ? `<div>${esc(L.reasons)}:<ul>${reasons}</ul></div>` : ''}</div>`;
}

function conversationBlock(c: GradedConversation, summary: Summary, packs: Pack[], L: Labels, base: string): string {
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
          const full = src(shown.clipped?.full, base);
          const clipped = shown.clipped
            ? `<div class="meta clipped">… ${esc(clipNote(L.clipped, shown.clipped))}${full ? ` · <a href="${full}">${esc(L.fullReply)}</a>` : ''}</div>`
            : '';
          return `<div class="msg customer"><span class="who">${esc(L.customer)} · ${esc(attempt)}${e.utterance.click ? ` · [${esc(e.utterance.click)}]` : ''}</span>${esc(e.utterance.text)}</div>
<div class="msg bot"><span class="who">${esc(L.bot)} · ${latency}${e.reply.intent ? ` · ${esc(e.reply.intent)}` : ''}${e.reply.handoff ? ` · ${esc(L.handoffCol)}` : ''}</span>${highlight(shown.text, matched)}${clipped}${buttons}${evidence(e.reply, L, base)}</div>`;
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
<summary><span class="verdict-${verdict}">[${esc(L[verdict])}]</span> ${esc(r.channel)} · ${esc(scenarioName(r.pack, summary, packs))} · ${esc(scripted?.name ?? r.case)} <small class="meta">${esc(r.case)}#${r.variant}.${r.repeat}</small>${r.simulated ? ` · <small>${esc(L.simulated)}</small>` : ''} — ${esc(L.recognition)} ${fmt(g.recognition, 1)} · ${esc(L.completeness)} ${fmt(g.completeness, 1)}</summary>
<p class="meta">${esc(r.id)} · ${r.durationMs} ms · ${esc(L.attempts)} ${r.attempts}</p>
${error}${turns}
</details>`;
}

/** Conversations a transcript page holds; a run of at most this many keeps its transcripts in index.html itself. */
export const PAGE_SIZE = 500;
/** Failed and errored conversations index.html links to directly, at most. */
export const LISTED_MAX = 1000;
/** The folder of the transcript pages, inside the run folder. */
export const PAGES_DIR = 'transcripts';

export const pageFile = (i: number) => `${PAGES_DIR}/${String(i + 1).padStart(3, '0')}.html`;

/** Where each conversation's transcript is: index.html itself, or one of the pages. */
export interface TranscriptLayout {
  pages: number;
  href(id: string): string;
}

export function transcriptLayout(conversations: GradedConversation[]): TranscriptLayout {
  const pages = conversations.length > PAGE_SIZE ? Math.ceil(conversations.length / PAGE_SIZE) : 0;
  if (!pages) return { pages, href: (id) => `#${anchorOf(id)}` };
  const pageOf = new Map(conversations.map((c, i) => [c.record.id, Math.floor(i / PAGE_SIZE)]));
  return { pages, href: (id) => (pageOf.has(id) ? `${pageFile(pageOf.get(id)!)}#${anchorOf(id)}` : `#${anchorOf(id)}`) };
}

/**
 * The transcripts: inline up to PAGE_SIZE conversations; past that, index.html
 * keeps a table of the pages and links to every failed or errored
 * conversation, and the transcripts themselves are in transcripts/NNN.html
 * (see transcriptPages), so the index stays small and opens fast however
 * large the run.
 */
export function transcriptsSection(conversations: GradedConversation[], summary: Summary, packs: Pack[], L: Labels, layout = transcriptLayout(conversations)): string {
  if (!layout.pages) {
    return `<h2>${esc(L.transcripts)}</h2>
${filterBar(conversations, summary, packs, L)}
${conversations.map((c) => conversationBlock(c, summary, packs, L, '')).join('\n')}`;
  }
  const rows: string[] = [];
  for (let i = 0; i < layout.pages; i++) {
    const slice = conversations.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    const count = (v: Verdict) => slice.filter((c) => verdictOf(c) === v).length;
    const channels = [...new Set(slice.map((c) => c.record.channel))].map(esc).join(', ');
    rows.push(
      `<tr><td><a href="${pageFile(i)}">${esc(fill(L.page, { n: i + 1 }))}</a></td><td>${esc(fill(L.pageRange, { from: i * PAGE_SIZE + 1, to: i * PAGE_SIZE + slice.length }))}</td><td>${channels}</td><td class="num">${count('pass')}</td><td class="num">${count('fail')}</td><td class="num">${count('error')}</td></tr>`,
    );
  }
  const notPassed = conversations.filter((c) => verdictOf(c) !== 'pass');
  const listed = notPassed.slice(0, LISTED_MAX).map((c) => {
    const r = c.record;
    const v = verdictOf(c);
    return `<li><a href="${layout.href(r.id)}"><span class="verdict-${v}">[${esc(L[v])}]</span> ${esc(r.channel)} · ${esc(scenarioName(r.pack, summary, packs))} · ${esc(r.case)}#${r.variant}.${r.repeat}</a> — ${esc(L.recognition)} ${fmt(c.grade.recognition, 1)} · ${esc(L.completeness)} ${fmt(c.grade.completeness, 1)}</li>`;
  });
  return `<h2>${esc(L.transcripts)}</h2>
<p class="meta">${esc(fill(L.transcriptPages, { n: conversations.length, size: PAGE_SIZE }))}</p>
<table><tr><th>${esc(fill(L.page, { n: '' }).trim())}</th><th>${esc(L.conversations)}</th><th>${esc(L.channel)}</th><th>${esc(L.pass)}</th><th>${esc(L.fail)}</th><th>${esc(L.error)}</th></tr>
${rows.join('\n')}</table>
${notPassed.length ? `<h3>${esc(L.notPassed)} (${notPassed.length})</h3>${notPassed.length > LISTED_MAX ? `<p class="meta">${esc(fill(L.listedFirst, { shown: LISTED_MAX, total: notPassed.length }))}</p>` : ''}\n<ul>${listed.join('\n')}</ul>` : ''}`;
}

/** The transcript pages of a run too large for one index.html: [file, html body, title] each, made one at a time. */
export function* transcriptPages(conversations: GradedConversation[], summary: Summary, packs: Pack[], L: Labels): Generator<[file: string, body: string, page: string]> {
  const pages = transcriptLayout(conversations).pages;
  for (let i = 0; i < pages; i++) {
    const slice = conversations.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    const nav = `<p class="meta"><a href="../index.html">${esc(L.overviewLink)}</a>${i > 0 ? ` · <a href="${pageFile(i - 1).slice(PAGES_DIR.length + 1)}">${esc(L.prevPage)}</a>` : ''}${i < pages - 1 ? ` · <a href="${pageFile(i + 1).slice(PAGES_DIR.length + 1)}">${esc(L.nextPage)}</a>` : ''} · ${esc(fill(L.page, { n: i + 1 }))} / ${pages} · ${esc(fill(L.pageRange, { from: i * PAGE_SIZE + 1, to: i * PAGE_SIZE + slice.length }))}</p>`;
    const body = `<h2>${esc(L.transcripts)} · ${esc(fill(L.page, { n: i + 1 }))}</h2>
${nav}
${filterBar(slice, summary, packs, L)}
${slice.map((c) => conversationBlock(c, summary, packs, L, '../')).join('\n')}
${nav}`;
    yield [pageFile(i), body, fill(L.page, { n: i + 1 })];
  }
}

/** The conversations that fell short of "good", lowest first, as the engine listed them; linked to their transcripts. */
export function lowestSection(conversations: GradedConversation[], summary: Summary, packs: Pack[], L: Labels, href: (id: string) => string = (id) => `#${anchorOf(id)}`): string {
  const byId = new Map(conversations.map((c) => [c.record.id, c]));
  const items = (summary.lowest ?? [])
    .map((id) => byId.get(id))
    .filter((c): c is GradedConversation => !!c)
    .map((c) => `<li><a href="${href(c.record.id)}">${esc(caseName(packs, c.record.pack, c.record.case))}</a> · ${esc(scenarioName(c.record.pack, summary, packs))} · ${esc(c.record.channel)} — ${esc(L.recognition)} ${fmt(c.grade.recognition, 1)} · ${esc(L.completeness)} ${fmt(c.grade.completeness, 1)}</li>`);
  return `<h2>${esc(L.worst)}</h2>
${items.length ? `<ol class="lowest">${items.join('')}</ol>` : `<p class="lowest-none">${esc(L.noneShort)}</p>`}`;
}

/** With --grader both: turns where the two graders differ by ≥3 points. */
export function reviewSection(result: Agreement, L: Labels, href: (id: string) => string = (id) => `#${anchorOf(id)}`): string {
  const flagged = result.disagreements.filter((d) => d.review);
  const rows = flagged
    .map((d) => `<tr><td><a href="${href(d.conversation ?? '')}">${esc(d.conversation)}</a></td><td class="num">${d.turn + 1}</td>
<td>${esc(d.a.grader)}: ${esc(L.levels[d.a.level])} ${fmt(d.a.recognition, 1)} + ${fmt(d.a.completeness, 1)}</td>
<td>${esc(d.b.grader)}: ${esc(L.levels[d.b.level])} ${fmt(d.b.recognition, 1)} + ${fmt(d.b.completeness, 1)}</td><td class="num">${fmt(d.delta, 1)}</td></tr>`)
    .join('');
  return `<h2>${esc(L.review)}</h2>
<p>Cohen's κ = ${fmt(result.kappa)} · ${esc(L.agreementWord)} ${Math.round(result.agreement * 100)}% · ${esc(L.turnsWord)} ${result.n} · ${esc(L.disagreeWord)} ${result.disagreements.length} · ${esc(L.forReviewWord)} ${flagged.length}</p>
${flagged.length ? `<table><tr><th>id</th><th>#</th><th>A</th><th>B</th><th>Δ</th></tr>${rows}</table>` : ''}`;
}
