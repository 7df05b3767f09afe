import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

// harness history over a bank's releases: three demo runs of the same plan
// whose brain gets worse release by release, after an older run of another
// plan that must not be mixed in.

describe('harness history --bank demo', () => {
  const runs = tempDir('harness-history-');
  beforeAll(async () => {
    const older = await runCli(['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss', '--limit', '2', '--progress', 'none', '--out', join(runs, 'older-plan')]);
    expect(older.code, older.stderr).toBe(0);
    const plan = ['--channel', 'api', '--scenario', 'card-loss,branch-lookup', '--tag', 'core', '--progress', 'none'];
    // One after the other: the history is ordered by when each run started.
    for (const quality of ['good', 'average', 'poor']) {
      const r = await runCli(['run', '--bank', 'demo', ...plan, '--out', join(runs, `release-${quality}`), '--set', `embeddedOptions.brain.quality=${quality}`]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('shows the drop across three releases of falling brain quality, regressions marked, another plan left out', async () => {
    const r = await runCli(['history', '--bank', 'demo', '--runs', runs], { env: { TZ: 'Asia/Shanghai' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('left out older-plan');
    const out = join(runs, 'history-demo');
    for (const f of ['history.md', 'history.html', 'history.json']) expect(r.stdout).toContain(f);

    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    expect(history.runs.map((x: any) => x.id)).toEqual(['release-good', 'release-average', 'release-poor']);
    expect(history.excluded.map((x: any) => x.id)).toEqual(['older-plan']);
    const api = history.channels.find((c: any) => c.name === 'api');
    const whole = api.series.find((s: any) => s.scenario === null);
    // The drop: each release scores lower than the one before, and both steps are regressions.
    expect(whole.points[0]).toBeGreaterThan(whole.points[1]);
    expect(whole.points[1]).toBeGreaterThan(whole.points[2]);
    expect(whole.regressions).toEqual([1, 2]);
    expect(api.series[0].scenario).toBeNull();
    expect(new Set(api.series.map((s: any) => s.scenario))).toEqual(new Set([null, 'branch-lookup', 'card-loss']));
    expect(history.regressions.filter((x: any) => x.channel === 'api' && x.scenario === null).map((x: any) => x.run)).toEqual(['release-average', 'release-poor']);

    const md = readFileSync(join(out, 'history.md'), 'utf8');
    expect(md).toContain('# 历次评测趋势 — 示例银行 (demo)');
    expect(md).toMatch(/\| \*\*渠道整体\*\* \| \d+\.\d\d \| ▼ \d+\.\d\d \| ▼ \d+\.\d\d \|/);
    expect(md).toMatch(/UTC\+08:00/);
    expect(md).toContain('older-plan');

    const html = readFileSync(join(out, 'history.html'), 'utf8');
    // A line chart per channel, drawn as inline SVG, with the regressions as red triangles.
    expect(html.match(/<svg/g)?.length).toBe(1);
    expect(html).toMatch(/<path[^>]*d="M[^"]*L[^"]*"[^>]*stroke="#3b6fd8"/);
    expect(html.match(/fill="#cf222e"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(html.match(/class="num verdict-fail regression"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });

  it('names the banks it found when the bank has no run there', async () => {
    const r = await runCli(['history', '--bank', 'mybank', '--runs', runs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no finished run of bank "mybank"');
    expect(r.stderr).toContain('banks there: demo');
  });
});
