import { clean } from './text.ts';
import { ambiguous, dialectKnownByGood, dialectWords, followWords, topics } from './kb.ts';
import type { FollowSlot, Quality, Topic } from './topic.ts';

// The bot's keyword matcher, compiled once per quality. Imperfect on purpose,
// the way keyword/intent bots are: it misses words it was never given,
// drifts on dialect, and lets one strong shared word ("余额") pull a question
// to the wrong topic.

interface Token {
  parts: string[];
  weight: number;
}

interface CompiledTopic {
  topic: Topic;
  tokens: Token[];
}

export interface Scored {
  topic: Topic;
  score: number;
}

export interface Matcher {
  /** Topics whose score reaches the threshold, best first (stable order on ties). */
  rank(message: string): readonly Scored[];
  /** The topic whose standard question (button text) this is exactly. */
  byTitle(message: string): Topic | undefined;
  /** The standard questions offered for a bare ambiguous word. */
  ambiguity(message: string): Topic[] | undefined;
  /** Which aspect a short follow-up asks about. */
  slot(message: string): FollowSlot | undefined;
}

interface Tuning {
  tiers: number;
  dialectPenalty: number;
  /** Characters after which a long-winded message loses a point (0 = never). */
  longAfter: number;
}

const tuning: Record<Quality, Tuning> = {
  good: { tiers: 3, dialectPenalty: 4, longAfter: 0 },
  average: { tiers: 2, dialectPenalty: 4, longAfter: 40 },
  poor: { tiers: 1, dialectPenalty: 5, longAfter: 24 },
};

export const MATCH_THRESHOLD = 2;

function parseToken(raw: string): Token {
  const [body, w] = raw.split('^');
  const parts = body.split('&').filter(Boolean);
  const weight = w ? Number(w) : parts.length > 1 ? 3 : 2;
  return { parts, weight };
}

function compile(quality: Quality): CompiledTopic[] {
  const { tiers } = tuning[quality];
  return topics.map((topic) => {
    const words = topic.keys
      .slice(0, tiers)
      .flatMap((tier) => (tier ?? '').split(/\s+/))
      .filter(Boolean);
    return { topic, tokens: words.map(parseToken) };
  });
}

const slotOrder = Object.keys(followWords) as FollowSlot[];
const titleIndex = new Map(topics.map((t) => [clean(t.title), t]));
const ambiguityIndex = new Map<string, Topic[]>();
for (const group of ambiguous) {
  const offered = group.titles.map((title) => {
    const topic = titleIndex.get(clean(title));
    if (!topic) throw new Error(`demo brain: no topic titled ${title}`);
    return topic;
  });
  for (const word of group.words) ambiguityIndex.set(clean(word), offered);
}

export function createMatcher(quality: Quality): Matcher {
  const compiled = compile(quality);
  const t = tuning[quality];
  const dialect = quality === 'good' ? dialectWords : [...dialectWords, ...dialectKnownByGood];

  function penalty(message: string): number {
    let hits = 0;
    for (const word of dialect) if (message.includes(word)) hits++;
    let p = Math.min(hits, 2) * t.dialectPenalty;
    if (t.longAfter && message.length > t.longAfter) p += 1;
    return p;
  }

  // A benchmark asks the same questions over and over: a message's ranking is
  // kept (read-only) and a full table simply starts over.
  const ranked = new Map<string, readonly Scored[]>();
  const RANKED_KEPT = 4096;

  function rank(message: string): Scored[] {
    const scored: Scored[] = [];
    for (const { topic, tokens } of compiled) {
      let score = 0;
      for (const token of tokens) {
        let all = true;
        for (const part of token.parts) {
          if (!message.includes(part)) {
            all = false;
            break;
          }
        }
        if (all) score += token.weight;
      }
      if (score > 0) scored.push({ topic, score });
    }
    if (scored.length === 0) return scored;
    const p = penalty(message);
    return scored
      .map((s) => ({ topic: s.topic, score: s.score - p }))
      .filter((s) => s.score >= MATCH_THRESHOLD)
      .sort((a, b) => b.score - a.score);
  }

  return {
    rank(message) {
      let r = ranked.get(message);
      if (!r) {
        if (ranked.size >= RANKED_KEPT) ranked.clear();
        ranked.set(message, (r = Object.freeze(rank(message).map((s) => Object.freeze(s)))));
      }
      return r;
    },
    byTitle: (message) => titleIndex.get(message),
    ambiguity: (message) => ambiguityIndex.get(message),
    slot(message) {
      for (const slot of slotOrder) for (const word of followWords[slot]) if (message.includes(word)) return slot;
      return undefined;
    },
  };
}
