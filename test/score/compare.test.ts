import { describe, expect, it } from 'vitest';
import { renderComparison } from '../../reports/compare/index.ts';
import { compareRuns } from '../../harness/score/compare.ts';
import type { Summary } from '../../harness/score/types.ts';
import { conversations, summaryOf } from '../fixtures/report-run.ts';

// Five banks measured on the same packs; scores set per bank so the survey's
// tables can be checked by hand.
function bank(id: string, name: string, r: number, c: number, opts: { hotline?: [number, number] | null; cardLoss: number }): { dir: string; summary: Summary } {
  const s = summaryOf(conversations(), { bank: id, bankName: name, id: `run-${id}` });
  s.bank = { recognition: r, completeness: c, effectiveness: r + c, score100: (r + c) * 10 };
  s.online = { recognition: r + 0.3, completeness: c, effectiveness: r + 0.3 + c, n: 8 };
  s.hotline = opts.hotline ? { recognition: opts.hotline[0], completeness: opts.hotline[1], effectiveness: opts.hotline[0] + opts.hotline[1], n: 3 } : { recognition: null, completeness: null, effectiveness: null, n: 0 };
  s.scenarios['card-loss'] = { ...s.scenarios['card-loss'], effectiveness: opts.cardLoss };
  return { dir: `runs/${id}`, summary: s };
}

const runs = [
  bank('cityA', '城商银行A', 3.8, 3.6, { hotline: [3.0, 3.2], cardLoss: 7.9 }),
  bank('merchants', '招商示例银行', 4.6, 4.1, { hotline: [3.9, 3.8], cardLoss: 9.1 }),
  bank('ruralB', '农商银行B', 4.1, 2.4, { hotline: [2.2, 2.5], cardLoss: 9.1 }),
  bank('villageC', '村镇银行C', 2.5, 2.9, { hotline: null, cardLoss: 5.0 }),
  bank('cityD', '城商银行D<script>', 3.2, 3.3, { hotline: [2.0, 2.9], cardLoss: 6.0 }),
];

describe('comparing many banks', () => {
  it('ranks banks by AI effectiveness, ties sharing a rank, with the 100-point view', () => {
    const c = compareRuns(runs);
    expect(c.ranking.map((r) => [r.rank, r.label, Math.round(r.score100! * 10) / 10])).toEqual([
      [1, '招商示例银行', 87],
      [2, '城商银行A', 74],
      [3, '农商银行B', 65],
      [3, '城商银行D<script>', 65],
      [5, '村镇银行C', 54],
    ]);
  });

  it('counts the survey buckets and the shares of "good" banks', () => {
    const c = compareRuns(runs);
    expect(c.buckets.map((b) => [b.label, b.count])).toEqual([['≥80', 1], ['70–79', 1], ['60–69', 2], ['<60', 1]]);
    expect(c.good.recognition).toEqual({ count: 2, share: 0.4 });
    expect(c.good.completeness).toEqual({ count: 1, share: 0.2 });
  });

  it('averages online and hotline over the banks that have them, and names the best bank per scenario', () => {
    const c = compareRuns(runs);
    expect(c.sides.hotline.banks).toBe(4);
    expect(c.sides.hotline.recognition).toBeCloseTo((3.0 + 3.9 + 2.2 + 2.0) / 4, 6);
    expect(c.sides.online.banks).toBe(5);
    const cardLoss = c.scenarios.find((s) => s.id === 'card-loss')!;
    expect(cardLoss.best.map((b) => b.label)).toEqual(['招商示例银行', '农商银行B']);
    expect(cardLoss.name).toBe('卡挂失');
  });

  it('renders HTML with three charts and escaped names, and a Markdown table', () => {
    const { html, markdown } = renderComparison({ comparison: compareRuns(runs), lang: 'zh' });
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toContain('城商银行D<script>');
    expect(html).toContain('城商银行D&lt;script&gt;');
    expect(html).not.toMatch(/<script>/);
    expect(markdown).toContain('| 1 | 招商示例银行 | 8.70 | 87.0 |');
    expect(markdown).toContain('| 1 (20%) | 1 (20%) | 2 (40%) | 1 (20%) |');
    expect(markdown).toContain('- 问题识别能力: 2/5 (40%)');
    expect(markdown).toContain('| 卡挂失 | 招商示例银行、农商银行B | 9.10 |');
    const en = renderComparison({ comparison: compareRuns(runs), lang: 'en' });
    expect(en.markdown).toContain('## Ranking (AI effectiveness)');
  });
});
