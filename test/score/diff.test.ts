import { describe, expect, it } from 'vitest';
import { renderDiff } from '../../reports/diff/index.ts';
import { diffRuns } from '../../harness/score/diff.ts';
import { htmlRenderer } from '../../reports/html/index.ts';
import { conversations, packs, summaryOf } from '../fixtures/report-run.ts';

// The release under test fixed the hotline's balance answer and broke the
// api follow-up on a dropped balance.
function runs() {
  const base = conversations();
  const head = conversations();
  const fixed = head.find((c) => c.record.id === 'demo/hotline/balance-inquiry/channels#0.0')!;
  fixed.grade = { ...fixed.grade, recognition: 5, completeness: 5, passed: true };
  const broken = head.find((c) => c.record.id === 'demo/api/card-loss/balance-dropped#0.0')!;
  broken.grade = { ...broken.grade, recognition: 2.5, completeness: 1, passed: false };
  head.splice(head.findIndex((c) => c.record.channel === 'hotline' && c.record.pack === 'account-opening'), 1);
  return {
    base: { summary: summaryOf(base, { id: 'run-base' }), conversations: base },
    head: { summary: summaryOf(head, { id: 'run-head' }), conversations: head },
  };
}

describe('a run against its baseline', () => {
  it('lists what got better and worse per case and channel, with score deltas', () => {
    const { base, head } = runs();
    const d = diffRuns(base, head);
    expect(d.better.map((x) => [x.key, x.delta])).toEqual([['hotline/balance-inquiry/channels#0', 9]]);
    expect(d.worse.map((x) => [x.key, x.delta, x.recognitionDelta])).toEqual([['api/card-loss/balance-dropped#0', -4.5, -2.5]]);
    expect(d.removed.map((x) => x.key)).toEqual(['hotline/account-opening/how-to-open#0']);
    expect(d.same).toHaveLength(8);
    const hotline = d.channels.find((c) => c.channel === 'hotline')!.pairs.find((p) => p.name === 'effectiveness')!;
    expect(hotline.delta).toBeGreaterThan(0);
  });

  it('renders the diff as Markdown and HTML, and inside index.html when a baseline is given', async () => {
    const { base, head } = runs();
    const { markdown, html } = renderDiff(diffRuns(base, head), 'zh');
    expect(markdown).toContain('# 与基线对比');
    expect(markdown).toContain('| api | card-loss/balance-dropped#0 | 8.00 | 3.50 | -4.50 | -2.50 | -2.00 |');
    expect(markdown).toContain('| hotline | balance-inquiry/channels#0 | 1.00 | 10.00 | +9.00 |');
    expect(html).toContain('变差 (1)');
    const page = await htmlRenderer.render({ runDir: '/tmp', ...head, packs, lang: 'zh', diff: diffRuns(base, head) });
    expect(page).toContain('id="baseline-diff"');
    expect(page).toContain('run-base');
  });

  it('names cases by the name their pack gives, the id beside it', () => {
    const { base, head } = runs();
    for (const c of head.summary.cases) if (c.case === 'balance-dropped') c.name = '卡里余额莫名变少';
    const d = diffRuns(base, head);
    expect(d.worse[0].name).toBe('卡里余额莫名变少');
    const { markdown, html } = renderDiff(d, 'zh');
    expect(markdown).toContain('| api | 卡里余额莫名变少 (card-loss/balance-dropped#0) | 8.00 | 3.50 |');
    expect(html).toContain('卡里余额莫名变少 <small class="meta">card-loss/balance-dropped#0</small>');
  });
});
