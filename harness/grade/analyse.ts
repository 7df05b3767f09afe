import type { Pack, ScenarioCase } from '../config/scenario.ts';
import type { BotReply, KeypointHit } from '../types.ts';
import type { GradeContext, ReplyAssessment } from './types.ts';
import { normalise } from './normalise.ts';
import { matchAnyTerm, prepareKeypoint, prepareTerm, type MatchOptions } from './match.ts';
import { ANSWER_MIN_CHARS, CLAUSE, dropBorrowed, SENTENCE, withoutCourtesyTail, withoutRestatement } from './stated.ts';
import { askCueIn, dataWords, findPhrase, keypadOptions, localePhrases, menuOptions, withoutKeypad } from './phrases.ts';
import { clip, fallbackVerdict } from './fallback.ts';
import { plainText } from './markup.ts';
import { messagesFor } from './messages.ts';
import { foreignActs, foreignOpening } from './subject.ts';
import { addressesFocus, foreignProducts, foreignSubject, otherBusinesses, siblingCaseIn, optionAddresses, otherFocusIn, otherScenarioNames, bestSpecificity, isServiceWord, SPECIFIC, termSpecificity, topicIndex, topicVerdict, turnFocus, type TopicVerdict } from './topic.ts';

// One reading of one bot reply against the turn it answers; the live
// assessment and the grader both use it, so they never disagree.
//
// What a reply is comes first (DESIGN.md "Grading"): markup is stripped;
// related questions after an answer ("猜你想问" buttons or lines) are set
// aside; a menu is a reply whose main content is choices; a handoff is a
// reply whose main act is the transfer. Only then do key points count.

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
  /** A clarifying menu none of whose options is the question asked. */
  optionsMiss?: boolean;
  /** Related-question buttons or lines after the answer, set aside. */
  related: string[];
  /** The reply carried HTML or Markdown (graded as plain text). */
  markup: boolean;
}

export interface AnalyseInput {
  pack: Pack;
  case: ScenarioCase;
  turnIndex: number;
  transcribed: boolean;
  /** The option the customer picked from the bot's menu, when the reply answers it: the pick, not the first wording, sets its context. */
  picked?: string;
}

const NEGATIONS = '不没无非未勿别';
/** Evidence (summed idf) for another case of the pack before a reply counts as its answer, and how many times this case's. */
const SIBLING_MIN = 3;
const SIBLING_RATIO = 3;

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

/** The last sentence asks the customer to choose ("请问您办理的是哪种卡？"). */
const CHOICE_QUESTION = /(哪|还是|是否|选择|请问您(要|是|想)|请问是)[^。！？!?]*[?？]\s*$/;

interface Shape {
  /** The reply before any related-question block. */
  body: string;
  related: string[];
  /** Options offered as a menu (buttons, numbered items, a related block with nothing before it). */
  options: string[];
  /** Body without clarifying sentences, handoff clauses and menu items: what the bot says of its own. */
  own: string;
  ownNorm: string;
  clarifyPhrase?: string;
  handoffPhrase?: string;
}

function shapeOf(text: string, buttons: string[], ctx: GradeContext, transcribed: boolean): Shape {
  const phrases = localePhrases(ctx.locale);
  // A related-question block: a cue and what follows it.
  const cue = findRelatedCue(text, phrases.related);
  if (cue >= 0) {
    const before = shapeOfBody(text.slice(0, cue), ctx, transcribed);
    const block = splitItems(text.slice(cue));
    if (before.ownLen >= ANSWER_MIN_CHARS) return { ...before, related: [...block, ...buttons], options: before.items };
    // Nothing of the bot's own before the block: the whole reply is the menu.
    const whole = shapeOfBody(text, ctx, transcribed);
    return { ...whole, related: [], options: [...new Set([...whole.items, ...block, ...buttons])] };
  }
  const whole = shapeOfBody(text, ctx, transcribed);
  // A lone question asking which ("请问您想办理哪项业务？") with buttons is the menu's question, not an answer.
  const trimmed = text.trim();
  const onlyChoiceQuestion = buttons.length >= 2 && CHOICE_QUESTION.test(trimmed) && trimmed.split(SENTENCE).filter((x) => x.trim()).length <= 1;
  const afterAnswer = whole.ownLen >= ANSWER_MIN_CHARS && !onlyChoiceQuestion;
  return { ...whole, related: afterAnswer ? buttons : [], options: afterAnswer ? whole.items : [...whole.items, ...buttons] };
}

function shapeOfBody(body: string, ctx: GradeContext, transcribed: boolean): Omit<Shape, 'related' | 'options'> & { items: string[]; ownLen: number } {
  const phrases = localePhrases(ctx.locale);
  const whole = normalise(body, ctx.locale);
  // Sentence by sentence only when there is something to set aside (most replies are plain answers).
  let clarifyPhrase = findPhrase(whole, phrases.clarify, transcribed);
  const kept: string[] = [];
  if (clarifyPhrase) {
    clarifyPhrase = undefined;
    for (const s of body.split(SENTENCE)) {
      const p = findPhrase(normalise(s, ctx.locale), phrases.clarify, transcribed);
      if (p) clarifyPhrase ??= p;
      else kept.push(s);
    }
  } else {
    kept.push(body);
  }
  // Numbered or quoted items are choices only when the bot asks to choose; otherwise they are steps of an answer.
  // The phone-menu choices are read once: the menu's, and what the bot says besides them.
  const keys = keypadOptions(body);
  const items = menuOptions(body, clarifyPhrase !== undefined || CHOICE_QUESTION.test(body.trim()), keys);
  const keptText = kept.join('');
  let ownText = withoutKeypad(keptText, keptText === body ? keys : undefined);
  for (const item of items) ownText = ownText.replace(item, '');
  // "人工服务请按0" is one choice of a menu, not a transfer: the bot still asks which.
  const choices = items.filter((i) => !findPhrase(normalise(i, ctx.locale), phrases.handoff, transcribed));
  let handoffPhrase = findPhrase(choices.length >= 2 ? normalise(ownText, ctx.locale) : whole, phrases.handoff, transcribed);
  let own = ownText;
  if (handoffPhrase) {
    own = ownText
      .split(CLAUSE)
      .filter((c) => !findPhrase(normalise(c, ctx.locale), phrases.handoff, transcribed))
      .join('');
  }
  const ownNorm = own === body ? whole : normalise(own, ctx.locale);
  return { body, own, ownNorm, items, clarifyPhrase, handoffPhrase, ownLen: [...ownNorm].length };
}

/** "人工客服服务时间为8:00-22:00" speaks of the agents' hours: a statement about them, not a transfer or an offer of one. */
const AGENT_HOURS = /(?:人工客服|人工服务|人工坐席|人工座席|坐席|座席)的?(?:服务|工作|在线)?(?:时间|时段)/g;
function withoutAgentHours(norm: string): string {
  return norm.includes('时') ? norm.replace(AGENT_HOURS, '') : norm;
}

function findRelatedCue(text: string, cues: string[]): number {
  if (!cues.length) return -1;
  let best = -1;
  for (const c of cues) {
    // A cue introduces a list: "猜你想问：", a line break, items or the end follow it.
    let at = text.indexOf(c);
    // "【猜你想问】 ▪ …": a closing bracket may end the cue, and any common bullet start an item.
    while (at >= 0 && !/^[】\]」』)）]?[\s:：？?]*(?:$|[\n1-9①-⑨•·▪▫■□●○◆◇►▶➤\-“"「])/.test(text.slice(at + c.length)) && !/^[\s]*[:：]/.test(text.slice(at + c.length))) at = text.indexOf(c, at + 1);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

function splitItems(block: string): string[] {
  const quoted = [...block.matchAll(/[“「『"]([^”」』"]{2,30})[”」』"]/g)].map((m) => m[1]);
  if (quoted.length >= 2) return quoted;
  return block
    .replace(/^[^：:\n]*[：:]/, '')
    .split(/[\n；;、|｜/]|(?:^|\s)[1-9][.、)）]|[①②③④⑤⑥⑦⑧⑨]/)
    .map((s) => s.replace(/[，,。？?]+$/, '').trim())
    .filter((s) => s.length >= 2);
}

export function analyseReply(reply: BotReply, input: AnalyseInput, ctx: GradeContext): ReplyAnalysis {
  const m = messagesFor(ctx);
  const turn = input.case.turns[input.turnIndex];
  const raw = reply.text ?? '';
  const text = plainText(raw);
  const markup = text !== raw.trim();
  const buttons = reply.buttons.map((b) => plainText(b)).filter((b) => b.trim() !== '');
  const transcribed = input.transcribed || reply.transcribed === true;
  const opts: MatchOptions = { locale: ctx.locale, transcribed, fuzzyThreshold: ctx.fuzzyThreshold };
  const index = topicIndex(ctx.packs.length ? ctx.packs : [input.pack], ctx.locale);
  const shape = shapeOf(text, buttons, ctx, transcribed);
  // Key points count in what the bot says, never in the related questions it offers after.
  const norm = normalise(shape.body, ctx.locale);
  const ownNorm = shape.ownNorm;
  // "如有其他问题，欢迎拨打客服热线" closing an answer is a courtesy, not the key point it happens to name.
  const body = withoutRestatement(withoutCourtesyTail(shape.body));
  const keyNorm = body === shape.body ? norm : normalise(body, ctx.locale);

  const hits: KeypointHit[] = [];
  /** The synonym that made each hit, normalised ('' for a miss). */
  const hitTerms: string[] = [];
  let hitWeight = 0;
  let totalWeight = 0;
  let ownEvidence = 0;
  let specificWeight = 0;
  let substantive = false;
  let ownHits = 0;
  for (const kp of turn?.expect.keypoints ?? []) {
    const p = prepareKeypoint(kp, ctx.locale);
    totalWeight += p.weight;
    const hit = keyNorm ? matchAnyTerm(keyNorm, p.any, opts) : null;
    const allOk = hit !== null && p.all.every((t) => matchAnyTerm(keyNorm, [t], opts) !== null);
    if (hit && allOk) {
      hits.push({ id: p.id, weight: p.weight, hit: true, how: hit.how, matched: hit.matched });
      hitWeight += p.weight;
      const term = prepareTerm(hit.term, ctx.locale);
      // A fuzzy or sound hit's words are a window of the (normalised) reply.
      hitTerms.push(hit.how === 'synonym' ? term.norm : hit.matched);
      const spec = Math.max(bestSpecificity(norm, p.any, index), termSpecificity(index, term));
      ownEvidence += spec * Math.min(p.weight, 2);
      if (spec >= SPECIFIC) specificWeight += p.weight;
      const serviceOnly = isServiceWord(term.norm);
      if (!serviceOnly) substantive = true;
      if (!serviceOnly && ownNorm && (ownNorm === norm || matchAnyTerm(ownNorm, p.any, opts))) ownHits++;
    } else {
      hits.push({ id: p.id, weight: p.weight, hit: false });
      hitTerms.push('');
    }
  }
  // What the reply is about counts every word; what it states leaves out the question's words borrowed by another claim.
  const statedWeight = turn ? hitWeight - dropBorrowed(hits, hitTerms, turn, body, keyNorm, opts, ctx) : hitWeight;
  const anyHit = hitWeight > 0;
  const forbidHits = forbiddenIn(norm, turn?.expect.forbid ?? [], ctx);
  const base = { norm, hits, hitWeight: statedWeight, totalWeight, forbidHits, related: shape.related, markup };
  const phrases = localePhrases(ctx.locale);

  if (normalise(text, ctx.locale) === '' && buttons.length < 2) {
    return { ...base, kind: 'silence', topic: null, why: m.silence };
  }
  const ownLen = [...ownNorm].length;
  const fallbackPhrase = findPhrase(ownNorm, phrases.fallback, transcribed);
  // What the bot says of its own is an answer: it makes a key point, or it is
  // a statement of some length that asks the customer to pick nothing.
  const choiceQuestion = CHOICE_QUESTION.test(shape.own.trim()) && ownHits === 0;
  const answers = !fallbackPhrase && ((ownHits > 0 && ownLen >= 4) || (ownLen >= ANSWER_MIN_CHARS && !choiceQuestion));

  // Where a handoff is expected the phrase is the handoff (its key points name
  // it too); elsewhere "如需人工服务请转人工" after an answer is still an answer.
  const handoffExpected = turn?.expect.handoff === 'require' || turn?.expect.handoff === 'accept';
  // Where no transfer is asked for, "人工客服服务时间为…" answers some question about the agents: it transfers nobody.
  const agentHoursOnly = !handoffExpected && shape.handoffPhrase !== undefined && !findPhrase(withoutAgentHours(norm), phrases.handoff, transcribed);
  const handoff = reply.handoff || (shape.handoffPhrase && !agentHoursOnly && (handoffExpected || !(answers && ownHits > 0) || ownLen < ANSWER_MIN_CHARS));
  const asHandoff = (): ReplyAnalysis => ({ ...base, kind: 'handoff', topic: null, why: reply.handoff ? m.handedOver : m.handoffPhrase(shape.handoffPhrase!) });
  // A statement of the bot's own that makes none of the key points, then the
  // offer of an agent: if the statement answers another question, that is what
  // the reply does ("开户不收费哦……可以联系人工客服"); otherwise the transfer is its act.
  // The statement must stand in sentences of its own: "为了办理挂失业务，正在为您转接" is one act, a transfer.
  const statement = () =>
    shape.body
      .split(SENTENCE)
      .filter((x) => !findPhrase(normalise(x, ctx.locale), phrases.handoff, transcribed))
      .reduce((a, x) => a + [...normalise(x, ctx.locale)].length, 0) >= ANSWER_MIN_CHARS;
  if (handoff && !(reply.handoff !== true && answers && ownLen >= ANSWER_MIN_CHARS && statement())) return asHandoff();
  const rest = classify();
  // Only an answer to another question outweighs the transfer: a statement that makes another
  // scenario's key points, or one in sentences of its own that misses this question's focus
  // ("开户不收费哦……可以联系人工客服"). A lead-in ("关于开户的问题，正在为您转接") or a courtesy does not.
  return handoff && !(rest.kind === 'off-topic' && (rest.topic?.pack || (turn?.expect.handoff !== 'require' && statement()))) ? asHandoff() : rest;

  function classify(): ReplyAnalysis {
  const menu = shape.options.length >= 2;
  if ((shape.clarifyPhrase || menu) && !answers) {
    const why = shape.clarifyPhrase
      ? m.clarifyPhrase(shape.clarifyPhrase)
      : buttons.length >= 2 && shape.options.length === buttons.length
        ? m.menuOf(buttons.length, buttons)
        : menu
          ? m.menuOf(shape.options.length, shape.options)
          : m.numberedMenu;
    // Guesses that all miss the question are a wrong answer, not a question back.
    const focus = turnFocus(input.pack, input.case, input.turnIndex, ctx.packs, ctx.locale);
    const optionsMiss = menu && !shape.options.some((o) => optionAddresses(normalise(o, ctx.locale), focus, input.pack, input.case, input.turnIndex, ctx.packs, ctx.locale, transcribed));
    return { ...base, kind: 'clarify', topic: null, why, optionsMiss };
  }
  const whenWords = input.case.replies.flatMap((r) => r.when).map((w) => normalise(w, ctx.locale));
  const asked = [...whenWords, ...dataWords].filter((w) => w && norm.includes(w));
  // An ask, not a mention: "请提供您的卡号", "您在哪个城市？" — never "您的卡号已挂失".
  // A forbidden statement before the ask ("配偶可以查询，请提供卡号") answers, wrongly: it is graded as an answer.
  if (asked.length && !forbidHits.length && (askCueIn(norm, ctx.locale) || /[?？]/.test(shape.body))) {
    // "身份证号" contains 身份证: a request for data is not the key point it spells.
    const own = hits.filter((h) => h.hit && !asked.some((w) => h.matched && w.includes(normalise(h.matched, ctx.locale))));
    const ownShare = totalWeight > 0 ? own.reduce((a, h) => a + h.weight, 0) / totalWeight : 0;
    if (ownShare < 0.5) {
      const kept = hits.map((h) => (h.hit && !own.includes(h) ? { id: h.id, weight: h.weight, hit: false } : h));
      const keptWeight = own.reduce((a, h) => a + h.weight, 0);
      return { ...base, hits: kept, hitWeight: keptWeight, kind: 'ask-data', topic: null, why: m.asksData(asked[0]) };
    }
  }
  // "抱歉，我没有理解" makes an apology key point, and is still a fallback.
  const fb = fallbackVerdict(shape.body, substantive, ctx, transcribed);
  if (fb.fallback) return { ...base, kind: 'fallback', topic: null, why: fb.reason ?? m.emptyReply };

  // Wrong information about this very topic is still about this topic.
  if (forbidHits.length) ownEvidence += 1;
  const specificShare = totalWeight > 0 ? specificWeight / totalWeight : 0;
  // The offer of an agent at the end says nothing about which question the statement answers.
  const topicNorm = shape.handoffPhrase && ownNorm ? ownNorm : norm;
  // The answer to a picked option is read with the pick: "开立借记卡请带身份证…" after "借记卡开户" answers opening.
  const topic = topicVerdict(input.picked ? normalise(input.picked, ctx.locale) + topicNorm : topicNorm, input.pack, specificShare, ownEvidence, ctx.packs, ctx.locale);
  if (topic.offTopic) {
    return { ...base, kind: 'off-topic', topic, why: m.offTopic(topic.pack!, (topic.terms ?? []).slice(0, 4)) };
  }
  // The question's focus: a reply that shares only generic words with the key
  // points (身份证, 网点, 手机银行) answers some other question.
  const focus = turnFocus(input.pack, input.case, input.turnIndex, ctx.packs, ctx.locale);
  const heldToFocus = !focus.followUp && !input.picked;
  // 网点 or 身份证 in the reply does not address a question whose focus they are among others.
  const named = { ...focus, words: focus.specificWords ?? focus.words };
  // A forbidden statement is wrong information about this very question: it addresses it.
  if (focus.words.length && heldToFocus && !forbidHits.length && !addressesFocus(norm, named, input.pack, ctx.packs, ctx.locale, transcribed)) {
    const share = totalWeight > 0 ? hitWeight / totalWeight : 0;
    // Off the focus and on another scenario's specific words: the answer to another question.
    // Another scenario's name or question words, or a product nobody asked about.
    const elsewhere = [
      ...otherScenarioNames(topicNorm, input.pack, ctx.packs, ctx.locale),
      ...otherFocusIn(topicNorm, input.pack, ctx.packs, ctx.locale),
      ...foreignProducts(topicNorm, input.case, input.turnIndex, input.pack, ctx.locale),
      ...otherBusinesses(topicNorm, input.pack, input.case, input.turnIndex, ctx.packs, ctx.locale),
    ];
    // Another scenario's specific words count when the reply speaks of its own scenario less than of others.
    const other = topic.other > topic.own ? (topic.anyOther ?? 0) : 0;
    if ((specificShare === 0 && (focus.explicit || other >= 1)) || (elsewhere.length && (share < 1 || specificShare === 0))) {
      return { ...base, kind: 'off-topic', topic: { ...topic, offTopic: true }, why: m.offFocus(focus.words.slice(0, 4)) };
    }
  }
  // Another case of the same pack: a reply that speaks of that question's own
  // words far more than of this one's, and makes few of this turn's key
  // points, answers the neighbouring question ("开户要带什么" for "朋友能代办吗").
  // Key points made only in the neighbour's words ("手机银行" in an answer about a lost phone) are its, not this turn's.
  if (heldToFocus && !forbidHits.length && 3 * specificWeight < totalWeight) {
    const sibling = siblingCaseIn(topicNorm, focus);
    const ownWeight = (named: string[]) => hits.reduce((a, h) => (h.hit && !named.some((w) => w.includes(normalise(h.matched ?? '', ctx.locale))) ? a + h.weight : a), 0);
    if (sibling && sibling.other >= SIBLING_MIN && sibling.named.length >= 3 && sibling.other >= SIBLING_RATIO * sibling.own && 3 * ownWeight(sibling.named) < totalWeight) {
      return { ...base, kind: 'off-topic', topic: { ...topic, offTopic: true }, why: m.otherCase(sibling.case, sibling.named.slice(0, 4)) };
    }
  }
  // The reply's subject is a business the question never names, and no key point is made in words of its own.
  // A product the question never names in the subject outweighs a key point's word met by chance.
  // A follow-up lives in its case's context, which the subject is read against too.
  if (!input.picked && !forbidHits.length) {
    const { products, others } = foreignSubject(shape.own || text, input.pack, input.case, input.turnIndex, focus, ctx.packs, ctx.locale);
    const foreign = products.length ? products : specificShare === 0 && heldToFocus ? others : [];
    if (foreign.length) return { ...base, kind: 'off-topic', topic: { ...topic, offTopic: true }, why: m.otherSubject(foreign.slice(0, 4)) };
    // The first sentence opens on a business the question never names, and on nothing it asks about.
    const opening = foreignOpening(shape.own || text, shape.own ? ownNorm : norm, input.pack, input.case, input.turnIndex, ctx.packs, ctx.locale);
    if (opening.length) return { ...base, kind: 'off-topic', topic: { ...topic, offTopic: true }, why: m.otherSubject(opening.slice(0, 4)) };
    // The first sentence does to the question's object an act it never asks for, and none it does ask for.
    const acts = heldToFocus ? foreignActs(shape.own || text, input.pack, input.case, input.turnIndex, ctx.locale) : [];
    if (acts.length) return { ...base, kind: 'off-topic', topic: { ...topic, offTopic: true }, why: m.otherSubject(acts) };
  }
  // A product nobody asked about, and none of the key points: an answer about that product.
  const products = hitWeight === 0 ? foreignProducts(topicNorm, input.case, input.turnIndex, input.pack, ctx.locale) : [];
  if (products.length) return { ...base, kind: 'off-topic', topic: { ...topic, offTopic: true }, why: m.foreignProduct(products) };
  // None of this turn's key points, and words of another scenario: the answer to that other question.
  if (hitWeight === 0 && !forbidHits.length && heldToFocus && totalWeight > 0) {
    const elsewhere = [
      ...otherScenarioNames(topicNorm, input.pack, ctx.packs, ctx.locale),
      ...otherFocusIn(topicNorm, input.pack, ctx.packs, ctx.locale),
      ...otherBusinesses(topicNorm, input.pack, input.case, input.turnIndex, ctx.packs, ctx.locale),
    ];
    if (elsewhere.length || (topic.otherSpecific ?? 0) >= 1) {
      return { ...base, kind: 'off-topic', topic: { ...topic, offTopic: true }, why: m.elsewhere((elsewhere.length ? elsewhere : (topic.terms ?? [])).slice(0, 4)) };
    }
  }
  // Courtesies alone ("抱歉给您带来不便，请问您遇到了什么问题？") address nothing.
  if (topic.unrelated && totalWeight > 0 && !substantive) {
    return { ...base, kind: 'fallback', topic, why: m.unrelated(clip(text)) };
  }
  return { ...base, kind: 'on-topic', topic, why: m.onTopic(anyHit) };
  }
}
