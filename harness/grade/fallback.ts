import type { Locale, Pack } from '../config/scenario.ts';
import type { BotReply, ConversationRecord } from '../types.ts';
import type { GradeContext } from './types.ts';
import { normalise } from './normalise.ts';
import { askCueIn, dataWords, findPhrase, localePhrases, menuOptions } from './phrases.ts';
import { plainText } from './markup.ts';
import { messagesFor } from './messages.ts';

export interface FallbackVerdict {
  fallback: boolean;
  /** Why, in words a user reads. */
  reason?: string;
}

/**
 * A reply is a fallback when it is empty, when it says a locale fallback
 * phrase and makes none of the turn's key points, or when the bot gave the
 * very same reply to unrelated questions in this run and it makes none of
 * this turn's key points.
 */
export function fallbackVerdict(replyText: string, anyKeypointHit: boolean, ctx: GradeContext, transcribed = false): FallbackVerdict {
  const m = messagesFor(ctx);
  if (replyText.trim() === '') return { fallback: true, reason: m.emptyReply };
  const norm = normalise(replyText, ctx.locale);
  if (norm === '') return { fallback: true, reason: m.emptyReply };
  const phrases = localePhrases(ctx.locale);
  const phrase = findPhrase(norm, phrases.fallback, transcribed);
  if (phrase && !anyKeypointHit) {
    return { fallback: true, reason: m.fallbackPhrase(phrase, !norm.includes(phrase)) };
  }
  // A canned reply that makes this turn's own key points is an answer here (a
  // keyword collision sends it elsewhere too; the topic check catches those).
  if (ctx.cannedReplies.has(norm) && !anyKeypointHit) {
    return { fallback: true, reason: m.canned(clip(replyText)) };
  }
  return { fallback: false };
}

export function isFallback(replyText: string, anyKeypointHit: boolean, ctx: GradeContext, transcribed = false): boolean {
  return fallbackVerdict(replyText, anyKeypointHit, ctx, transcribed).fallback;
}

export function clip(text: string, max = 40): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

const MIN_CANNED_CHARS = 6;
const MIN_CANNED_PACKS = 3;

/** Replies that are not answers of any kind, so giving them everywhere is expected. */
function isProcedural(reply: BotReply, norm: string, locale: Locale): boolean {
  const p = localePhrases(locale);
  if (reply.handoff || findPhrase(norm, p.handoff)) return true;
  // Buttons after an answer are related questions: the answer may still be canned.
  if ((reply.buttons.length >= 2 && [...norm].length < 8) || findPhrase(norm, p.clarify) || menuOptions(plainText(reply.text ?? ''), true).length >= 2) return true;
  return dataWords.some((w) => norm.includes(w)) && askCueIn(norm, locale);
}

/**
 * Run-level check: the same normalised reply (≥ 6 characters) given to
 * questions of ≥ 3 different packs is canned — a bot that says the same
 * thing to unrelated questions understood none of them. Handoffs, menus and
 * requests for data are procedural and never count.
 */
export function findCannedReplies(records: ConversationRecord[], packs: Pack[], locale: Locale): Set<string> {
  const known = new Set(packs.map((p) => p.id));
  // Fewer packs in the run than a canned reply needs: no reply can be one (and no reply is read).
  const seen = new Set<string>();
  for (const record of records) if (known.has(record.pack) && seen.add(record.pack).size >= MIN_CANNED_PACKS) break;
  if (seen.size < MIN_CANNED_PACKS) return new Set();
  // First every long-enough reply by its normalised text; only a text given in
  // ≥ 3 packs can be canned, so the costlier procedural check runs on those alone.
  const byNorm = new Map<string, { packs: Set<string>; replies: { reply: BotReply; pack: string }[] }>();
  const normOf = new Map<string, string>();
  for (const record of records) {
    if (!known.has(record.pack)) continue;
    for (const turn of record.turns) {
      for (const { reply } of turn.exchanges) {
        const text = reply.text ?? '';
        let norm = normOf.get(text);
        if (norm === undefined) normOf.set(text, (norm = normalise(plainText(text), locale)));
        if ([...norm].length < MIN_CANNED_CHARS) continue;
        let entry = byNorm.get(norm);
        if (!entry) byNorm.set(norm, (entry = { packs: new Set(), replies: [] }));
        entry.packs.add(record.pack);
        entry.replies.push({ reply, pack: record.pack });
      }
    }
  }
  const canned = new Set<string>();
  const procedural = new Map<string, boolean>();
  for (const [norm, entry] of byNorm) {
    if (entry.packs.size < MIN_CANNED_PACKS) continue;
    const set = new Set<string>();
    for (const { reply, pack } of entry.replies) {
      if (set.has(pack)) continue;
      // What isProcedural reads of a reply: its text, handoff flag and whether it has ≥ 2 buttons.
      const key = `${reply.handoff ? 1 : 0}${reply.buttons.length >= 2 ? 1 : 0}${reply.text ?? ''}`;
      let p = procedural.get(key);
      if (p === undefined) procedural.set(key, (p = isProcedural(reply, norm, locale)));
      if (!p) set.add(pack);
    }
    if (set.size >= MIN_CANNED_PACKS) canned.add(norm);
  }
  return canned;
}

/**
 * Whether any reply of a conversation may be one of the canned replies: its
 * text (up to a related-question block, whose own end the prefix allows for)
 * begins with one. A conversation that meets none is graded the same with or
 * without the run's canned replies. The prefixes are made once per run.
 */
export function meetsCanned(canned: Set<string>, locale: Locale): (record: ConversationRecord) => boolean {
  if (!canned.size) return () => false;
  const prefixes = [...canned].map((c) => c.slice(0, Math.max(MIN_CANNED_CHARS, [...c].length - 4)));
  return (record) =>
    record.turns.some((t) =>
      t.exchanges.some(({ reply }) => {
        const norm = normalise(plainText(reply.text ?? ''), locale);
        return prefixes.some((c) => norm.startsWith(c));
      }),
    );
}
