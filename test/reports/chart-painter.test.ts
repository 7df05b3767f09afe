import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SURVEY, type Scorecard } from '../../harness/score/scorecard.ts';
import { paintCharts, type ChartCall } from '../../reports/html/charts.ts';
import { htmlRenderer } from '../../reports/html/index.ts';
import { conversations, packs, summaryOf } from '../fixtures/report-run.ts';

// `harness run` has its grading thread paint index.html's charts while the
// main thread writes the transcripts. The page must be the one painted here,
// whoever paints it, and whatever goes wrong with the painter.

const list = conversations();
const scorecard: Scorecard = {
  diversity: {
    channels: [{ name: 'web', label: '网页在线客服', kind: 'online', medium: 'web', conversations: 8, answeredShare: 0.88, ai: true }],
    byMedium: { web: 1 },
    online: { channels: 1, ai: true },
    hotline: { channels: 0, ai: false },
  },
  convenience: { hotlines: [{ channel: 'hotline', label: '热线语音', calls: 8, ivrDepth: 2, ivrBucket: '2–3', humanInFirstMenu: true, timeToHumanS: 35, waitBucket: '20–40 s', humanNotReached: false }] },
  integration: { pairs: [], skipped: [], integrated: false, onlineHotline: false },
  effectiveness: { online: { recognition: 3.5, completeness: 2.75, effectiveness: 6.25, n: 8 }, hotline: { recognition: 2, completeness: 1.5, effectiveness: 3.5, n: 8 } },
  reference: SURVEY,
};
const input = { runDir: tmpdir(), summary: { ...summaryOf(list), scorecard }, conversations: list, packs, lang: 'zh' as const };
const here = htmlRenderer.render(input) as string;
const charts = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

describe("index.html's charts painted by another thread", () => {
  it('give the very page painted here, from calls that are plain data', async () => {
    const asked: ChartCall[][] = [];
    // What crosses to a thread is a structured clone: a function among the arguments would fail here as it would there.
    const there = await htmlRenderer.render({ ...input, paintCharts: async (calls) => (asked.push(calls), paintCharts(structuredClone(calls))) });
    expect(there).toBe(here);
    expect(asked).toHaveLength(1);
    expect(asked[0].length).toBe(charts(here).length);
    // The bars and heat map of the overview and both scorecard charts (effectiveness, time to a human).
    expect(new Set(asked[0].map((c) => c.kind))).toEqual(new Set(['bar', 'heatmap', 'scorecard-effectiveness', 'scorecard-wait']));
    expect(there).not.toContain('harness-chart');
  });

  it('are painted here when the painter fails, and the page is the same', async () => {
    const there = await htmlRenderer.render({ ...input, paintCharts: async () => Promise.reject(new Error('the grading thread has ended')) });
    expect(there).toBe(here);
    expect(charts(there).length).toBeGreaterThan(3);
  });
});
