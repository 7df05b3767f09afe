import type { Keypoint, Locale, Pack } from '../config/scenario.ts';
import { findSyllables, prepareKeypoint, readingsOf, replySyllablesOf, type PreparedKeypoint, type PreparedTerm } from './match.ts';
import { normalise } from './normalise.ts';
import { isEverydayWord, mentions, segment } from './seg.ts';
import { finderFor, holdersOf, occurring, TermFinder } from './terms.ts';

// Which scenario does a reply answer? Every pack's key points (de-duplicated
// by text) vote, each synonym weighted by how specific it is: a word used by
// n packs counts 1/n, so 身份证 or 网点 alone never moves a reply elsewhere.

interface PackTopic {
  id: string;
  /** Packs on the same scenario share a cluster: they never make each other's answers off topic. */
  cluster: number;
  name: string;
  keypoints: PreparedKeypoint[];
  /** Every normalised synonym of the pack: its vocabulary. */
  vocabulary: string[];
  /** Its key points' texts, normalised. */
  statements: string[];
}

interface TopicIndex {
  packs: PackTopic[];
  /** Normalised synonym → 1 / number of scenarios using it. */
  specificity: Map<string, number>;
  /** Each scenario's text (names, intents, questions, key points), normalised: for term weights. */
  clusterText: string[];
}

export interface PackEvidence {
  pack: string;
  score: number;
  /** How many of its key points the reply makes. */
  keypoints: number;
  /** How many distinct specific words (used by at most two packs) it matched. */
  specific: number;
  /** Those specific words, normalised. */
  specificWords: string[];
  /** The synonyms that voted, most specific first. */
  terms: string[];
}

const indexCache = new WeakMap<Pack[], WeakMap<Locale, TopicIndex>>();

function packKeypoints(pack: Pack): Keypoint[] {
  const seen = new Set<string>();
  const out: Keypoint[] = [];
  const add = (kp: Keypoint) => {
    const key = kp.text.trim();
    if (seen.has(key)) return;
    seen.add(key);
    out.push(kp);
  };
  for (const c of pack.cases) for (const t of c.turns) for (const kp of t.expect.keypoints) add(kp);
  // The scenario's own name is evidence too ("注销/销户", "余额查询" → 余额).
  if (nameTerms(pack.name).length) add({ id: 'scenario-name', text: `scenario ${pack.name}`, any: nameTerms(pack.name), weight: 1 });
  return out;
}

/**
 * Words every service reply uses: they make a key point when a turn lists
 * them (an apology is an apology) but say nothing about which scenario a
 * reply answers.
 */
const serviceWords = new Set(['咨询', '感谢', '谢谢', '抱歉', '对不起', '不便', '您好', '办理', '查询', '服务', '客服', '帮您', '请问', '信息', '申请', '提交', '设置', '选择', '收到', '记录', '理解', '为准', '尽快', '及时', '回复', '联系', '稍候', '请稍等']);

export function isServiceWord(norm: string): boolean {
  return serviceWords.has(norm);
}

/** "注销/销户" → 注销, 销户; "余额查询" → 余额查询, 余额; "卡挂失" → 卡挂失, 挂失. */
export function nameTerms(name: string): string[] {
  const out = new Set<string>();
  for (const part of name.split(/[\/、,，\s与和及]+/)) {
    if ([...part].length < 2) continue;
    out.add(part);
    const core = part.replace(/^卡/, '').replace(/(查询|咨询|办理)$/, '');
    if ([...core].length >= 2 && !serviceWords.has(core)) out.add(core);
  }
  return [...out];
}

/**
 * Packs on the same scenario: the same intent id, or a scenario name that
 * shares a specific word ("卡挂失" and "银行卡挂失"). Returns a cluster number per pack.
 */
function clusters(packs: Pack[]): number[] {
  const out: number[] = [];
  const names = packs.map((p) => new Set(nameTerms(p.name).map((t) => t.replace(/^(银行卡|银行|账户|个人)/, '')).filter((t) => [...t].length >= 2)));
  packs.forEach((p, i) => {
    const j = packs.findIndex((q, k) => k < i && (q.intent.id === p.intent.id || [...names[k]].some((t) => names[i].has(t))));
    out.push(j >= 0 ? out[j] : i);
  });
  return out;
}

export function topicIndex(packs: Pack[], locale: Locale): TopicIndex {
  let byLocale = indexCache.get(packs);
  if (!byLocale) indexCache.set(packs, (byLocale = new WeakMap()));
  let index = byLocale.get(locale);
  if (index) return index;
  const cluster = clusters(packs);
  const users = new Map<string, Set<number>>();
  const texts = new Map<number, string[]>();
  const topics: PackTopic[] = packs.map((pack, i) => {
    const keypoints = packKeypoints(pack).map((kp) => prepareKeypoint(kp, locale));
    for (const kp of keypoints) {
      for (const t of [...kp.any, ...kp.all]) {
        let s = users.get(t.norm);
        if (!s) users.set(t.norm, (s = new Set()));
        s.add(cluster[i]);
      }
    }
    const said = [pack.name, pack.intent.description, ...pack.cases.flatMap((c) => c.turns.flatMap((t) => [t.say, ...t.paraphrases, ...t.expect.keypoints.map((k) => k.text)]))];
    const list = texts.get(cluster[i]) ?? [];
    list.push(...said.map((x) => normalise(x, locale)), ...keypoints.flatMap((kp) => kp.any.map((t) => t.norm)));
    texts.set(cluster[i], list);
    const vocabulary = [...new Set(keypoints.flatMap((kp) => [...kp.any, ...kp.all].map((t) => t.norm)))].filter((n) => !serviceWords.has(n));
    const statements = [...new Set(keypoints.map((kp) => normalise(kp.text, locale)))];
    return { id: pack.id, name: pack.name, cluster: cluster[i], keypoints, vocabulary, statements };
  });
  const specificity = new Map<string, number>();
  for (const [norm, s] of users) specificity.set(norm, serviceWords.has(norm) ? 0 : 1 / s.size);
  index = { packs: topics, specificity, clusterText: [...texts.values()].map((l) => l.join('|')) };
  byLocale.set(locale, index);
  return index;
}

export function termSpecificity(index: TopicIndex, term: PreparedTerm): number {
  return index.specificity.get(term.norm) ?? 1;
}

/** The most specific of a key point's synonyms found in the reply (0 when none is). */
export function bestSpecificity(replyNorm: string, terms: PreparedTerm[], index: TopicIndex): number {
  let best = 0;
  for (const t of terms) if (replyNorm.includes(t.norm)) best = Math.max(best, termSpecificity(index, t));
  return best;
}

/** Substring evidence for each pack (fast: no fuzzy or pinyin for the other packs). */
// The same reply is read several times (live by the driver, then by the
// grader): remember the latest verdicts per pack set.
const evidenceCache = new WeakMap<Pack[], Map<string, PackEvidence[]>>();
const EVIDENCE_CACHE_SIZE = 4096;

export function packEvidence(replyNorm: string, packs: Pack[], locale: Locale): PackEvidence[] {
  let cache = evidenceCache.get(packs);
  if (!cache) evidenceCache.set(packs, (cache = new Map()));
  const hit = cache.get(replyNorm);
  if (hit) return hit;
  const result = computePackEvidence(replyNorm, packs, locale);
  if (cache.size >= EVIDENCE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(replyNorm, result);
  return result;
}

/** Evidence by the synonyms a reply holds, per index. */
const evidenceByWords = new WeakMap<TopicIndex, Map<string, PackEvidence[]>>();

function computePackEvidence(replyNorm: string, packs: Pack[], locale: Locale): PackEvidence[] {
  const index = topicIndex(packs, locale);
  const present = finderFor(index, () => index.packs.flatMap((p) => p.keypoints.flatMap((kp) => [...kp.any, ...kp.all].map((t) => t.norm)))).find(replyNorm);
  // The evidence depends on which synonyms the reply holds and nothing else of
  // it: replies that hold the same ones (one answer told for each city) share it.
  let byWords = evidenceByWords.get(index);
  if (!byWords) evidenceByWords.set(index, (byWords = new Map()));
  // Normalised synonyms hold no line breaks.
  const key = [...present].sort().join('\n');
  let result = byWords.get(key);
  if (!result) {
    result = evidenceOf(present, index);
    if (byWords.size >= EVIDENCE_CACHE_SIZE) byWords.delete(byWords.keys().next().value!);
    byWords.set(key, result);
  }
  return result;
}

/** Each pack's evidence from the synonyms found in a reply, strongest first. */
function evidenceOf(present: Set<string>, index: TopicIndex): PackEvidence[] {
  const touched = holdersOf(index, () => index.packs.flatMap((p) => p.keypoints.flatMap((kp) => kp.any.map((t) => [t.norm, kp] as const))), present);
  // The touched key points of each pack, in the pack's order: a reply touches a few of hundreds.
  const places = keypointPlaces(index);
  const byPack: Array<number[] | undefined> = [];
  for (const kp of touched) for (const [pack, at] of places.get(kp)?.owners ?? []) (byPack[pack] ??= []).push(at);
  // Each touched key point's voting synonyms found in the reply, as places in its list: read from
  // the few words found, not by testing every synonym of every touched key point.
  const foundAt = new Map<PreparedKeypoint, number[]>();
  const voters = keypointVoters(index);
  for (const norm of present) {
    for (const [kp, place] of voters.get(norm) ?? []) {
      const list = foundAt.get(kp);
      if (list) list.push(place);
      else foundAt.set(kp, [place]);
    }
  }
  const out: PackEvidence[] = [];
  for (let i = 0; i < index.packs.length; i++) {
    const p = index.packs[i];
    const at = byPack[i];
    if (!at) {
      out.push({ pack: p.id, score: 0, keypoints: 0, specific: 0, specificWords: [], terms: [] });
      continue;
    }
    at.sort((a, b) => a - b);
    // Each distinct word votes once per pack, however many key points list it:
    // 手机银行 in ten key points is still one generic word.
    const words = new Map<string, { text: string; spec: number; weight: number }>();
    let keypoints = 0;
    for (const k of at) {
      const kp = p.keypoints[k];
      const inList = foundAt.get(kp);
      if (!inList || kp.all.some((t) => !present.has(t.norm))) continue;
      // In the order of the key point's list, as a filter of it would give them.
      const voting = places.get(kp)!.voting;
      const found = inList.length === 1 ? [voting[inList[0]]] : inList.sort((a, b) => a - b).map((i) => voting[i]);
      keypoints++;
      for (const t of found) {
        const w = words.get(t.norm);
        const weight = Math.min(kp.weight, 2);
        if (!w) words.set(t.norm, { text: t.text, spec: termSpecificity(index, t), weight });
        else w.weight = Math.max(w.weight, weight);
      }
    }
    // A word inside a longer matched word ("挂失" in "临时挂失") adds nothing of its own.
    const norms = [...words.keys()];
    for (const n of norms) if (norms.some((o) => o !== n && o.includes(n))) words.delete(n);
    const list = [...words.values()].sort((a, b) => b.spec - a.spec);
    // Generic words count half: many of them add up without naming a topic.
    const score = list.reduce((a, w) => a + w.spec * w.weight * (w.spec >= SPECIFIC ? 1 : 0.5), 0);
    const specificWords = [...words].filter(([, w]) => w.spec >= SPECIFIC).map(([n]) => n);
    out.push({ pack: p.id, score, keypoints, specific: specificWords.length, specificWords, terms: list.map((w) => w.text) });
  }
  return out.sort((a, b) => b.score - a.score);
}

interface KeypointPlace {
  /** Each pack that lists the key point, and its place there. */
  owners: Array<[pack: number, at: number]>;
  /** Its synonyms that say something of a scenario (not service words). */
  voting: PreparedTerm[];
}

const placesCache = new WeakMap<TopicIndex, Map<PreparedKeypoint, KeypointPlace>>();

/** Where each key point of the index sits, and which of its synonyms vote: read once per index. */
function keypointPlaces(index: TopicIndex): Map<PreparedKeypoint, KeypointPlace> {
  let places = placesCache.get(index);
  if (!places) {
    const table = new Map<PreparedKeypoint, KeypointPlace>();
    index.packs.forEach((p, i) =>
      p.keypoints.forEach((kp, at) => {
        const place = table.get(kp);
        if (place) place.owners.push([i, at]);
        else table.set(kp, { owners: [[i, at]], voting: kp.any.filter((t) => termSpecificity(index, t) > 0) });
      }),
    );
    placesCache.set(index, (places = table));
  }
  return places;
}

const votersCache = new WeakMap<TopicIndex, Map<string, Array<[PreparedKeypoint, number]>>>();

/** Normalised synonym → each key point whose voting synonyms hold it, and its place there: read once per index. */
function keypointVoters(index: TopicIndex): Map<string, Array<[PreparedKeypoint, number]>> {
  let voters = votersCache.get(index);
  if (!voters) {
    voters = new Map();
    for (const [kp, place] of keypointPlaces(index)) {
      place.voting.forEach((t, i) => {
        const list = voters!.get(t.norm);
        if (list) list.push([kp, i]);
        else voters!.set(t.norm, [[kp, i]]);
      });
    }
    votersCache.set(index, voters);
  }
  return voters;
}

interface Scenario {
  sameScenario: Set<string>;
  /** Does a word contain, or sit inside, a word of the own vocabulary (read once per word). */
  shared: (w: string) => boolean;
}

const scenarioCache = new WeakMap<TopicIndex, Map<string, Scenario>>();

/** The packs on the same scenario as a pack, and their vocabulary (once per pack set). */
function scenarioOf(index: TopicIndex, packId: string): Scenario {
  let byPack = scenarioCache.get(index);
  if (!byPack) scenarioCache.set(index, (byPack = new Map()));
  let s = byPack.get(packId);
  if (!s) {
    const ownCluster = index.packs.find((p) => p.id === packId)?.cluster;
    const same = index.packs.filter((p) => p.cluster === ownCluster);
    const ownVocabulary = [...new Set(same.flatMap((p) => p.vocabulary))];
    // What the own key points state in their own words ("Ⅰ类户需本人到网点…" in opening) is the scenario's talk too.
    const ownStatements = same.flatMap((p) => p.statements).join('|');
    const seen = new Map<string, boolean>();
    const shared = (w: string) => {
      let v = seen.get(w);
      if (v === undefined) seen.set(w, (v = ownVocabulary.some((o) => o.includes(w) || w.includes(o)) || ownStatements.includes(w)));
      return v;
    };
    s = { sameScenario: new Set(same.map((p) => p.id)), shared };
    byPack.set(packId, s);
  }
  return s;
}

export interface TopicVerdict {
  /** The reply answers another pack's question. */
  offTopic: boolean;
  /** That pack, when off topic. */
  pack?: string;
  /** Its matched synonyms, for the reason. */
  terms?: string[];
  /** Evidence for the reply's own scenario (its pack plus its turn's hits). */
  own: number;
  /** Evidence for the strongest other scenario. */
  other: number;
  /** Nothing in the reply speaks of its own scenario (and it is not clearly another's). */
  unrelated: boolean;
  /** Specific words of the strongest other scenario that the own scenario does not use. */
  otherSpecific?: number;
  /** The most such words any other scenario has in the reply. */
  anyOther?: number;
}

const MIN_OTHER = 1;
const CLEARLY = 2;
/** A word used by at most two packs says something about the topic. */
export const SPECIFIC = 0.5;

/**
 * Off topic when another pack's key points are clearly (×2) better matched
 * than the reply's own, with at least two of its specific words that are not
 * the own scenario's vocabulary too, and none of the own turn's key points is
 * made with a specific word — 手机银行 or 柜台 alone do not make a card-loss
 * answer, but 12378 in an answer about escalating a complaint does address
 * the question.
 */
export function topicVerdict(
  replyNorm: string,
  ownPack: Pack,
  ownSpecificShare: number,
  ownTurnEvidence: number,
  packs: Pack[],
  locale: Locale,
): TopicVerdict {
  const all = packs.includes(ownPack) ? packs : [...packs, ownPack];
  const evidence = packEvidence(replyNorm, all, locale);
  const index = topicIndex(all, locale);
  const { sameScenario, shared } = scenarioOf(index, ownPack.id);
  // A pack on the same scenario speaks for the reply's own topic.
  const mine = evidence.filter((e) => sameScenario.has(e.pack)).sort((a, b) => b.score - a.score)[0];
  const own = Math.max(mine?.score ?? 0, ownTurnEvidence);
  const best = evidence.find((e) => !sameScenario.has(e.pack));
  const other = best?.score ?? 0;
  const unrelated = own === 0;
  const foreign = (e: PackEvidence) => e.specificWords.filter((w) => !shared(w)).length;
  const theirs = best ? foreign(best) : 0;
  // Specific words of any other scenario, not only the strongest one's.
  const anyOther = Math.max(0, ...evidence.filter((e) => !sameScenario.has(e.pack)).map(foreign));
  if (!best || ownSpecificShare > 0 || other < MIN_OTHER || other <= CLEARLY * own) {
    return { offTopic: false, own, other, unrelated, otherSpecific: theirs, anyOther };
  }
  // A word that contains or sits inside the own scenario's vocabulary ("当地网点"
  // and 网点, "收费" and 收费标准) is shared talk, not a sign of another topic.
  // One stray word is not an answer: two specific words, or one with twice the
  // evidence when nothing specific speaks for the own scenario.
  const enough = theirs >= 2 || (theirs === 1 && (mine?.specific ?? 0) === 0 && other >= 2 * MIN_OTHER);
  return enough ? { offTopic: true, pack: best.pack, terms: best.terms, own, other, unrelated, otherSpecific: theirs, anyOther } : { offTopic: false, own, other, unrelated, otherSpecific: theirs, anyOther };
}

// The question's focus: the words that say what this turn is about — the
// researcher's `focus:` list, else the words of the question, its key points
// and the pack's name and intent that few scenarios use (term weights across
// every loaded pack). A reply must name one of them, or make a key point with
// a specific word, to address the question.

export interface Focus {
  words: string[];
  /** The focus words few scenarios use: 网点 or 身份证 in a reply says nothing of which question it answers. */
  specificWords?: string[];
  explicit: boolean;
  /** A follow-up turn ("收费吗？") lives in the context the first turn set: its answers are not held to it. */
  followUp?: boolean;
  /**
   * What sets this case apart from the other cases of its pack (word → idf
   * over the pack's cases), and the same for each other case: read only for
   * a reply that misses the turn's key points, so made on first use.
   */
  cases?: () => CaseTerms;
}

/** Question words and courtesies: never the focus. */
const stopWords = new Set(['怎么', '怎么办', '如何', '怎样', '为什么', '为啥', '咋办', '咋整', '可以', '什么', '需要', '我的', '请问', '你们', '银行', '一下', '哪些', '哪里', '多久', '多少', '是否', '能否', '能不能', '是不是', '可不可以', '要求', '流程', '手续', '问题', '情况', '需要', '之前', '以后', '之后', '现在', '已经', '还是', '还有', '这个', '那个', '自己', '本人']);

const focusCache = new WeakMap<Pack[], WeakMap<object, Focus>>();

export function turnFocus(pack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, packs: Pack[], locale: Locale): Focus {
  const turn = scenarioCase.turns[turnIndex];
  if (!turn) return { words: [], explicit: false };
  const all = packs.length ? packs : [pack];
  let byTurn = focusCache.get(all);
  if (!byTurn) focusCache.set(all, (byTurn = new WeakMap()));
  let f = byTurn.get(turn);
  if (f) return f;
  if (turn.focus?.length) {
    f = { words: [...new Set(turn.focus.map((w) => normalise(w, locale)).filter(Boolean))], explicit: true };
  } else {
    const index = topicIndex(all.includes(pack) ? all : [...all, pack], locale);
    const n = index.clusterText.length;
    const maxDf = n >= 6 ? 2 : 1;
    const df = (w: string) => clusterFrequency(index, w);
    const candidates = new Set<string>();
    const { said, names } = packFocusWords(pack, locale);
    // What the question asks persists across its wordings; the story around it is told once.
    for (const w of askedWords(turn, locale)) candidates.add(w);
    for (const w of said) candidates.add(w);
    for (const kp of turn.expect.keypoints) for (const a of kp.any) candidates.add(normalise(a, locale));
    const usable = [...candidates].filter((w) => [...w].length >= 2 && !stopWords.has(w) && !serviceWords.has(w) && !/^[0-9a-z ]+$/.test(w));
    // The scenario's name always; then words only this scenario uses, or when there are none, those of at most two.
    let words = usable.filter((w) => df(w) <= 1);
    if (!words.length) words = usable.filter((w) => df(w) <= maxDf);
    words = [...new Set([...names, ...words])];
    f = { words, explicit: false, followUp: turnIndex > 0 };
  }
  const index = topicIndex(all.includes(pack) ? all : [...all, pack], locale);
  const specificWords = f.words.filter((w) => (index.specificity.get(w) ?? 1) >= SPECIFIC);
  let terms: CaseTerms | undefined;
  Object.assign(f, { specificWords: specificWords.length ? specificWords : f.words, cases: () => (terms ??= caseTerms(pack, scenarioCase, turnIndex, locale)) });
  byTurn.set(turn, f);
  return f;
}

const packFocusCache = new WeakMap<Locale, WeakMap<Pack, { said: string[]; names: string[] }>>();

/**
 * What the pack says of every one of its questions, read once per pack: the
 * words of its name and intent and its name's terms (candidates of a focus,
 * in that order), and its name's words (always in the focus).
 */
function packFocusWords(pack: Pack, locale: Locale): { said: string[]; names: string[] } {
  let byPack = packFocusCache.get(locale);
  if (!byPack) packFocusCache.set(locale, (byPack = new WeakMap()));
  let w = byPack.get(pack);
  if (!w) {
    const terms = nameTerms(pack.name);
    const nameWords = segment(normalise(pack.name, locale)).words;
    const said = [...nameWords, ...segment(normalise(pack.intent.description, locale)).words, ...terms.map((t) => normalise(t, locale))];
    const names = [...terms, ...nameWords].map((t) => normalise(t, locale)).filter((t) => [...t].length >= 2 && !serviceWords.has(t));
    byPack.set(pack, (w = { said, names }));
  }
  return w;
}

/** How many scenarios' texts use a word: read once per word and pack set. */
const clusterFrequencies = new WeakMap<TopicIndex, Map<string, number>>();
/** The counts depend on the scenarios' texts alone: packs loaded again (each run in one process loads its own) find them by those texts. */
const frequenciesByText = new Map<string, Map<string, number>>();
const TEXTS_KEPT = 4;

/** How many scenarios' texts of the index use the word. */
export function clusterFrequency(index: TopicIndex, w: string): number {
  let byWord = clusterFrequencies.get(index);
  if (!byWord) {
    const texts = JSON.stringify(index.clusterText);
    byWord = frequenciesByText.get(texts);
    if (!byWord) {
      if (frequenciesByText.size >= TEXTS_KEPT) frequenciesByText.delete(frequenciesByText.keys().next().value!);
      frequenciesByText.set(texts, (byWord = new Map()));
    }
    clusterFrequencies.set(index, byWord);
  }
  let n = byWord.get(w);
  if (n === undefined) byWord.set(w, (n = index.clusterText.reduce((a, t) => a + (t.includes(w) ? 1 : 0), 0)));
  return n;
}

export type TurnLike = ScenarioCaseLike['turns'][number];

/** Per-turn word lists, segmented once per locale: a pack's questions are read for every reply. */
function perTurn<T>(cache: WeakMap<Locale, WeakMap<object, T>>, turn: TurnLike, locale: Locale, make: () => T): T {
  let byTurn = cache.get(locale);
  if (!byTurn) cache.set(locale, (byTurn = new WeakMap()));
  let v = byTurn.get(turn);
  if (v === undefined) byTurn.set(turn, (v = make()));
  return v;
}

const questionWordsCache = new WeakMap<Locale, WeakMap<object, Set<string>>>();

/** The words of one question of a case: what is asked, its key points and their synonyms. */
function questionWords(turn: TurnLike, locale: Locale): Set<string> {
  return perTurn(questionWordsCache, turn, locale, () => {
    // What is asked persists across the wordings of the question; the story
    // around it ("今天下午逛街的时候") is told once.
    const out = new Set<string>(askedWords(turn, locale));
    for (const text of turn.expect.keypoints.map((k) => k.text)) {
      for (const w of segment(normalise(text, locale)).words) out.add(w);
    }
    for (const kp of turn.expect.keypoints) for (const a of [...kp.any, ...(kp.all ?? [])]) out.add(normalise(a, locale));
    return new Set([...out].filter((w) => [...w].length >= 2 && !stopWords.has(w) && !serviceWords.has(w) && !isEverydayWord(w)));
  });
}

/**
 * A pack's cases as documents for term weights: each case's first question,
 * its words, how many cases use each word, and which cases hold a word — built
 * once per pack, so a turn's weights and a reply's sibling check never walk
 * every case of a large pack.
 */
interface CaseDocs {
  /** Each case's words as a set, and as a list in the set's order. */
  docs: Array<{ case: string; set: Set<string>; words: string[]; asked: string[] }>;
  /** Case object → its document. */
  at: Map<object, number>;
  /** Word → how many documents hold it. */
  df: Map<string, number>;
  /** Word → the documents that hold it, in pack order. */
  holders: Map<string, number[]>;
  finder: TermFinder;
}

const caseDocsCache = new WeakMap<Locale, WeakMap<Pack, CaseDocs>>();

function caseDocs(pack: Pack, locale: Locale): CaseDocs {
  let byPack = caseDocsCache.get(locale);
  if (!byPack) caseDocsCache.set(locale, (byPack = new WeakMap()));
  let d = byPack.get(pack);
  if (d) return d;
  d = { docs: [], at: new Map(), df: new Map(), holders: new Map(), finder: new TermFinder([]) };
  for (const c of pack.cases) {
    if (!c.turns[0]) continue;
    const i = d.docs.length;
    const set = questionWords(c.turns[0], locale);
    d.docs.push({ case: c.id, set, words: [...set], asked: askedWords(c.turns[0], locale) });
    d.at.set(c, i);
    for (const w of set) {
      d.df.set(w, (d.df.get(w) ?? 0) + 1);
      const list = d.holders.get(w);
      if (list) list.push(i);
      else d.holders.set(w, [i]);
    }
  }
  d.finder = new TermFinder(d.holders.keys());
  byPack.set(pack, d);
  return d;
}

/** The other cases of a pack as one turn weighs them (see caseTerms). */
export interface Siblings {
  docs: CaseDocs;
  /** The own case's document, -1 when the case is not one of the pack's. */
  own: number;
  /** A word's weight for this turn (idf over the own turn and the other cases' first questions). */
  weight: (w: string) => number;
  /** The own question in all its wordings, normalised. */
  told: string;
}

/**
 * Term weights of a pack's questions (tf-idf with the pack's cases as the
 * documents): a word every case uses (开户 in the account-opening pack) weighs
 * nothing; one only this case uses (代办) weighs most. The own turn against the
 * first question of every other case.
 */
interface CaseTerms {
  /** This turn's words → weight. */
  caseWords?: Map<string, number>;
  /** The other cases of the pack, weighed on demand. */
  siblings?: Siblings;
}

function caseTerms(pack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, locale: Locale): CaseTerms {
  const docs = caseDocs(pack, locale);
  const ownDoc = docs.at.get(scenarioCase) ?? -1;
  const others = docs.docs.length - (ownDoc >= 0 ? 1 : 0);
  if (!others) return {};
  const turn = scenarioCase.turns[turnIndex];
  const own = questionWords(turn, locale);
  const ownFirst = ownDoc >= 0 ? docs.docs[ownDoc].set : undefined;
  const n = others + 1;
  // Documents holding the word: the other cases' first questions, and this turn.
  const weights = new Map<string, number>();
  const weight = (w: string) => {
    let v = weights.get(w);
    if (v === undefined) weights.set(w, (v = Math.log(n / ((docs.df.get(w) ?? 0) - (ownFirst?.has(w) ? 1 : 0) + (own.has(w) ? 1 : 0)))));
    return v;
  };
  const caseWords = new Map([...own].map((w) => [w, weight(w)] as [string, number]).filter(([, v]) => v > 0));
  // "你们乱扣我卡里的钱，我要投诉" asks "我要投诉" too: answering how to complain answers it.
  const told = [turn.say, ...turn.paraphrases].map((t) => normalise(t, locale)).join('|');
  return { caseWords, siblings: { docs, own: ownDoc, weight, told } };
}

const askedWordsCache = new WeakMap<Locale, WeakMap<object, string[]>>();

/** The words every wording of a question repeats (what is asked, not the story around it). */
export function askedWords(turn: TurnLike, locale: Locale): string[] {
  return perTurn(askedWordsCache, turn, locale, () => {
    const told = new Map<string, number>();
    for (const text of [turn.say, ...turn.paraphrases]) {
      for (const w of new Set(segment(normalise(text, locale)).words)) told.set(w, (told.get(w) ?? 0) + 1);
    }
    const min = Math.min(2, 1 + turn.paraphrases.length);
    return [...told].filter(([w, n]) => n >= min && [...w].length >= 2 && !stopWords.has(w) && !serviceWords.has(w)).map(([w]) => w);
  });
}

/** How strongly a reply speaks of a question's words: the summed weights of those it names (a word inside a longer named one adds nothing). */
export function caseScore(norm: string, words: Map<string, number>): { score: number; named: string[] } {
  const all = [...words.keys()].filter((w) => norm.includes(w) && mentions(norm, w));
  const named = all.filter((w) => !all.some((o) => o !== w && o.includes(w)));
  return { score: named.reduce((a, w) => a + words.get(w)!, 0), named };
}

/**
 * Which other case of the pack a reply answers, when it speaks of that
 * case's own words clearly more than of this one's: "开户需要身份证和手机号"
 * answers what to bring, not whether a friend may open the account.
 */
export interface SiblingEvidence {
  case: string;
  own: number;
  other: number;
  /** The other case's words the reply names. */
  named: string[];
  /** The customer's question holds that question too ("……我要投诉" holds "我要投诉，怎么投诉？"). */
  askedToo?: boolean;
}

export function siblingCaseIn(norm: string, focus: Focus): SiblingEvidence | null {
  const { caseWords, siblings: s } = focus.cases?.() ?? {};
  if (!caseWords || !s) return null;
  const own = caseScore(norm, caseWords).score;
  // Only the cases that hold a word of the reply can score: found through the
  // pack's word → cases table, the first best in pack order as a walk over all would find.
  // The words the reply says as words, read once for all the cases that hold them.
  const said = new Set([...s.docs.finder.find(norm)].filter((w) => s.weight(w) > 0 && mentions(norm, w)));
  const touched = new Set<number>();
  for (const w of said) for (const i of s.docs.holders.get(w) ?? []) if (i !== s.own) touched.add(i);
  let best: { doc: number; score: number; named: string[] } | null = null;
  for (const i of [...touched].sort((a, b) => a - b)) {
    const all = s.docs.docs[i].words.filter((w) => said.has(w));
    const named = all.filter((w) => !all.some((o) => o !== w && o.includes(w)));
    const score = named.reduce((a, w) => a + s.weight(w), 0);
    if (score > 0 && (!best || score > best.score)) best = { doc: i, score, named };
  }
  if (!best) {
    // Nothing of any other case is named: the first other case, at nothing.
    const first = s.own === 0 ? 1 : 0;
    if (first >= s.docs.docs.length) return null;
    best = { doc: first, score: 0, named: [] };
  }
  const doc = s.docs.docs[best.doc];
  const askedToo = doc.asked.length > 0 && doc.asked.every((w) => s.told.includes(w));
  // The question the reply answers best was asked too: it is an answer.
  return askedToo ? null : { case: doc.case, own, other: best.score, named: best.named, askedToo };
}

export interface ScenarioCaseLike {
  turns: Array<{ say: string; paraphrases: string[]; focus?: string[]; expect: { keypoints: Keypoint[] } }>;
}

const focusReadings = new Map<string, string[][]>();

/** Does the (normalised) reply name the focus: a focus word as a word, or (transcribed) its sound. */
export function addressesFocus(norm: string, focus: Focus, _pack: Pack, _packs: Pack[], _locale: Locale, transcribed: boolean): boolean {
  if (!focus.words.length) return true;
  for (const w of focus.words) if (norm.includes(w) && mentions(norm, w)) return true;
  if (transcribed && norm) {
    const hay = replySyllablesOf(norm);
    for (const w of focus.words) {
      if ([...w].length < 2 || !/\p{Script=Han}/u.test(w)) continue;
      let r = focusReadings.get(w);
      if (!r) focusReadings.set(w, (r = readingsOf(w)));
      if (findSyllables(hay, r) >= 0) return true;
    }
  }
  return false;
}

/**
 * Scenario names of other scenarios the reply speaks of ("开户" in a reply to
 * a closing question), leaving out words the own scenario uses itself.
 */
const otherNamesCache = new WeakMap<Pack[], WeakMap<Pack, string[]>>();

export function otherScenarioNames(norm: string, ownPack: Pack, packs: Pack[], locale: Locale): string[] {
  return otherNameList(ownPack, packs, locale).filter((t) => norm.includes(t) && mentions(norm, t));
}

function otherNameList(ownPack: Pack, packs: Pack[], locale: Locale): string[] {
  let byPack = otherNamesCache.get(packs);
  if (!byPack) otherNamesCache.set(packs, (byPack = new WeakMap()));
  let candidates = byPack.get(ownPack);
  if (!candidates) byPack.set(ownPack, (candidates = otherNameCandidates(ownPack, packs, locale)));
  return candidates;
}

const otherNameSets = new WeakMap<string[], Set<string>>();

/** The other scenarios' names as a set, over the same cached list. */
function otherScenarioNameSet(ownPack: Pack, packs: Pack[], locale: Locale): Set<string> {
  const candidates = otherNameList(ownPack, packs, locale);
  let set = otherNameSets.get(candidates);
  if (!set) otherNameSets.set(candidates, (set = new Set(candidates)));
  return set;
}

function otherNameCandidates(ownPack: Pack, packs: Pack[], locale: Locale): string[] {
  const all = packs.includes(ownPack) ? packs : [...packs, ownPack];
  const index = topicIndex(all, locale);
  const ownCluster = index.packs.find((p) => p.id === ownPack.id)?.cluster;
  const ownVocabulary = new Set(index.packs.filter((p) => p.cluster === ownCluster).flatMap((p) => p.vocabulary));
  const ownNames = new Set(index.packs.filter((p) => p.cluster === ownCluster).flatMap((p) => nameTerms(p.name).map((t) => normalise(t, locale))));
  const out: string[] = [];
  for (const p of index.packs) {
    if (p.cluster === ownCluster) continue;
    for (const t of nameTerms(p.name).map((x) => normalise(x, locale))) {
      if ([...t].length < 2 || ownVocabulary.has(t) || ownNames.has(t) || serviceWords.has(t) || (index.specificity.get(t) ?? 1) < SPECIFIC) continue;
      out.push(t);
    }
  }
  return [...new Set(out)];
}

/**
 * Products a bank bot confuses with the question ("贷款余额查询" for a balance
 * question, "信用卡年费" for a loss fee): named in a reply or an option but
 * not in the question, they make it about something else.
 */
export const productWords = ['信用卡', '贷款', '房贷', '车贷', '话费', '理财', '基金', '外汇', '保险', '社保卡', '养老金', '积分', '额度', '黄金', '股票', '国债', '存单', '医保', '公积金', '数字人民币', 'etc'];

export function foreignProducts(norm: string, scenarioCase: ScenarioCaseLike, turnIndex: number, pack: Pack, locale: Locale): string[] {
  const turn = scenarioCase.turns[turnIndex];
  if (!turn) return [];
  const asked = [turn.say, ...turn.paraphrases, pack.name].map((t) => normalise(t, locale)).join('|');
  return productWords.filter((w) => norm.includes(w) && !asked.includes(w));
}

/** Acts an option may offer ("如何开通", "余额如何转出", "提交意见反馈"): a request of its own, whatever it shares with the question. */
export const actWords = ['开通', '关闭', '注销', '申请', '提交', '转出', '转入', '修改', '激活', '解冻', '解挂', '兑换', '还款', '缴费', '充值', '提现', '绑定', '解绑', '预约', '领取', '购买', '赎回'];

/**
 * Does a menu option fit the question: it names the question's focus, and no
 * product or act that the question, its key points and its case never speak of
 * ("数字钱包余额如何转出" shares 钱包 with a lost wallet, and is another request).
 */
export function optionAddresses(optionNorm: string, focus: Focus, ownPack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, packs: Pack[], locale: Locale, transcribed: boolean): boolean {
  if (foreignProducts(optionNorm, scenarioCase, turnIndex, ownPack, locale).length) return false;
  const own = turnText(ownPack, scenarioCase, turnIndex, locale);
  if (actWords.some((w) => optionNorm.includes(w) && !own.includes(w))) return false;
  return addressesFocus(optionNorm, focus, ownPack, packs, locale, transcribed);
}

/**
 * A focus word of another scenario's question, unique to it, in the reply
 * ("预留手机号" in a reply to a lost card): the reply answers that question.
 */
const otherFocusCache = new WeakMap<Pack[], WeakMap<Pack, string[]>>();

export function otherFocusIn(norm: string, ownPack: Pack, packs: Pack[], locale: Locale): string[] {
  let byPack = otherFocusCache.get(packs);
  if (!byPack) otherFocusCache.set(packs, (byPack = new WeakMap()));
  let candidates = byPack.get(ownPack);
  if (!candidates) byPack.set(ownPack, (candidates = otherFocusCandidates(ownPack, packs, locale)));
  return candidates.filter((w) => norm.includes(w) && mentions(norm, w));
}

function otherFocusCandidates(ownPack: Pack, packs: Pack[], locale: Locale): string[] {
  const all = packs.includes(ownPack) ? packs : [...packs, ownPack];
  const index = topicIndex(all, locale);
  const ownCluster = index.packs.find((p) => p.id === ownPack.id)?.cluster;
  const ownText = index.clusterText[[...new Set(index.packs.map((p) => p.cluster))].indexOf(ownCluster!)] ?? '';
  const ownVocabulary = index.packs.filter((p) => p.cluster === ownCluster).flatMap((p) => p.vocabulary).filter((o) => [...o].length >= 2);
  // Many questions share a focus word: whether the own scenario speaks of it is read once a word.
  const ownTalk = new Map<string, boolean>();
  // "当地网点" holds the own scenario's 网点: shared talk, not another topic.
  const ownSays = (w: string) => {
    let v = ownTalk.get(w);
    if (v === undefined) ownTalk.set(w, (v = ownText.includes(w) || ownVocabulary.some((o) => o.includes(w) || w.includes(o))));
    return v;
  };
  const out = new Set<string>();
  all.forEach((p, i) => {
    if (index.packs[i].cluster === ownCluster) return;
    // Only the other scenario's own key-point words, specific ones: "预留手机号", not "处理中".
    const theirs = new Set(index.packs[i].vocabulary.filter((w) => (index.specificity.get(w) ?? 0) >= SPECIFIC));
    for (const c of p.cases) {
      for (const w of turnFocus(p, c, 0, all, locale).words) {
        if ([...w].length < 3 || !theirs.has(w) || ownSays(w)) continue;
        out.add(w);
      }
    }
  });
  return [...out];
}

/**
 * Businesses of the bank (the locale's list) the reply speaks of that neither
 * the question nor its scenario ever names: "开通手机银行" in a reply to an
 * account-opening question, "修改密码" in one to a lost card.
 */
const businessCache = new WeakMap<Pack[], WeakMap<object, string[]>>();
const outsideCache = new WeakMap<Pack[], WeakMap<Pack, string[]>>();

/** The locale's businesses the own scenario never names: once per pack, as its scenario's text is long (a big pack's thousands of questions). */
function businessesOutside(ownPack: Pack, packs: Pack[], locale: Locale): string[] {
  let byPack = outsideCache.get(packs);
  if (!byPack) outsideCache.set(packs, (byPack = new WeakMap()));
  let outside = byPack.get(ownPack);
  if (!outside) {
    const all = packs.includes(ownPack) ? packs : [...packs, ownPack];
    const index = topicIndex(all, locale);
    const ownCluster = index.packs.find((p) => p.id === ownPack.id)?.cluster;
    const ownText = index.clusterText[[...new Set(index.packs.map((p) => p.cluster))].indexOf(ownCluster!)] ?? '';
    outside = [...new Set((locale.businesses ?? []).map((b) => normalise(b, locale)).filter((b) => b && !ownText.includes(b)))];
    byPack.set(ownPack, outside);
  }
  return outside;
}

export function otherBusinesses(norm: string, ownPack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, packs: Pack[], locale: Locale): string[] {
  const turn = scenarioCase.turns[turnIndex];
  if (!turn || !locale.businesses?.length) return [];
  // Keyed on the packs the caller holds: a list made here would be new on every call.
  let byTurn = businessCache.get(packs);
  if (!byTurn) businessCache.set(packs, (byTurn = new WeakMap()));
  let candidates = byTurn.get(turn);
  if (!candidates) {
    const asked = [turn.say, ...turn.paraphrases].map((t) => normalise(t, locale)).join('|');
    candidates = businessesOutside(ownPack, packs, locale).filter((b) => !asked.includes(b));
    byTurn.set(turn, candidates);
  }
  return candidates.filter((b) => norm.includes(b) && mentions(norm, b));
}

// What a reply is about: Chinese bank bots open with the subject of their
// answer ("修改预留手机号需……", "借记卡年费……", "您可以通过……查询余额").
// A subject that names a business or product of the bank the question never
// names, and nothing the question is about, answers another question — even
// when the rest of the reply shares 身份证 and 网点 with the right answer.

const LEAD_IN = /^(?:(?:您(?:是)?(?:想|要)(?:了解|咨询|知道|问)(?:的是)?|您好|你好|亲爱的|亲|尊敬的(?:客户|用户)|温馨提示|抱歉|非常抱歉|很抱歉|不好意思|感谢您的(?:咨询|来电)|关于)[，,！!：:～~]?\s*)+/;
/** Where a subject ends: the first predicate or modal after it. */
const PREDICATE = /(需要|需|须|必须|可以|可|请|是|为|一般|通常|的话|要|应|将|会|免|不|没|支持|只能|仅|由|按|有|都|已|在)/;
/** A business act named by its verb ("修改预留手机号", "激活新卡"): foreign when the question never uses the verb. */
const ACT = /^(修改|变更|更换|更改|重置|激活|开通|注册|绑定|解绑|取消|升级|充值|转账|还款|解冻|解挂|补办|提额)/;
/** "建议您……" advises; it does not name the suggestion scenario. */
const ADVICE = /建议您|建议你/g;

/** The subject of a (plain-text) reply: its first clause up to the first predicate. */
export function replySubject(text: string): string {
  // A regulation's title names its own subject ("《银行业保险业消费投诉处理管理办法》"), and
  // "根据……，" only says what the answer rests on.
  const t = text
    .trim()
    .replace(/《[^》]*》/g, '')
    .replace(LEAD_IN, '')
    .replace(/^(?:根据|按照|依据|依照|按)[^，,。]*[，,]/, '');
  const clause = t.split(/[，。！？；：,.!?;:\n]/)[0] ?? '';
  const at = clause.slice(2).search(PREDICATE);
  return (at >= 0 ? clause.slice(0, at + 2) : clause).replace(ADVICE, '');
}

const bankTermsCache = new WeakMap<Pack[], WeakMap<Locale, string[]>>();

/** Names of the bank's businesses and products: the locale's list, every scenario's name, the products bots confuse, the lexicon's words — the specific ones. */
function bankTerms(packs: Pack[], locale: Locale): string[] {
  let byLocale = bankTermsCache.get(packs);
  if (!byLocale) bankTermsCache.set(packs, (byLocale = new WeakMap()));
  let terms = byLocale.get(locale);
  if (!terms) {
    const index = topicIndex(packs, locale);
    const raw = [...(locale.businesses ?? []), ...productWords, ...packs.flatMap((p) => nameTerms(p.name)), ...(locale.lexicon ?? []).map((g) => g[0])];
    // A business the researcher lists is one even where many scenarios' key points mention it (交易明细).
    const listed = businessWords(locale);
    terms = [...new Set(raw.map((t) => normalise(t, locale)))].filter((t) => [...t].length >= 2 && !serviceWords.has(t) && (listed.has(t) || (index.specificity.get(t) ?? 1) >= SPECIFIC));
    byLocale.set(locale, terms);
  }
  return terms;
}

const businessCacheByLocale = new WeakMap<Locale, Set<string>>();

/** The products and businesses of the bank, normalised. */
function businessWords(locale: Locale): Set<string> {
  let set = businessCacheByLocale.get(locale);
  if (!set) businessCacheByLocale.set(locale, (set = new Set([...productWords, ...(locale.businesses ?? [])].map((w) => normalise(w, locale)))));
  return set;
}

const turnTextCache = new WeakMap<object, string>();

/** Everything the question and its key points say, and its case's other questions and scenario name, normalised. */
export function turnText(pack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, locale: Locale): string {
  const turn = scenarioCase.turns[turnIndex];
  let t = turnTextCache.get(turn);
  if (t === undefined) {
    const own = [turn.say, ...turn.paraphrases, ...turn.expect.keypoints.flatMap((k) => [k.text, ...k.any, ...(k.all ?? [])])];
    const around = [...scenarioCase.turns.flatMap((x) => [x.say, ...x.paraphrases]), pack.name];
    t = [...own, ...around].map((x) => normalise(x, locale)).join('|');
    turnTextCache.set(turn, t);
  }
  return t;
}

/**
 * The businesses a reply's subject names that the question does not, when
 * the subject names nothing specific of the question: empty when the subject
 * is the question's own.
 */
export function foreignSubject(text: string, ownPack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, focus: Focus, packs: Pack[], locale: Locale): { products: string[]; others: string[] } {
  const none = { products: [], others: [] };
  if (!scenarioCase.turns[turnIndex]) return none;
  const all = packs.includes(ownPack) ? packs : [...packs, ownPack];
  const subject = normalise(replySubject(text), locale);
  if ([...subject].length < 2) return none;
  const own = turnText(ownPack, scenarioCase, turnIndex, locale);
  const index = topicIndex(all, locale);
  const named = occurring(bankTerms(all, locale), subject).filter((t) => mentions(subject, t));
  const words = segment(subject).words.filter((w) => [...w].length >= 2);
  // A product, business or other scenario the question never names changes what the subject is
  // ("信用卡年费", "公积金余额", "社保卡丢失"), whatever else it shares — unless it is done to what
  // the question asks about ("修改预留手机号" when its key points speak of 预留手机号).
  const otherNames = otherScenarioNameSet(ownPack, all, locale);
  const ownObject = (t: string) => {
    // What the act is done to: its last word, never 银行 split off "手机银行" ("注销手机银行" is not done to the bank).
    const parts = segment(t).words.filter((w) => [...w].length >= 2);
    const object = parts.length >= 2 ? parts[parts.length - 1] : undefined;
    return object !== undefined && !stopWords.has(object) && own.includes(object) && (index.specificity.get(object) ?? 1) >= SPECIFIC;
  };
  const products = named.filter((t) => (businessWords(locale).has(t) || otherNames.has(t)) && !own.includes(t) && !ownObject(t));
  if (products.length) return { products, others: [] };
  // Otherwise one specific word of the question in the subject makes it the question's subject.
  const linked = [...named, ...words].some((w) => own.includes(w) && (index.specificity.get(w) ?? 1) >= SPECIFIC) || focus.words.some((w) => subject.includes(w));
  if (linked) return none;
  const foreign = named.filter((t) => !own.includes(t));
  if (words.length >= 2) foreign.push(...words.filter((w) => ACT.test(w) && !own.includes(w)));
  return { products: [], others: [...new Set(foreign)] };
}

/**
 * The tables the first reply of each pack would build, one step a call, so
 * they can be built while the run waits on the network: every step fills a
 * cache the grading reads anyway, and leaves what it computes unchanged.
 */
export function topicWarmSteps(packs: Pack[], locale: Locale): Array<() => void> {
  // Not the cases as documents (caseDocs): only a reply that misses its key points reads them, and a
  // big pack answered well may never need its thousands of questions segmented.
  return [() => topicIndex(packs, locale), () => bankTerms(packs, locale), () => businessWords(locale)];
}
