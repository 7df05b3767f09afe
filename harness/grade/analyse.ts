import type { Pack, ScenarioCase } from '../config/scenario.ts';
import type { BotReply, KeypointHit } from '../types.ts';
import type { GradeContext, ReplyAssessment } from './types.ts';
import { normalise } from './normalise.ts';
import { matchAnyTerm, prepareKeypoint, prepareTerm } from './match.ts';
import { askCueIn, dataWords, findPhrase, isNumberedMenu, localePhrases } from './phrases.ts';
import { clip, fallbackVerdict } from './fallback.ts';
import { bestSpecificity, isServiceWord, SPECIFIC, termSpecificity, topicIndex, topicVerdict, type TopicVerdict } from './topic.ts';

// One reading of one bot reply against the turn it answers; the live
// assessment and the grader both use it, so they never disagree.

export interface ReplyAnalysis {
  kind: ReplyAssessment;
  norm: string;
  hits: KeypointHit[];
  hitWeight: number;
  totalWeight: number;
  forbidHits: string[];
  topic: TopicVerdict | null;
  /** Why the reply got its kind, quoting the evidence. */
  why: string;
}

export interface AnalyseInput {
  pack: Pack;
  case: ScenarioCase;
  turnIndex: number;
  transcribed: boolean;
}

const NEGATIONS = '不没无非未勿别';
/** A clarifying question that makes half the key points is an answer with a follow-up offer. */
const CLARIFY_MAX_SHARE = 0.5;

/** Forbidden phrases present in the reply, ignoring negated ones ("不可以代办" is not "可以代办"). */
export function forbiddenIn(norm: string, forbid: string[], ctx: GradeContext): string[] {
  const found: string[] = [];
  for (const f of forbid) {
    const n = normalise(f, ctx.locale);
    if (!n) continue;
    let at = norm.indexOf(n);
    while (at >= 0) {
      if (at === 0 || !NEGATIONS.includes(norm[at - 1])) {
        found.push(f);
        break;
      }
      at = norm.indexOf(n, at + 1);
    }
  }
  return found;
}

export function analyseReply(reply: BotReply, input: AnalyseInput, ctx: GradeContext): ReplyAnalysis {
  const turn = input.case.turns[input.turnIndex];
  const text = reply.text ?? '';
  const norm = normalise(text, ctx.locale);
  const transcribed = input.transcribed || reply.transcribed === true;
  const opts = { locale: ctx.locale, transcribed, fuzzyThreshold: ctx.fuzzyThreshold };
  const index = topicIndex(ctx.packs.length ? ctx.packs : [input.pack], ctx.locale);

  const hits: KeypointHit[] = [];
  let hitWeight = 0;
  let totalWeight = 0;
  let ownEvidence = 0;
  let specificWeight = 0;
  let substantive = false;
  for (const kp of turn?.expect.keypoints ?? []) {
    const p = prepareKeypoint(kp, ctx.locale);
    totalWeight += p.weight;
    const m = norm ? matchAnyTerm(norm, p.any, opts) : null;
    const allOk = m !== null && p.all.every((t) => matchAnyTerm(norm, [t], opts) !== null);
    if (m && allOk) {
      hits.push({ id: p.id, weight: p.weight, hit: true, how: m.how, matched: m.matched });
      hitWeight += p.weight;
      const spec = Math.max(bestSpecificity(norm, p.any, index), termSpecificity(index, prepareTerm(m.term, ctx.locale)));
      ownEvidence += spec * Math.min(p.weight, 2);
      if (spec >= SPECIFIC) specificWeight += p.weight;
      if (!isServiceWord(prepareTerm(m.term, ctx.locale).norm)) substantive = true;
    } else {
      hits.push({ id: p.id, weight: p.weight, hit: false });
    }
  }
  const share = totalWeight > 0 ? hitWeight / totalWeight : 0;
  const anyHit = hitWeight > 0;
  const forbidHits = forbiddenIn(norm, turn?.expect.forbid ?? [], ctx);
  const base = { norm, hits, hitWeight, totalWeight, forbidHits };
  const phrases = localePhrases(ctx.locale);

  if (norm === '' && reply.buttons.length < 2) {
    return { ...base, kind: 'silence', topic: null, why: 'no reply (silence)' };
  }
  const heard = transcribed ? phrases : undefined;
  const handoffPhrase = findPhrase(norm, phrases.handoff, heard);
  // Where a handoff is expected the phrase is the handoff (its key points name
  // it too); elsewhere "如需人工服务请转人工" after an answer is still an answer.
  const handoffExpected = turn?.expect.handoff === 'require' || turn?.expect.handoff === 'accept';
  if (reply.handoff || (handoffPhrase && (handoffExpected || !substantive))) {
    const why = reply.handoff ? 'the bot handed over to a human agent' : `handoff phrase "${handoffPhrase}"`;
    return { ...base, kind: 'handoff', topic: null, why };
  }
  const clarifyPhrase = findPhrase(norm, phrases.clarify, heard);
  const menu = reply.buttons.length >= 2 || isNumberedMenu(text);
  // A question with options is a menu of guesses however many key words it names.
  if ((clarifyPhrase && menu) || share < CLARIFY_MAX_SHARE) {
    if (clarifyPhrase || menu) {
      const why = clarifyPhrase
        ? `clarifying question "${clarifyPhrase}"`
        : reply.buttons.length >= 2
          ? `a menu of ${reply.buttons.length} options (${reply.buttons.slice(0, 4).join(' / ')})`
          : 'a numbered menu of guesses';
      return { ...base, kind: 'clarify', topic: null, why };
    }
  }
  const whenWords = input.case.replies.flatMap((r) => r.when).map((w) => normalise(w, ctx.locale));
  const asked = [...whenWords, ...dataWords].filter((w) => w && norm.includes(w));
  // An ask, not a mention: "请提供您的卡号", "您在哪个城市？" — never "您的卡号已挂失".
  if (asked.length && (askCueIn(norm, ctx.locale) || /[?？]/.test(text))) {
    // "身份证号" contains 身份证: a request for data is not the key point it spells.
    const own = hits.filter((h) => h.hit && !asked.some((w) => h.matched && w.includes(normalise(h.matched, ctx.locale))));
    const ownShare = totalWeight > 0 ? own.reduce((a, h) => a + h.weight, 0) / totalWeight : 0;
    if (ownShare < CLARIFY_MAX_SHARE) {
      const kept = hits.map((h) => (h.hit && !own.includes(h) ? { id: h.id, weight: h.weight, hit: false } : h));
      const keptWeight = own.reduce((a, h) => a + h.weight, 0);
      return { ...base, hits: kept, hitWeight: keptWeight, kind: 'ask-data', topic: null, why: `asks for the customer's data ("${asked[0]}")` };
    }
  }
  // "抱歉，我没有理解" makes an apology key point, and is still a fallback.
  const fb = fallbackVerdict(text, substantive, ctx, transcribed);
  if (fb.fallback) return { ...base, kind: 'fallback', topic: null, why: fb.reason ?? 'fallback' };

  // Wrong information about this very topic is still about this topic.
  if (forbidHits.length) ownEvidence += 1;
  const specificShare = totalWeight > 0 ? specificWeight / totalWeight : 0;
  const topic = topicVerdict(norm, input.pack, specificShare, ownEvidence, ctx.packs, ctx.locale);
  if (topic.offTopic) {
    const terms = (topic.terms ?? []).slice(0, 4).join(', ');
    return { ...base, kind: 'off-topic', topic, why: `answered ${topic.pack} instead (hit its key points ${terms})` };
  }
  if (topic.unrelated && totalWeight > 0 && !anyHit) {
    return { ...base, kind: 'fallback', topic, why: `the reply "${clip(text)}" addresses neither the question's key points nor any scenario` };
  }
  return { ...base, kind: 'on-topic', topic, why: anyHit ? 'on topic' : 'on topic (no key point made)' };
}
