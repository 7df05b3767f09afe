import type { Keypoint, Locale, Pack } from '../config/scenario.ts';
import { prepareKeypoint, type PreparedKeypoint, type PreparedTerm } from './match.ts';

// Which scenario does a reply answer? Every pack's key points (de-duplicated
// by text) vote, each synonym weighted by how specific it is: a word used by
// n packs counts 1/n, so 身份证 or 网点 alone never moves a reply elsewhere.

interface PackTopic {
  id: string;
  name: string;
  keypoints: PreparedKeypoint[];
}

interface TopicIndex {
  packs: PackTopic[];
  /** Normalised synonym → 1 / number of packs using it. */
  specificity: Map<string, number>;
}

export interface PackEvidence {
  pack: string;
  score: number;
  /** How many of its key points the reply makes. */
  keypoints: number;
  /** One of them is an essential (weight ≥ 2), fairly specific key point. */
  heavy: boolean;
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
  // The pack's own name is evidence too: "卡挂失", "注销/销户".
  const names = pack.name.split(/[\/、,，\s]+/).filter((s) => [...s].length >= 2);
  if (names.length) add({ id: 'scenario-name', text: `scenario ${pack.name}`, any: names, weight: 1 });
  return out;
}

export function topicIndex(packs: Pack[], locale: Locale): TopicIndex {
  let byLocale = indexCache.get(packs);
  if (!byLocale) indexCache.set(packs, (byLocale = new WeakMap()));
  let index = byLocale.get(locale);
  if (index) return index;
  const users = new Map<string, Set<string>>();
  const topics: PackTopic[] = packs.map((pack) => {
    const keypoints = packKeypoints(pack).map((kp) => prepareKeypoint(kp, locale));
    for (const kp of keypoints) {
      for (const t of [...kp.any, ...kp.all]) {
        let s = users.get(t.norm);
        if (!s) users.set(t.norm, (s = new Set()));
        s.add(pack.id);
      }
    }
    return { id: pack.id, name: pack.name, keypoints };
  });
  const specificity = new Map<string, number>();
  for (const [norm, s] of users) specificity.set(norm, 1 / s.size);
  index = { packs: topics, specificity };
  byLocale.set(locale, index);
  return index;
}

export function termSpecificity(index: TopicIndex, term: PreparedTerm): number {
  return index.specificity.get(term.norm) ?? 1;
}

/** Substring evidence for each pack (fast: no fuzzy or pinyin for the other packs). */
export function packEvidence(replyNorm: string, packs: Pack[], locale: Locale): PackEvidence[] {
  const index = topicIndex(packs, locale);
  const out: PackEvidence[] = [];
  for (const p of index.packs) {
    let score = 0;
    let heavy = false;
    const terms: Array<[string, number]> = [];
    for (const kp of p.keypoints) {
      let best = 0;
      let bestTerm = '';
      for (const t of kp.any) {
        if (!replyNorm.includes(t.norm)) continue;
        const s = termSpecificity(index, t);
        if (s > best) [best, bestTerm] = [s, t.text];
      }
      if (best === 0) continue;
      if (kp.all.some((t) => !replyNorm.includes(t.norm))) continue;
      score += best * Math.min(kp.weight, 2);
      if (kp.weight >= 2 && best >= 0.5) heavy = true;
      terms.push([bestTerm, best]);
    }
    terms.sort((a, b) => b[1] - a[1]);
    out.push({ pack: p.id, score, keypoints: terms.length, heavy, terms: [...new Set(terms.map(([t]) => t))] });
  }
  return out.sort((a, b) => b.score - a.score);
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
  /** No scenario's key points appear in the reply at all. */
  unrelated: boolean;
}

const MIN_OTHER = 1;
const CLEARLY = 2;
/** One stray word is not an answer: a different topic needs two of its key points, or one essential one. */
const MIN_OTHER_KEYPOINTS = 2;

/**
 * Off topic when another pack's key points are clearly (×2) better matched
 * than the reply's own, with at least one fully specific word's worth of
 * evidence, and the reply makes under half of its own turn's key points.
 */
export function topicVerdict(
  replyNorm: string,
  ownPack: Pack,
  ownTurnShare: number,
  ownTurnEvidence: number,
  packs: Pack[],
  locale: Locale,
): TopicVerdict {
  const all = packEvidence(replyNorm, packs.includes(ownPack) ? packs : [...packs, ownPack], locale);
  const ownPackScore = all.find((e) => e.pack === ownPack.id)?.score ?? 0;
  const own = Math.max(ownPackScore, ownTurnEvidence);
  const best = all.find((e) => e.pack !== ownPack.id);
  const other = best?.score ?? 0;
  const unrelated = own === 0 && other === 0;
  const enough = best !== undefined && (best.keypoints >= MIN_OTHER_KEYPOINTS || best.heavy);
  if (best && enough && ownTurnShare < 0.5 && other >= MIN_OTHER && other > CLEARLY * own) {
    return { offTopic: true, pack: best.pack, terms: best.terms, own, other, unrelated };
  }
  return { offTopic: false, own, other, unrelated };
}
