import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrate, formatCalibration } from '../../harness/grade/calibrate.ts';
import { rulesGrader } from '../../harness/grade/rules.ts';
import { locale, packs } from '../helpers/grade.ts';

// The calibration arithmetic on a handful of replies whose outcome is known.

const dir = mkdtempSync(join(tmpdir(), 'harness-calibration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'card-loss.yaml'),
  `
- { id: full, pack: card-loss, case: lost-card, turn: 0, question: 我的银行卡丢了，怎么挂失？, reply: 请立即拨打客服电话办理临时挂失，再带身份证到网点补卡。, label: { recognition: 5, topic: on, completeness: 5, hits: [quick-freeze, formal, reissue] } }
- { id: partial, pack: card-loss, case: lost-card, turn: 0, question: 我的银行卡丢了，怎么挂失？, reply: 请带身份证到网点。, label: { recognition: 5, topic: on, completeness: 3, hits: [formal] } }
- { id: wrong-topic, pack: card-loss, case: lost-card, turn: 0, question: 我的银行卡丢了，怎么挂失？, reply: 您可以通过手机银行、网上银行或ATM查询余额，也可开通动账提醒。, label: { recognition: 1, topic: off, completeness: 0, hits: [] } }
- { id: misjudged, pack: card-loss, case: lost-card, turn: 0, question: 我的银行卡丢了，怎么挂失？, reply: 抱歉，我没有理解您的意思。, label: { recognition: 5, topic: on, completeness: 1, hits: [] } }
- { id: unknown-pack, pack: no-such-pack, case: x, turn: 0, question: q, reply: r, label: { recognition: 0, topic: fallback, completeness: 0 } }
`,
);

describe('calibrate', async () => {
  const result = await calibrate({ grader: rulesGrader, fixturesDir: dir, packs, locale, lang: 'en' });

  it('counts agreement, the confusion matrix and the completeness error', () => {
    expect(result.n).toBe(4);
    expect(result.skipped).toEqual(['unknown-pack']);
    expect(result.agreement).toBe(0.75);
    // rows: label on/off/fallback; columns: grader on/off/fallback
    expect(result.confusion).toEqual([
      [2, 0, 1],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    // |5-5| + |2.5-3| + |0-0| + |0-1| over 4
    expect(result.completenessMAE).toBeCloseTo(0.375, 6);
    expect(result.rows.find((r) => r.id === 'misjudged')).toMatchObject({ agree: false, got: { topic: 'fallback', level: 'fallback' } });
    expect(result.kappa).toBeGreaterThan(0);
    expect(result.kappa).toBeLessThan(1);
  });

  it('lists the disagreements with the grader reasons', () => {
    const text = formatCalibration(result, 'en');
    expect(text).toContain('Recognition agreement (on topic / off topic / fallback): 75.0 %');
    expect(text).toContain('- misjudged [uncategorised] label on topic 1 · grader fallback 0: 抱歉，我没有理解您的意思。');
    expect(text).toContain('fallback phrase "没有理解"');
    expect(text).toContain('Skipped (pack or case not loaded): unknown-pack');
  });
});
