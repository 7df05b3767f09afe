import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBank, loadPackFile, loadPacks } from '../../harness/config/load.ts';
import { formatProblem } from '../../harness/errors.ts';
import { driveConversation, fillTemplate } from '../../harness/run/conversation.ts';
import { buildPlan, type PlanSkip } from '../../harness/run/plan.ts';
import type { BotReply, Session, Utterance } from '../../harness/types.ts';
import { createBrain } from '../../banks/demo/brain/index.ts';
import { tempDir } from '../helpers/cli.ts';

function packFile(body: string): string {
  const file = join(tempDir(), 'cross.yaml');
  writeFileSync(file, `id: cross\nname: 跨渠道\nintent: { id: feedback.lookup, description: 查询反馈 }\ncases:\n${body}`);
  return file;
}

const problemsOf = (body: string) => loadPackFile(packFile(body)).problems.map(formatProblem);

describe('cross-channel cases in the pack format', () => {
  it('loads a case that leaves feedback on the web and asks about it on the hotline', () => {
    const { pack, problems } = loadPackFile(
      packFile(`  - id: web-hotline
    turns:
      - on: web
        say: 留言反馈一下网点排队太久
        remember: { ticket: 'FK\\d{8}' }
      - on: hotline
        say: 工单号{{ticket}}处理得怎么样了
`),
    );
    expect(problems).toEqual([]);
    expect(pack!.cases[0].turns.map((t) => t.on)).toEqual(['web', 'hotline']);
    expect(pack!.cases[0].turns[0].remember).toEqual({ ticket: 'FK\\d{8}' });
  });

  it('points at the say that uses a value no earlier turn remembers, with the nearest name', () => {
    const problems = problemsOf(`  - id: typo
    turns:
      - on: web
        say: 留言反馈一下
        remember: { ticket: 'FK\\d{8}' }
      - on: hotline
        say: 工单号{{tickt}}处理得怎么样了
`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/cross\.yaml:11:14 cases\[0\]\.turns\[1\]\.say: \{\{tickt\}\} is not remembered by any earlier turn — did you mean \{\{ticket\}\}\?/);
  });

  it('refuses a value used before the turn that remembers it', () => {
    const problems = problemsOf(`  - id: early
    turns:
      - on: web
        say: 工单号{{ticket}}查一下
      - say: 留言反馈
        remember: { ticket: 'FK\\d{8}' }
`);
    expect(problems.join('\n')).toMatch(/:8:14 cases\[0\]\.turns\[0\]\.say: \{\{ticket\}\} is not remembered.*add `remember: \{ ticket: '<pattern>' \}` to an earlier turn/);
  });

  it('asks the first turn to name its channel when a later one does', () => {
    const problems = problemsOf(`  - id: nowhere
    turns:
      - say: 留言反馈
      - on: hotline
        say: 查一下
`);
    expect(problems.join('\n')).toMatch(/cases\[0\]\.turns\[0\]: a later turn names its channel \(`on:`\), so the first must too — add `on: web`/);
  });

  it('locates a pattern that is not a regular expression', () => {
    const problems = problemsOf(`  - id: bad-pattern
    turns:
      - on: web
        say: 留言反馈
        remember: { ticket: 'FK(\\d+' }
`);
    expect(problems.join('\n')).toMatch(/cross\.yaml:9:\d+ cases\[0\]\.turns\[0\]\.remember\.ticket: not a valid regular expression/);
  });
});

describe('cross-channel cases in the plan', () => {
  const { packs } = loadPacks();
  const cross = (plan: ReturnType<typeof buildPlan>) => plan.filter((p) => p.turnChannels);

  it('plans each cross-channel case once per bank, under its route, with the channel of every turn', () => {
    const { profile } = loadBank('demo');
    const plan = buildPlan(profile, packs, { scenarios: ['feedback-lookup'] });
    const items = cross(plan);
    expect(items.map((i) => i.id).sort()).toEqual(['demo/web>hotline/feedback-lookup/web-then-hotline#0.0', 'demo/wechat>web/feedback-lookup/wechat-then-web#0.0']);
    const webHotline = items.find((i) => i.case.id === 'web-then-hotline')!;
    expect(webHotline.turnChannels).toEqual(['web', 'hotline']);
    // Graded where the lookup happens.
    expect(webHotline.kind).toBe('hotline');
    // No per-channel copies of a cross-channel case.
    expect(plan.filter((p) => p.case.id === 'web-then-hotline')).toHaveLength(1);
  });

  it('leaves a case out with the reason when the bank lacks a channel it names', () => {
    const { profile } = loadBank('demo');
    const skipped: PlanSkip[] = [];
    const plan = buildPlan(profile, packs, { scenarios: ['feedback-lookup'], channels: ['web', 'hotline'] }, skipped);
    expect(cross(plan).map((i) => i.channel)).toEqual(['web>hotline']);
    expect(skipped).toEqual([{ pack: 'feedback-lookup', case: 'wechat-then-web', reason: 'turn 1: channel "wechat" is not in this run (left out by --channel)' }]);

    const small = loadBank('demo-small').profile;
    const none: PlanSkip[] = [];
    buildPlan(small, packs, { scenarios: ['feedback-lookup'] }, none);
    expect(none.map((s) => s.reason)).toEqual(['turn 1: bank "demo-small" has no wechat channel']);
  });
});

/** A session that answers from the demo brain on one channel, as the demo bank's parts do. */
function brainSession(brain: ReturnType<typeof createBrain>, channel: string, log: string[]): Session {
  const s = brain.session(channel);
  return {
    async send(u: Utterance): Promise<BotReply> {
      const r = s.reply(u.text);
      log.push(`${channel}> ${u.text}`, `${channel}< ${r.text}`);
      return { text: r.text, messages: [{ text: r.text }], buttons: r.buttons, latency: { firstMs: 1, settledMs: 1 } };
    },
    async close() {},
  };
}

describe('one conversation across channels', () => {
  const { packs } = loadPacks();
  const { profile } = loadBank('demo');
  const item = buildPlan(profile, packs, { scenarios: ['feedback-lookup'], cases: ['web-then-hotline'] })[0];
  const deps = {
    assess: () => 'answer' as const,
    gradeCtx: {} as never,
    transcribed: false,
    turnTimeoutMs: 5000,
    beforeSend: async () => {},
    signal: new AbortController().signal,
    retries: { max: 0, baseMs: 1, maxMs: 1 },
    log: () => {},
  };

  it('carries the ticket the web chat gave into the question asked on the hotline, and the integrated bank finds it', async () => {
    const brain = createBrain({ integration: true });
    const log: string[] = [];
    const opened: string[] = [];
    const driven = await driveConversation(item, async (i) => (opened.push(item.turnChannels![i]), brainSession(brain, item.turnChannels![i], log)), deps as never);
    expect(driven.carried.ticket).toMatch(/^FK\d{8}$/);
    expect(driven.turns.map((t) => t.channel)).toEqual(['web', 'hotline']);
    expect(driven.turns[1].exchanges[0].utterance.text).toContain(driven.carried.ticket);
    expect(driven.turns[1].exchanges[0].reply.text).toMatch(/已查询到您的反馈.*通过网页在线客服提交/);
  });

  it('a bank without integration cannot find on the hotline the ticket left on the web', async () => {
    const brain = createBrain({ integration: false });
    const driven = await driveConversation(item, async (i) => brainSession(brain, item.turnChannels![i], []), deps as never);
    expect(driven.turns[1].exchanges[0].reply.text).toMatch(/未查询到工单号FK\d{8}的反馈记录/);
  });

  it('does not ask about a ticket the bot never gave: the turn is recorded unsent, naming the value', async () => {
    const silent: Session = {
      async send() {
        return { text: '您好，请问有什么可以帮您？', messages: [], buttons: [], latency: { firstMs: 1, settledMs: 1 } };
      },
      async close() {},
    };
    const driven = await driveConversation(item, async () => silent, deps as never);
    expect(driven.carried).toEqual({});
    expect(driven.turns[1]).toEqual({ index: 1, exchanges: [], channel: 'hotline', unsent: { missing: ['ticket'] } });
  });

  it('fills every remembered name and leaves an unknown one as written', () => {
    expect(fillTemplate('工单号{{ticket}}，编号{{ other }}', { ticket: 'FK12345678' })).toBe('工单号FK12345678，编号{{ other }}');
  });
});

describe('where `on:` leads', () => {
  const { packs } = loadPacks();
  const { profile } = loadBank('demo');

  it('takes a channel of that kind when the named one is left out: on: hotline with --channel web,hotline-sip dials the SIP line', () => {
    const plan = buildPlan(profile, packs, { scenarios: ['feedback-lookup'], channels: ['web', 'hotline-sip'] });
    expect(plan.filter((p) => p.turnChannels).map((p) => p.id)).toEqual(['demo/web>hotline-sip/feedback-lookup/web-then-hotline#0.0']);
  });
});
