import type { ConversationRecord } from '../types.ts';
import type { SetupProblem } from './types.ts';

// A run of zeros is never blamed on the bot without a word: a channel that
// was stopped, or whose replies were mostly empty (or ran into the wait
// limit), is named at the top of the report as a likely setup problem.

/** Share of replies above which a channel's emptiness is flagged. */
export const EMPTY_SHARE = 0.5;

export interface StopRecord {
  channel: string;
  by: 'preflight' | 'breaker';
  kind: string;
  cause: string;
  fix: string;
}

/** The harness try command for a channel, with the run's --set overrides so it tries the same profile. */
export function tryCommandFor(bank: string, channel: string, set: string[] = []): string {
  const q = (v: string) => (/^[\w./:@=-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  return [`npx harness try --bank ${q(bank)} --channel ${channel}`, ...set.map((s) => `--set ${q(s)}`)].join(' ');
}

export function setupProblems(records: ConversationRecord[], stopped: StopRecord[], bank: string, set: string[] = []): SetupProblem[] {
  const tryCommand = (ch: string) => tryCommandFor(bank, ch, set);
  const out: SetupProblem[] = stopped.map((s) => ({ channel: s.channel, problem: 'stopped', by: s.by, kind: s.kind, cause: s.cause, fix: s.fix, tryCommand: tryCommand(s.channel) }));
  const replies = new Map<string, { n: number; empty: number; maxWait: number }>();
  for (const r of records) {
    if (r.error || out.some((p) => p.channel === r.channel)) continue;
    const c = replies.get(r.channel) ?? { n: 0, empty: 0, maxWait: 0 };
    for (const t of r.turns) {
      for (const e of t.exchanges) {
        c.n++;
        const hitLimit = (e.reply.evidence?.raw as { ended?: unknown } | undefined)?.ended === 'max-wait';
        if (hitLimit) c.maxWait++;
        if (hitLimit || !e.reply.text.trim()) c.empty++;
      }
    }
    replies.set(r.channel, c);
  }
  for (const [channel, c] of replies) {
    if (!c.n || c.empty / c.n <= EMPTY_SHARE) continue;
    const share = Math.round((c.empty / c.n) * 100) / 100;
    out.push({
      channel,
      problem: 'empty-replies',
      cause: `${c.empty} of ${c.n} replies were empty${c.maxWait ? ` (${c.maxWait} ran into the wait limit)` : ''}`,
      fix: 'a wrong response path or bot-message selector reads nothing, or the bot never answers: check what it sends back',
      share,
      tryCommand: tryCommand(channel),
    });
  }
  return out;
}

export interface ErrorCause {
  channel: string;
  kind: string;
  count: number;
  /** One message of this kind, as an example. */
  example: string;
}

/** Conversations that ended in errors, grouped by channel and kind, most frequent first. */
export function errorCauses(records: ConversationRecord[]): ErrorCause[] {
  const by = new Map<string, ErrorCause>();
  for (const r of records) {
    if (!r.error) continue;
    const key = `${r.channel}\0${r.error.kind}`;
    const c = by.get(key);
    if (c) c.count++;
    else by.set(key, { channel: r.channel, kind: r.error.kind, count: 1, example: r.error.message });
  }
  return [...by.values()].sort((a, b) => b.count - a.count);
}

