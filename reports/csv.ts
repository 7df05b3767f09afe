import type { BotReply } from '../harness/types.ts';
import { clipReplyText, HTML_REPLY_CHARS } from './clip.ts';
import type { RenderInput, Renderer } from './types.ts';

// results.csv: one row per graded turn, for spreadsheets and notebooks.

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s; // no formula injection from bot text
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const csvRenderer: Renderer = {
  file: 'results.csv',
  render({ conversations }: RenderInput): string {
    const rows = [['conversation', 'bank', 'channel', 'kind', 'scenario', 'case', 'variant', 'repeat', 'turn', 'level', 'recognition', 'completeness', 'topic', 'question', 'reply', 'first_ms', 'settled_ms', 'error']];
    for (const c of conversations) {
      const r = c.record;
      if (r.error || !r.turns.length) {
        rows.push([r.id, r.bank, r.channel, r.kind, r.pack, r.case, String(r.variant), String(r.repeat), '', 'error', '0', '0', '', '', '', '', '', `${r.error?.kind}: ${r.error?.message}`]);
        continue;
      }
      for (const t of r.turns) {
        const g = c.grade.turns.find((x) => x.index === t.index);
        const first = t.exchanges[0];
        const last = t.exchanges[t.exchanges.length - 1];
        rows.push([r.id, r.bank, r.channel, r.kind, r.pack, r.case, String(r.variant), String(r.repeat), String(t.index + 1), g?.level ?? '', String(g?.recognition ?? ''), String(g?.completeness ?? ''), g?.topic ?? '', first?.utterance.text ?? '', last ? replyCell(last.reply) : '', String(first?.reply.latency.firstMs ?? ''), String(first?.reply.latency.settledMs ?? ''), '']);
      }
    }
    return '\ufeff' + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
  },
};

/** A long reply is clipped with a pointer to its evidence file, as in the other reports. */
function replyCell(reply: BotReply): string {
  const shown = clipReplyText(reply, HTML_REPLY_CHARS);
  if (!shown.clipped) return shown.text;
  return `${shown.text}…[${shown.clipped.shown}/${shown.clipped.total}${shown.clipped.full ? ` ${shown.clipped.full}` : ''}]`;
}
