import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { executeRun } from '../../harness/run/index.ts';
import { SLOW_BOT_MS } from '../../harness/run/live-grading.ts';
import { startEarly, takeEarly } from '../../bin/grade-early.mjs';
import { ROOT } from '../helpers/cli.ts';
import { loadPacks } from '../../harness/config/load.ts';
import { caseIn, type Pack } from '../../harness/config/scenario.ts';
import { assessReply, gradeConversation, graders } from '../../harness/grade/index.ts';
import { READINGS_PER_MESSAGE, startGradeThread, type GradeThread } from '../../harness/grade-thread.ts';
import type { GradeRequest } from '../../harness/grade/request.ts';
import type { ReplyAssessment } from '../../harness/grade/types.ts';
import { gradeContext } from '../../harness/run/grade-run.ts';
import type { BotReply, CaseGrade, ConversationRecord } from '../../harness/types.ts';
import { record } from '../helpers/grade.ts';
import type { ChartCall } from '../../reports/html/charts.ts';
import { paintCharts } from '../../reports/html/paint.ts';
import { stableChartIds } from '../../reports/html/chart-ids.ts';

// A long run grades in a thread of its own. What the thread says of a reply
// and of a conversation is what the main thread says; and when the thread
// fails, is asked what it cannot answer, or is closed with requests waiting,
// the main thread answers them: no grade is lost and no conversation fails.

const { packs, locale } = loadPacks();
const ctx = gradeContext(packs, locale, [], undefined, 'zh');
const byId = new Map(packs.map((p) => [p.id, p]));
const rules = await graders.rules();

const single = packs.flatMap((p) => p.cases.filter((c) => c.turns.length === 1).slice(0, 3).map((c) => ({ pack: p, c })));
/** Per case: the right answer, a fallback, a clarifying menu, an ask for data, another case's answer. */
const records: ConversationRecord[] = single.flatMap(({ pack, c }, i) => {
  const right = c.turns[0].expect.keypoints.map((k) => `${k.text}，${k.any[0]}。`).join('');
  const other = single[(i + 5) % single.length].c.turns[0].expect.keypoints.map((k) => `${k.text}。`).join('');
  const texts = [right, '抱歉，没有理解您的问题，请换个说法。', '请问您想办理哪项业务？', '请您先提供身份证号，我来为您查询。', other];
  return texts.map((t, k) => record(pack.id, c.id, [t], { id: `api/${pack.id}/${c.id}#${k}`, repeat: k }));
});
const menu: BotReply = { text: '请选择您要咨询的业务', messages: [{ text: '请选择您要咨询的业务' }], buttons: ['借记卡挂失', '信用卡挂失'], latency: { firstMs: 100, settledMs: 200 } };

const onMain = async (r: GradeRequest): Promise<ReplyAssessment | CaseGrade> => {
  if (r.op === 'grade') return gradeConversation(r.record, byId.get(r.record.pack)!, rules, ctx, 4);
  const pack = byId.get(r.pack)!;
  return assessReply(r.reply, { pack, case: caseIn(pack, r.case)!, turnIndex: r.turnIndex, transcribed: r.transcribed }, ctx);
};

const started: GradeThread[] = [];
function thread(with_: Pack[] = packs, local: (r: GradeRequest) => Promise<ReplyAssessment | CaseGrade> = onMain): GradeThread {
  const t = startGradeThread({ packs: with_, locale, lang: 'zh', good: 4 });
  t.local(local);
  started.push(t);
  return t;
}
afterAll(() => Promise.all(started.map((t) => t.close())));

describe('the grading thread', () => {
  it('reads every reply and grades every conversation as the main thread does', async () => {
    const t = thread();
    const inputs = records.map((r) => {
      const pack = byId.get(r.pack)!;
      return { reply: r.turns[0].exchanges[0].reply, input: { pack, case: caseIn(pack, r.case)!, turnIndex: 0, transcribed: false } };
    });
    inputs.push({ ...inputs[0], reply: menu });
    // Asked in one turn: they cross in several messages, answered in the order asked.
    expect(inputs.length).toBeGreaterThan(2 * READINGS_PER_MESSAGE);
    const kinds = await Promise.all(inputs.map(({ reply, input }) => t.assess(reply, input)));
    expect(kinds).toEqual(inputs.map(({ reply, input }) => assessReply(reply, input, ctx)));
    // Not one kind for all: the set reads answers, fallbacks, menus and asks for data apart.
    expect([...new Set(kinds)]).toEqual(expect.arrayContaining(['on-topic', 'fallback', 'clarify', 'ask-data', 'off-topic']));

    const grades = await Promise.all(records.map((r) => t.grade(r)));
    const expected = await Promise.all(records.map((r) => gradeConversation(r, byId.get(r.pack)!, rules, ctx, 4)));
    expect(grades).toEqual(expected);
    expect(grades.filter((g) => g.passed).length).toBeGreaterThan(0);
    expect(grades.filter((g) => !g.passed).length).toBeGreaterThan(0);
  });

  it('takes the thread started with the process, which gets its packs later', async () => {
    startEarly(join(ROOT, 'bin', 'grade-worker.mjs'));
    const t = thread();
    // Taken: a second run starts a thread of its own.
    expect(takeEarly()).toBeUndefined();
    const some = records.slice(0, 10);
    expect(await Promise.all(some.map((r) => t.grade(r)))).toEqual(await Promise.all(some.map((r) => gradeConversation(r, byId.get(r.pack)!, rules, ctx, 4))));
  });

  it('hands what it cannot answer to the main thread: a pack it was not given', async () => {
    const asked: string[] = [];
    const t = thread([packs[0]], (r) => {
      asked.push(r.op === 'grade' ? r.record.pack : r.pack);
      return onMain(r);
    });
    const foreign = records.filter((r) => r.pack !== packs[0].id).slice(0, 4);
    const own = records.filter((r) => r.pack === packs[0].id).slice(0, 2);
    const grades = await Promise.all([...foreign, ...own].map((r) => t.grade(r)));
    expect(grades).toEqual(await Promise.all([...foreign, ...own].map((r) => gradeConversation(r, byId.get(r.pack)!, rules, ctx, 4))));
    // Only the foreign ones came back to the main thread.
    expect(asked.sort()).toEqual(foreign.map((r) => r.pack).sort());
  });

  it("paints the report's charts as this thread does, and refuses once it has ended", async () => {
    const t = thread();
    const calls: ChartCall[] = [
      { kind: 'bar', args: { categories: ['识别', '完整'], series: [{ name: '在线', data: [4.2, 3.5] }], max: 5 } },
      { kind: 'heatmap', args: { rows: ['开户', '挂失'], columns: ['api'], cells: [[7], [null]], min: 0, max: 10 } },
      { kind: 'scorecard-wait', args: { rows: [{ label: '热线', seconds: 35 }], name: '等待秒数' } },
    ];
    t.warmCharts();
    const svgs = await t.paint(calls);
    // Each painter numbers its charts' ids from its own counters: compared as a page numbers them.
    expect(svgs.map(stableChartIds)).toEqual(paintCharts(calls).map(stableChartIds));
    expect(svgs.every((s) => s.startsWith('<svg'))).toBe(true);
    await expect(t.paint([{ kind: 'no-such-chart', args: {} }])).rejects.toThrow(/no chart painter "no-such-chart"/);
    await t.close();
    await expect(t.paint(calls)).rejects.toThrow(/ended/);
  });

  it('answers on the main thread what still waits when it is closed', async () => {
    let local = 0;
    const t = thread(packs, (r) => {
      local++;
      return onMain(r);
    });
    const waiting = records.slice(0, 12).map((r) => t.grade(r));
    await t.close();
    const grades = await Promise.all(waiting);
    expect(grades).toEqual(await Promise.all(records.slice(0, 12).map((r) => gradeConversation(r, byId.get(r.pack)!, rules, ctx, 4))));
    expect(local).toBe(12);
    // After closing, every request is the main thread's.
    expect(await t.grade(records[0])).toEqual(grades[0]);
    expect(local).toBe(13);
  });
});

/** A bank bot on loopback answering every question with a lost card's answer after `latencyMs`. */
async function bot(latencyMs: number): Promise<{ server: Server; bankFile: string; dir: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ reply: { text: '请立即拨打客服热线办理临时挂失，再携带身份证到网点补卡。' } }));
      }, latencyMs),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'harness-grade-thread-'));
  const bankFile = join(dir, 'bank.yaml');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
  writeFileSync(bankFile, stringify({ id: 'bot', name: 'Bot', politeness: { maxConcurrent: 16, minIntervalMs: 0 }, channels: { api: { adapter: 'http', kind: 'online', url, request: { sessionId: '{{sessionId}}', text: '{{text}}' }, response: { text: 'reply.text' } } } }));
  return { server, bankFile, dir };
}

describe('a run with a grading thread', () => {
  const run = async (latencyMs: number) => {
    const b = await bot(latencyMs);
    const lines: string[] = [];
    try {
      const r = await executeRun({ bank: b.bankFile, scenarios: ['card-loss'], limit: 8, concurrency: 8, out: join(b.dir, 'run'), progress: 'none', debug: true, gradeThread: true, log: (m) => lines.push(m) });
      return { lines, grades: [...r.liveGrades.values()], records: r.records };
    } finally {
      b.server.closeAllConnections();
      b.server.close();
      rmSync(b.dir, { recursive: true, force: true });
    }
  };

  it('keeps the thread for a fast bot, and grades every conversation in it', async () => {
    const { lines, grades, records } = await run(0);
    expect(lines).toContain('grading: in a thread of its own');
    // On a loaded machine even a bot that answers at once may miss the mark: then the log must say so.
    const dropped = lines.find((l) => l.startsWith('grading: on the main thread'));
    if (dropped) expect(dropped).toMatch(new RegExp(`no reply within ${SLOW_BOT_MS} ms|first reply took (\\d{3,}) ms`));
    expect(records.length).toBe(8);
    expect(grades.length).toBe(8);
  });

  it('grades on the main thread when the bot is slow to its first reply, losing no grade', async () => {
    const { lines, grades, records } = await run(SLOW_BOT_MS + 50);
    expect(lines).toContain(`grading: on the main thread, the bot gave no reply within ${SLOW_BOT_MS} ms`);
    expect(records.length).toBe(8);
    expect(grades.length).toBe(8);
    // The same reply to the same pack's questions grades as the fast run's does.
    const fast = await run(0);
    const byId = new Map(fast.grades.map((g) => [g.id, g]));
    for (const g of grades) expect(g).toEqual(byId.get(g.id));
  });
});
