import { fnv1a, unit } from './hash.ts';
import * as kb from './kb.ts';
import { createFeedbackDesk, type FeedbackDesk } from './feedback.ts';
import { createMatcher, type Matcher } from './match.ts';
import { clean, splitParts } from './text.ts';
import type { FollowSlot, Quality, Topic } from './topic.ts';
import type { Brain, BrainOptions, BrainReply, BrainReplyKind, BrainSession } from './types.ts';

// The demo bank's brain: a keyword FAQ bot with the habits of real bank bots
// (fallbacks on unseen phrasings, partial answers, keyword collisions,
// clarifying menus, context that is kept only sometimes, handoff, asking for
// data). Deterministic: every choice is a hash of the conversation so far.

interface Habits {
  /** Share of `?` answer sentences a bot of this quality says. */
  sometimes: number;
  /** Share of personal lookups where it first asks for a card or case number. */
  askData: number;
  /** Offers a menu when two topics of different intents tie (else takes the first). */
  clarifyTies: boolean;
  /** How many quick replies a clarifying menu offers. */
  menuSize: number;
}

const habits: Record<Quality, Habits> = {
  good: { sometimes: 0.6, askData: 0.35, clarifyTies: true, menuSize: 4 },
  average: { sometimes: 0.35, askData: 0.5, clarifyTies: true, menuSize: 3 },
  poor: { sometimes: 0, askData: 0.6, clarifyTies: false, menuSize: 2 },
};

/** A short message about one aspect ("收费吗？") may follow the previous topic. */
const FOLLOW_MAX_CHARS = 12;
/** A question naming its topic and one aspect ("跨行ATM查余额收费吗") gets that aspect's answer. */
const ASPECT_MAX_CHARS = 20;
const personalWords = ['我的', '帮我', '给我', '我卡', '我上次', '我之前', '我前', '我在', '我反馈', '我投诉'];

const partsCache = new Map<string, string[]>();
function partsOf(text: string): string[] {
  let parts = partsCache.get(text);
  if (!parts) {
    // Answers are composed from a finite set of sentences; the cap only guards odd callers.
    if (partsCache.size > 10_000) partsCache.clear();
    parts = splitParts(text);
    partsCache.set(text, parts);
  }
  return parts.slice();
}

function reply(kind: BrainReplyKind, text: string, intent: string | null, buttons: string[] = [], handoff = false): BrainReply {
  return { text, parts: partsOf(text), intent, buttons, handoff, kind };
}

function includesAny(message: string, words: readonly string[]): boolean {
  for (const w of words) if (message.includes(w)) return true;
  return false;
}

function composeAnswer(topic: Topic, quality: Quality, seed: number): string {
  const h = habits[quality];
  let text = '';
  topic.answer.forEach((sentence, i) => {
    const mark = sentence[0];
    if (mark === '+') {
      if (quality !== 'poor') text += sentence.slice(1);
    } else if (mark === '*') {
      if (quality === 'good') text += sentence.slice(1);
    } else if (mark === '?') {
      if (unit(seed, `${topic.id}#${i}`) < h.sometimes) text += sentence.slice(1);
    } else {
      text += sentence;
    }
  });
  return text;
}

/** Related questions a bank bot suggests after an answer, whatever the question was. */
const relatedPool = ['信用卡还款', '理财产品推荐', '附近网点', '外汇牌价查询', '贷款利率', '积分兑换礼品', '基金定投', '手机银行转账限额'];

function withRelated(r: BrainReply, seed: number): BrainReply {
  const n = 2 + (seed % 3);
  const start = (seed >>> 3) % relatedPool.length;
  const buttons = Array.from({ length: n }, (_, i) => relatedPool[(start + i) % relatedPool.length]);
  return { ...r, buttons, related: true };
}

class Session implements BrainSession {
  private seed = 0x811c9dc5;
  private turns = 0;
  private keepsContext = false;
  private lastTopic: Topic | null = null;
  private pendingData: Topic | null = null;

  constructor(
    private readonly matcher: Matcher,
    private readonly quality: Quality,
    private readonly contextKeep: number,
    private readonly related = false,
    private readonly desk?: FeedbackDesk,
    private readonly channel = 'api',
  ) {}

  welcome(): BrainReply {
    return reply('greeting', kb.welcomeText, null, kb.welcomeButtons.slice());
  }

  reply(text: string): BrainReply {
    const m = clean(text);
    if (this.turns === 0) this.keepsContext = unit(fnv1a(m), 'context') < this.contextKeep;
    this.turns++;
    this.seed = fnv1a(`\u0001${m}`, this.seed);
    if (!m) return this.fallback();

    const desk = this.desk?.handle(m, this.channel, this.seed);
    if (desk) {
      this.pendingData = null;
      return reply('answer', desk, 'feedback.lookup');
    }

    if (includesAny(m, kb.angryWords)) return reply('handoff', kb.angryText, 'complaint.submit', [], true);
    if (includesAny(m, kb.handoffWords)) return reply('handoff', kb.handoffText, 'agent.transfer', [], true);

    const pending = this.pendingData;
    this.pendingData = null;
    if (pending) {
      if (includesAny(m, kb.refusalWords)) return this.answer(pending, kb.refusalPrefix);
      if (/\d{6,}/.test(m)) return this.answer(pending, kb.dataReceivedPrefix);
    }

    const titled = this.matcher.byTitle(m);
    if (titled) return this.answer(titled);

    const ranked = this.matcher.rank(m);
    const slot = m.length <= ASPECT_MAX_CHARS ? this.matcher.slot(m) : undefined;
    if (ranked.length === 0) return this.unmatched(m, m.length <= FOLLOW_MAX_CHARS ? slot : undefined);

    const best = ranked[0];
    const h = habits[this.quality];
    const tied = ranked.filter((s) => s.score === best.score);
    const intents = new Set(tied.map((s) => s.topic.intent));
    if (intents.size > 1 && h.clarifyTies) {
      const offered = [...new Map(tied.map((s) => [s.topic.intent, s.topic])).values()];
      return this.clarify(offered);
    }
    const topic = best.topic;
    const follow = slot && topic.follow?.[slot];
    if (follow) return this.say(topic, follow);
    if (topic.askData && includesAny(m, personalWords) && unit(this.seed, 'ask-data') < h.askData) {
      this.pendingData = topic;
      this.lastTopic = topic;
      return reply('ask-data', topic.askData, topic.intent);
    }
    return this.answer(topic);
  }

  private unmatched(m: string, slot: FollowSlot | undefined): BrainReply {
    const last = this.lastTopic;
    const follow = slot && last?.follow?.[slot];
    if (follow && this.keepsContext && last) return this.say(last, follow);
    const menu = this.matcher.ambiguity(m);
    if (menu) return this.clarify(menu);
    if (m.length <= 6 && includesAny(m, kb.greetingWords)) return reply('greeting', '您好，请问有什么可以帮您？', null);
    if (m.length <= 6 && includesAny(m, kb.thanksWords)) return reply('answer', kb.thanksText, 'chitchat.thanks');
    return this.fallback();
  }

  private clarify(offered: Topic[]): BrainReply {
    const buttons = offered.slice(0, habits[this.quality].menuSize).map((t) => t.title);
    return reply('clarify', kb.clarifyText, null, buttons);
  }

  private answer(topic: Topic, prefix = ''): BrainReply {
    return this.say(topic, prefix + composeAnswer(topic, this.quality, this.seed));
  }

  private say(topic: Topic, text: string): BrainReply {
    this.lastTopic = topic;
    const r = reply('answer', text, topic.intent);
    return this.related ? withRelated(r, this.seed) : r;
  }

  private fallback(): BrainReply {
    const texts = kb.fallbackTexts;
    return reply('fallback', texts[this.seed % texts.length], null);
  }
}

export function createBrain(options: BrainOptions = {}): Brain {
  const quality = options.quality ?? 'good';
  const contextKeep = Math.min(1, Math.max(0, options.contextKeep ?? 0.5));
  const matcher = createMatcher(quality);
  // One feedback desk for the whole bank: with integration its channels share one store of tickets.
  const desk = createFeedbackDesk(options.integration !== false);
  return { session: (channel = 'api') => new Session(matcher, quality, contextKeep, options.relatedQuestions === true, desk, channel) };
}

export type { Brain, BrainOptions, BrainReply, BrainSession } from './types.ts';
