import { describe, expect, it } from 'vitest';
import { stableChartIds } from '../../reports/html/chart-ids.ts';
import { htmlRenderer } from '../../reports/html/index.ts';
import { conversations, packs, summaryOf } from '../fixtures/report-run.ts';

describe('chart ids in a report', () => {
  it('renders the same report byte-identical however many charts the process drew before', async () => {
    const list = conversations();
    const input = { runDir: '/tmp/run', summary: summaryOf(list), conversations: list, packs, lang: 'zh' as const };
    const first = await htmlRenderer.render(input);
    const second = await htmlRenderer.render(input);
    expect(first).toContain('<svg');
    expect(second).toBe(first);
  });

  it('keeps each chart\'s classes and references its own, and leaves text outside the charts alone', () => {
    const chart = (zr: number, cls: number) => `<svg><style>.zr${zr}-cls-${cls}{fill:red}</style><clipPath id="zr${zr}-c${cls}"/><path class="zr${zr}-cls-${cls}" clip-path="url(#zr${zr}-c${cls})"/></svg>`;
    const html = `${chart(7, 30)}<p>bot said zr9-c1</p>${chart(8, 31)}`;
    expect(stableChartIds(html)).toBe(`${chart(0, 0)}<p>bot said zr9-c1</p>${chart(1, 1)}`);
  });
});
