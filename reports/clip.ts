import type { BotReply } from '../harness/types.ts';

// Reports show a transcript, not an archive: a reply longer than the limit is
// clipped there, with a note and a link to the evidence file that holds it whole.

/** Characters of one reply shown in report.md. */
export const MARKDOWN_REPLY_CHARS = 1000;
/** Characters of one reply shown in index.html. */
export const HTML_REPLY_CHARS = 4000;

export interface ClippedText {
  text: string;
  /** Set when the report shows less than the bot said. */
  clipped?: { shown: number; total: number; full?: string };
}

export function clipReplyText(reply: BotReply, limit: number): ClippedText {
  const total = reply.truncated?.originalChars ?? reply.text.length;
  if (reply.text.length <= limit && !reply.truncated) return { text: reply.text };
  const text = [...reply.text.slice(0, limit + 1)].slice(0, limit).join('');
  return { text, clipped: { shown: text.length, total, full: reply.evidence?.full } };
}

export function clipNote(template: string, c: { shown: number; total: number }): string {
  return template.replace('{shown}', String(c.shown)).replace('{total}', String(c.total));
}
