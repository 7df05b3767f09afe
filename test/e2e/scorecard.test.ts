import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../../harness/score/types.ts';
import type { ConversationRecord } from '../../harness/types.ts';
import { runCli, tempDir } from '../helpers/cli.ts';
import { openReport } from '../helpers/report-page.ts';

// The survey scorecard from real runs: the demo bank with and without
// channel integration (feedback left on the web chat, asked about on the
// hotline), the weaker demo-small bank, and both banks side by side in
// Chromium. A narrow plan: one plain case and the cross-channel ones. The
// three runs are independent and start at once; the demo-small one spends
// most of its time in its agent queue.

const plan = ['--scenario', 'feedback-lookup', '--case', 'other-channel,web-then-hotline,wechat-then-web', '--progress', 'none'];
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
const recordsOf = (dir: string) =>
  readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ConversationRecord);

describe('the survey scorecard', () => {
  const base = tempDir();
  const demo = join(base, 'demo');
  const separate = join(base, 'separate');
  const small = join(base, 'small');
  // Its scorecard is checked in the second test; started now, its queue passes while the first test runs.
  const smallRun = runCli(['run', '--bank', 'demo-small', '--channel', 'api,web,hotline', ...plan, '--out', small], { timeoutMs: 300_000 });
  smallRun.catch(() => {}); // awaited, and so reported, by the test that reads it
  /** The demo run's human-agent probe, as its channel log told it (--debug): said when its figures are missing. */
  let probeLog = '';

  it('runs the cross-channel cases on the demo bank: the hotline finds the ticket left on the web, and not when the channels are not integrated', async () => {
    const [integrated, notIntegrated] = await Promise.all([
      runCli(['run', '--bank', 'demo', '--channel', 'web,hotline', ...plan, '--out', demo, '--debug'], { timeoutMs: 300_000 }),
      // Only the cross-channel case tells integration apart: the rest of the plan would repeat the first run.
      runCli(['run', '--bank', 'demo', '--channel', 'web,hotline', '--scenario', 'feedback-lookup', '--case', 'web-then-hotline', '--progress', 'none', '--no-preflight', '--out', separate, '--set', 'embeddedOptions.brain.integration=false'], { timeoutMs: 300_000 }),
    ]);
    expect(integrated.code, integrated.stderr).toBe(0);
    probeLog = integrated.stderr.split('\n').filter((l) => l.includes('human-agent probe')).join('\n');
    expect(notIntegrated.code, notIntegrated.stderr).toBe(0);
    // WeChat is not in this run: its case is left out, and the user is told why.
    expect(integrated.stderr).toContain('cross-channel case feedback-lookup/wechat-then-web not run: turn 1: channel "wechat" is not in this run (left out by --channel)');

    const cross = recordsOf(demo).find((r) => r.route)!;
    expect(cross.id).toBe('demo/web>hotline/feedback-lookup/web-then-hotline#0.0');
    expect(cross.route).toEqual(['web', 'hotline']);
    expect(cross.carried?.ticket).toMatch(/^FK\d{8}$/);
    expect(cross.turns.map((t) => t.channel)).toEqual(['web', 'hotline']);
    // The question on the hotline names the ticket the web chat gave.
    expect(cross.turns[1].exchanges[0].utterance.text).toContain(cross.carried!.ticket);

    const ok = summaryOf(demo).scorecard!;
    expect(ok.integration.pairs).toMatchObject([{ from: 'web', to: 'hotline', fromKind: 'online', toKind: 'hotline', n: 1, passed: 1, ok: true }]);
    expect(ok.integration.onlineHotline).toBe(true);
    expect(ok.integration.skipped.map((s) => s.case)).toEqual(['wechat-then-web']);
    // Cross-channel conversations score integration, not a channel of their own.
    expect(Object.keys(summaryOf(demo).channels)).toEqual(['web', 'hotline']);

    const failed = summaryOf(separate).scorecard!;
    expect(failed.integration.pairs).toMatchObject([{ from: 'web', to: 'hotline', passed: 0, ok: false }]);
    expect(failed.integration.integrated).toBe(false);
    const md = readFileSync(join(separate, 'report.md'), 'utf8');
    expect(md).toMatch(/\| web \| hotline \| feedback-lookup\/web-then-hotline \| 0\/1 \| 查询不到 \|/);
    // The hotline's transcript of the bot's answer: it did not find the web's ticket.
    const lookup = recordsOf(separate).find((r) => r.route)!.turns[1].exchanges[0].reply.text;
    expect(lookup).toMatch(/未.{0,2}询到|原渠道/);
  });

  it('renders both demo banks\' scorecards side by side with the survey\'s figures, in Markdown and in Chromium', async () => {
    const r = await smallRun;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('cross-channel case feedback-lookup/wechat-then-web not run: turn 1: bank "demo-small" has no wechat channel');
    const sc = summaryOf(small).scorecard!;
    // A four-level IVR without a human in its first menu, and a queue of over 20 s.
    expect(sc.convenience.hotlines).toMatchObject([{ channel: 'hotline', ivrDepth: 4, ivrBucket: '4–5', humanInFirstMenu: false, waitBucket: '20–40 s' }]);
    expect(summaryOf(demo).scorecard!.convenience.hotlines, probeLog).toMatchObject([{ ivrDepth: 2, ivrBucket: '2–3', humanInFirstMenu: true, waitBucket: '≤20 s' }]);

    const out = join(base, 'compare');
    const report = await runCli(['report', demo, small, '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## 调研评分卡：渠道建设与智能服务');
    expect(md).toMatch(/\| 指标 \| 示例银行 \| 示例小银行 \| 调研参考 \|/);
    expect(md).toMatch(/\| IVR层级 \| 2 \(2–3\) \| 4 \(4–5\) \| 2–3: 69% \|/);
    expect(md).toMatch(/\| 首层菜单有人工入口 \| 有 \| 无 \| 75% \|/);
    expect(md).toContain('示例小银行: 未测：feedback-lookup/wechat-then-web（turn 1: bank "demo-small" has no wechat channel）');

    await openReport(join(out, 'index.html'), async (page, errors) => {
      const section = page.locator('#scorecard');
      await expect(section.locator('table.scorecard th').allInnerTexts()).resolves.toEqual(['指标', '示例银行', '示例小银行', '调研参考']);
      const wait = section.locator('tr', { hasText: '转人工等待' }).locator('td');
      expect(await wait.nth(2).innerText()).toMatch(/^\d+(\.\d+)? s \(20–40 s\)$/);
      // Two charts with data: a bar per bank, the survey as a reference line.
      expect(await section.locator('svg').count()).toBe(2);
      const chartText = await section.locator('svg').first().textContent();
      expect(chartText).toContain('调研行业均值');
      expect(chartText).toContain('示例小银行');
      expect(await section.locator('svg').first().locator('path').count()).toBeGreaterThan(12);
      expect(await section.locator('ul.method li').count()).toBe(6);
      await section.screenshot({ path: join(out, 'scorecard.png') });
      expect(errors).toEqual([]);
    });
  });
});
