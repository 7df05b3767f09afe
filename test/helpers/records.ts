import type { Pack } from '../../harness/config/scenario.ts';
import type { ConversationRecord } from '../../harness/types.ts';

/**
 * A large finished run without a bot: every case of every pack, repeated
 * until `count` conversations, odd repeats on a hotline channel. Each reply is
 * one of `replies` made unique, so no cache hides the grader's work.
 */
export function syntheticRun(packs: Pack[], replies: string[], count: number): ConversationRecord[] {
  const records: ConversationRecord[] = [];
  let k = 0;
  for (let repeat = 0; records.length < count; repeat++) {
    const hotline = repeat % 2 === 1;
    for (const pack of packs) {
      for (const c of pack.cases) {
        records.push({
          id: `bench/${hotline ? 'hotline' : 'api'}/${pack.id}/${c.id}#0.${repeat}`,
          bank: 'bench',
          channel: hotline ? 'hotline' : 'api',
          kind: hotline ? 'hotline' : 'online',
          pack: pack.id,
          case: c.id,
          variant: 0,
          repeat,
          startedAt: '2026-01-01T00:00:00.000Z',
          durationMs: 0,
          attempts: 1,
          turns: c.turns.map((_, index) => {
            const text = `${replies[k++ % replies.length]}（${repeat}-${k}）`;
            return { index, exchanges: [{ utterance: { index, text: 'q', attempt: 'first' as const }, reply: { text, messages: [{ text }], buttons: [], latency: { firstMs: 1, settledMs: 1 } } }] };
          }),
        });
      }
    }
  }
  return records;
}
