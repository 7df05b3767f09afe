import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';
import { openReport } from '../helpers/report-page.ts';

// What a reader opens after `harness run --bank demo`, and the survey-style
// comparison of several banks made from real runs.

describe('reports from real demo runs', () => {
  it('index.html of a run with online and hotline channels shows every chart with data, without console errors', async () => {
    const out = join(tempDir(), 'run');
    const r = await runCli(['run', '--bank', 'demo', '--channel', 'api,hotline', '--scenario', 'card-loss,branch-lookup', '--out', out, '--progress', 'none']);
    expect(r.code, r.stderr).toBe(0);
    await openReport(join(out, 'index.html'), async (page, errors) => {
      const charts = await page.locator('svg').count();
      expect(charts).toBeGreaterThanOrEqual(5);
      // Bars and heatmap cells are drawn: the charts carry data, not empty axes.
      const shapes = await page.locator('svg path, svg rect').count();
      expect(shapes).toBeGreaterThan(50);
      const text = await page.locator('body').innerText();
      expect(text).toContain('在线AI');
      expect(text).toContain('热线AI');
      expect(text).toContain('卡挂失');
      expect(await page.locator('details').count()).toBeGreaterThanOrEqual(18);
      const shot = join(out, 'index.png');
      await page.screenshot({ path: shot, fullPage: false });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      expect(errors).toEqual([]);
    });
  });

  it('harness report over three banks renders the ranking, the buckets and the good shares', async () => {
    const base = tempDir();
    const runs = ['good', 'average', 'poor'].map((q) => join(base, q));
    const results = await Promise.all(
      runs.map((dir, i) => runCli(['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss,account-opening', '--out', dir, '--progress', 'none', '--set', `embeddedOptions.brain.quality=${['good', 'average', 'poor'][i]}`, '--set', `name=示例银行-${['good', 'average', 'poor'][i]}`])),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const out = join(base, 'compare');
    const r = await runCli(['report', ...runs, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['index.html', 'report.md', 'comparison.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const rank = (name: string) => md.indexOf(name);
    // The better brain ranks higher.
    expect(rank('示例银行-good')).toBeGreaterThan(0);
    expect(rank('示例银行-good')).toBeLessThan(rank('示例银行-average'));
    expect(rank('示例银行-average')).toBeLessThan(rank('示例银行-poor'));
    for (const bucket of ['≥80', '70–79', '60–69', '<60']) expect(md).toContain(bucket);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<svg');
  });
});
