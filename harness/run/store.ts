import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPLY_FULL_CAP, REPLY_TEXT_CAP, type BotReply } from '../types.ts';
import { fnv1a } from '../util/hash.ts';
import type { Redactor } from '../util/redact.ts';

// What of a reply is kept. A bot can answer with megabytes (a runaway
// generation, a debug dump): the driver clips the text before anyone grades
// it, and the journal stores it once — the whole reply goes to one evidence
// file, itself capped — so a run folder, its reports and the grader's time
// stay bounded whatever the bot sends.

/** A string inside `evidence.raw` longer than this is clipped. */
const RAW_STRING_CAP = 1024;
/** Array items and object keys kept per level of `evidence.raw`. */
const RAW_ITEMS_CAP = 50;

/** The whole text of replies the driver clipped, until the runner writes it to evidence. */
const wholeText = new WeakMap<BotReply, string>();

/** Clip a fresh reply to REPLY_TEXT_CAP (text and messages) and mark it; the whole text waits for `storeReply`. */
export function clipReply(reply: BotReply): BotReply {
  const total = reply.messages.reduce((n, m) => n + m.text.length, 0);
  if (!reply.truncated && utf8Bytes(reply.text) <= REPLY_TEXT_CAP && reply.messages.reduce((n, m) => n + utf8Bytes(m.text), 0) <= REPLY_TEXT_CAP) return reply;
  let budget = REPLY_TEXT_CAP;
  const messages = [];
  for (const m of reply.messages) {
    if (budget <= 0) break;
    const text = clipUtf8(m.text, budget);
    messages.push(text === m.text ? m : { ...m, text });
    budget -= utf8Bytes(text);
  }
  const clipped: BotReply = {
    ...reply,
    text: clipUtf8(reply.text, REPLY_TEXT_CAP),
    messages,
    // An adapter that cut the reply as it arrived knows how long it was.
    truncated: { originalChars: Math.max(reply.truncated?.originalChars ?? 0, reply.text.length, total) },
  };
  const whole = reply.text.length >= total ? reply.text : reply.messages.map((m) => m.text).join('\n');
  wholeText.set(clipped, whole);
  // The raw response repeats the megabytes: let them go now, not when the conversation ends.
  if (reply.evidence?.raw !== undefined) {
    const texts = new Set([reply.text, whole, ...reply.messages.map((m) => m.text)]);
    clipped.evidence = { ...reply.evidence, raw: shrinkRaw(reply.evidence.raw, texts, whole) };
  }
  return clipped;
}

export interface StoreContext {
  redact: Redactor;
  /** Absolute folder of the conversation's evidence. */
  evidenceDir: string;
  /** Absolute path → run-relative path. */
  relative(path: string): string;
}

/**
 * Make a reply fit for the journal, in place: redact it, write the whole text
 * of a clipped reply to one evidence file (once per distinct text), and keep
 * of `evidence.raw` only what the extracted text does not already say.
 */
export function storeReply(reply: BotReply, ctx: StoreContext): void {
  const whole = wholeText.get(reply);
  const texts = new Set([reply.text, ...reply.messages.map((m) => m.text)].filter((t) => t.length > 0));
  if (whole !== undefined) texts.add(whole);
  if (reply.evidence?.raw !== undefined) {
    const raw = shrinkRaw(reply.evidence.raw, texts, whole ?? reply.text);
    if (raw === undefined) delete reply.evidence.raw;
    else {
      const json = JSON.stringify(raw);
      const redacted = ctx.redact(json);
      // shrinkRaw's value is a fresh copy: kept as it is when there was nothing to redact.
      reply.evidence.raw = redacted === json ? raw : JSON.parse(redacted);
    }
  }
  // Redact before clipping, so a number cut at the edge cannot slip past the redactor half-shown.
  reply.text = clipUtf8(ctx.redact(reply.text), REPLY_TEXT_CAP);
  for (const m of reply.messages) m.text = clipUtf8(ctx.redact(m.text), REPLY_TEXT_CAP);
  if (whole !== undefined) {
    const body = ctx.redact(whole);
    const head = clipUtf8(body, REPLY_FULL_CAP);
    // Characters past the head, counting those the adapter already cut as the reply arrived.
    const more = body.length - head.length + Math.max(0, (reply.truncated?.originalChars ?? 0) - whole.length);
    const kept = more > 0 ? `${head}\n[… ${more} more characters not kept]\n` : body;
    mkdirSync(ctx.evidenceDir, { recursive: true });
    const file = join(ctx.evidenceDir, `reply-${fnv1a(whole).toString(16).padStart(8, '0')}.txt`);
    writeFileSync(file, kept);
    reply.evidence = { ...reply.evidence, full: ctx.relative(file) };
  }
}

/**
 * `raw` without the reply's own text: a string equal to the extracted text or
 * one of its messages becomes a pointer to it; other long strings, arrays and
 * objects are clipped. Undefined when nothing is left worth keeping.
 */
export function shrinkRaw(raw: unknown, texts: Set<string>, text: string): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      if (texts.has(v) || (v.length > 64 && text.includes(v))) return '[= reply text]';
      return v.length > RAW_STRING_CAP ? `${v.slice(0, RAW_STRING_CAP)}[… ${v.length - RAW_STRING_CAP} more characters]` : v;
    }
    if (v === null || typeof v !== 'object') return v;
    if (depth > 8) return '[…]';
    if (Array.isArray(v)) {
      const items = v.slice(0, RAW_ITEMS_CAP).map((x) => walk(x, depth + 1));
      if (v.length > RAW_ITEMS_CAP) items.push(`[… ${v.length - RAW_ITEMS_CAP} more items]`);
      return items;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries.slice(0, RAW_ITEMS_CAP)) out[k] = walk(x, depth + 1);
    if (entries.length > RAW_ITEMS_CAP) out['…'] = `${entries.length - RAW_ITEMS_CAP} more keys`;
    return out;
  };
  return walk(raw, 0);
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The longest prefix of `s` that fits in `max` UTF-8 bytes, never cutting a character. */
export function clipUtf8(s: string, max: number): string {
  if (s.length * 3 <= max) return s;
  // Every UTF-16 unit takes at least one byte: what fits is within the first `max` units.
  const head = s.length > max ? s.slice(0, max) : s;
  const buf = Buffer.from(head, 'utf8');
  if (buf.length <= max) return head;
  let cut = max;
  while (cut > 0 && (buf[cut] & 0xc0) === 0x80) cut--; // back to a character boundary
  return buf.subarray(0, cut).toString('utf8');
}
