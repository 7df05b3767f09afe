import { describe, expect, it } from 'vitest';
import { loadBank, loadPacks } from '../../harness/config/load.ts';
import { assessReply } from '../../harness/grade/index.ts';
import { gradeContext } from '../../harness/run/grade-run.ts';
import { Journal } from '../../harness/run/journal.ts';
import { buildPlan } from '../../harness/run/plan.ts';
import { executePlan } from '../../harness/run/runner.ts';
import type { Adapter, BotReply, ConversationRecord } from '../../harness/types.ts';
import { tempDir } from '../helpers/cli.ts';

// When a conversation ends, its slot goes to the next conversation before
// the finished one is journalled and graded: a bot's replies arrive
// together, and each slot would otherwise wait on the bookkeeping of every
// conversation that finished before it.

describe('the runner', () => {
  it("sends the next conversation's first message before it journals and grades the one that ended, and journals every one", async () => {
    const { profile } = loadBank('demo');
    const { packs, locale } = loadPacks();
    const plan = buildPlan(profile, packs, { channels: ['api'], scenarios: ['balance-inquiry'] }).filter((p) => p.case.turns.length === 1).slice(0, 3);
    expect(plan).toHaveLength(3);
    const events: string[] = [];
    const reply = (text: string): BotReply => ({ text, messages: [{ text }], buttons: [], latency: { firstMs: 1, settledMs: 1 } });
    const adapter: Adapter = {
      async open(ctx) {
        return {
          async send() {
            events.push(`send ${ctx.conversationId}`);
            return reply('您可以登录手机银行首页查看账户余额，也可以拨打客服热线查询。');
          },
          async close() {},
        };
      },
      async dispose() {},
    };
    const dir = tempDir();
    const journal = new Journal(dir);
    const append = journal.append.bind(journal);
    journal.append = (record: ConversationRecord) => {
      events.push(`journal ${record.id}`);
      append(record);
    };
    await executePlan(plan, {
      profile,
      adapters: new Map([['api', adapter]]),
      journal,
      runDir: dir,
      concurrency: 1,
      assess: assessReply,
      gradeCtx: gradeContext(packs, locale),
      redact: (t) => t,
      signal: new AbortController().signal,
      onDone: (r) => events.push(`graded ${r.id}`),
      log: () => undefined,
      simulated: new Set(),
    });
    journal.close();
    const [a, b, c] = plan.map((p) => p.id);
    expect(events.indexOf(`send ${b}`)).toBeLessThan(events.indexOf(`journal ${a}`));
    expect(events.indexOf(`send ${c}`)).toBeLessThan(events.indexOf(`journal ${b}`));
    expect(events.filter((e) => e.startsWith('journal')).sort()).toEqual([a, b, c].map((id) => `journal ${id}`).sort());
    expect(events.filter((e) => e.startsWith('graded'))).toHaveLength(3);
    expect(journal.records.map((r) => r.id).sort()).toEqual([a, b, c].sort());
  });
});
