import { describe, expect, it } from 'vitest';
import { loadBank, loadPacks } from '../../harness/config/load.ts';
import { buildPlan, inShard, parseShard, turnText } from '../../harness/run/plan.ts';
import { checkGate, parseFailUnder } from '../../harness/score/gate.ts';
import { wilson } from '../../harness/score/rollup.ts';
import { createRedactor } from '../../harness/util/redact.ts';

describe('the run plan', () => {
  const { packs } = loadPacks();
  const { profile } = loadBank('demo');

  it('has one conversation per case per channel with --variants first, with stable ids', () => {
    const plan = buildPlan(profile, packs, { channels: ['api'] });
    // Cross-channel cases name their own channels: none of them runs on the API alone.
    expect(plan.length).toBe(packs.reduce((n, p) => n + p.cases.filter((c) => !c.turns.some((t) => t.on)).length, 0));
    expect(plan[0].id).toMatch(/^demo\/api\/[a-z-]+\/[a-z0-9-]+#0\.0$/);
    expect(buildPlan(profile, packs, { channels: ['api'] }).map((p) => p.id)).toEqual(plan.map((p) => p.id));
  });

  it('sends every phrasing with --variants all, and repeats with --repeat', () => {
    const pack = packs.find((p) => p.id === 'card-loss')!;
    const c = pack.cases[0];
    const plan = buildPlan(profile, packs, { channels: ['api'], scenarios: ['card-loss'], cases: [c.id], variants: 'all', repeat: 2 });
    expect(plan.length).toBe((1 + c.turns[0].paraphrases.length) * 2);
    expect(turnText(c, 0, 0)).toBe(c.turns[0].say);
    expect(turnText(c, 0, 1)).toBe(c.turns[0].paraphrases[0]);
  });

  it('filters by tag and limits the plan', () => {
    const quick = buildPlan(profile, packs, { channels: ['api'], tags: ['quick'] });
    expect(quick.length).toBeGreaterThanOrEqual(8);
    expect(quick.every((q) => q.case.tags.includes('quick'))).toBe(true);
    expect(buildPlan(profile, packs, { channels: ['api'], limit: 5 })).toHaveLength(5);
  });

  it('splits into disjoint shards that cover the plan', () => {
    const all = buildPlan(profile, packs, { channels: ['api'], variants: 'all' }).map((p) => p.id);
    const shards = [1, 2, 3].map((index) => all.filter((id) => inShard(id, { index, total: 3 })));
    expect(shards.flat().sort()).toEqual([...all].sort());
    for (const s of shards) expect(s.length).toBeGreaterThan(all.length / 6);
    expect(() => parseShard('0/3')).toThrow(/1 ≤ i ≤ n/);
  });
});

describe('scores and gates', () => {
  it('gives a Wilson interval that narrows with more conversations', () => {
    const [lo1, hi1] = wilson(5, 10);
    const [lo2, hi2] = wilson(50, 100);
    expect(lo1).toBeLessThan(0.5);
    expect(hi1).toBeGreaterThan(0.5);
    expect(hi2 - lo2).toBeLessThan(hi1 - lo1);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('parses --fail-under and rejects unknown metrics', () => {
    expect(parseFailUnder('recognition=4,completeness=3.5')).toEqual({ recognition: 4, completeness: 3.5 });
    expect(() => parseFailUnder('speed=3')).toThrow(/metric=value/);
  });

  it('fails a gate per channel and on a drop against the baseline', () => {
    const ch = (r: number, c: number) => ({ kind: 'online', recognition: r, completeness: c, effectiveness: r + c, conversations: 1, errors: 0, latency: {}, scenarios: { x: { recognition: r, completeness: c, effectiveness: r + c, n: 1, passRate: 1 } } });
    const summary: any = { bank: { recognition: 4, completeness: 3, effectiveness: 7 }, channels: { api: ch(4, 3) } };
    const baseline: any = { channels: { api: ch(4.5, 3) } };
    expect(checkGate(summary, { failUnder: { completeness: 3.5 } }).failures).toEqual(['bank: completeness 3.00 < 3.5', 'channel api: completeness 3.00 < 3.5']);
    expect(checkGate(summary, { baseline, maxDrop: 0.2 }).failures[0]).toContain('channel api: recognition dropped 0.50');
    expect(checkGate(summary, { baseline, maxDrop: 0.6 }).failures).toEqual([]);
  });
});

describe('the redactor', () => {
  it('masks phone, ID-card and bank-card numbers and secrets before transcripts are stored', () => {
    const r = createRedactor(['sk-live-abcdef']);
    expect(r('您的预留手机号是13812345678')).toBe('您的预留手机号是138****5678');
    expect(r('身份证110101199003071234已核验')).toBe('身份证110101********1234已核验');
    expect(r('卡号 6222 0212 3456 7890 123')).toContain('****');
    expect(r('token sk-live-abcdef')).toBe('token [secret]');
    expect(r('客服热线95588')).toBe('客服热线95588');
    // Ten digits in all are no number to mask; many digits apart are none either; the eleventh makes a phone number.
    expect(r('营业时间9:00至17:00，周六9:30起')).toBe('营业时间9:00至17:00，周六9:30起');
    expect(r('网点编号 2024-0315，窗口 12，排队 30 人，预计等待 45 分钟，叫号 A0012')).toBe('网点编号 2024-0315，窗口 12，排队 30 人，预计等待 45 分钟，叫号 A0012');
    expect(r(`${'办理进度已更新。'.repeat(50)}请留意短信，联系电话13912345678`)).toMatch(/联系电话139\*{4}5678$/);
  });
});
