import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

// The real CLI against the demo bank's HTTP bot API, as a QA engineer runs it.
// Each test runs in folders of its own: they go at once.

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe.concurrent('harness run --bank demo --channel api', () => {
  it('grades every phrasing of every case and writes the run folder', async () => {
    const out = join(tempDir(), 'run');
    const r = await runCli(['run', '--bank', 'demo', '--channel', 'api', '--variants', 'all', '--scenario', 'card-loss,balance-inquiry', '--out', out, '--progress', 'lines']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`report: `);
    for (const f of ['results.jsonl', 'run.json', 'summary.json', 'report.md', 'junit.xml', 'results.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const results = lines(join(out, 'results.jsonl'));
    const { loadPacks } = await import('../../harness/config/load.ts');
    const { variantCount } = await import('../../harness/run/plan.ts');
    const packs = loadPacks().packs.filter((p) => ['card-loss', 'balance-inquiry'].includes(p.id));
    const expected = packs.reduce((n, p) => n + p.cases.reduce((m, c) => m + variantCount(c), 0), 0);
    expect(results).toHaveLength(expected);
    expect(new Set(results.map((x: any) => x.id)).size).toBe(expected);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.run).toMatchObject({ bank: 'demo', conversations: expected, errors: 0, grader: 'rules' });
    const api = summary.channels.api;
    expect(api.kind).toBe('online');
    for (const id of ['card-loss', 'balance-inquiry']) {
      expect(api.scenarios[id].n).toBeGreaterThan(8);
      expect(api.scenarios[id].recognition).toBeGreaterThan(0);
      expect(api.scenarios[id].recognition).toBeLessThanOrEqual(5);
      expect(api.scenarios[id].completeness).toBeGreaterThan(0);
    }
    // The demo brain is imperfect on purpose: not every conversation passes.
    expect(api.completeness).toBeLessThan(4.8);
    expect(summary.online.recognition).toBe(api.recognition);
    expect(summary.hotline).toMatchObject({ recognition: null, n: 0 });
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('| 在线AI |');
    expect(md).toContain('| 热线AI | — | — | — | — | 0 (本次评测无此类渠道) |');
    expect(md).toContain('卡挂失 (card-loss)');
    expect(md).toMatch(/## 得分最低的会话[\s\S]*\*\*客户\*\*/);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(expected);
  });

  it('with --repeat gives each case pass^k and a Wilson interval', async () => {
    const out = join(tempDir(), 'run');
    const r = await runCli(['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'info-inquiry', '--tag', 'core', '--variants', '2', '--repeat', '3', '--out', out, '--progress', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.run.conversations).toBe(summary.cases.length * 6);
    for (const c of summary.cases) {
      expect(c.n).toBe(6);
      expect(c.passK).toBeGreaterThanOrEqual(0);
      expect(c.passK).toBeLessThanOrEqual(1);
      expect(c.wilson[0]).toBeLessThanOrEqual(c.wilson[1]);
    }
    // The demo brain is deterministic: repeats agree, so pass^k is 0, 0.5 or 1 over two variants.
    expect(summary.cases.every((c: any) => [0, 0.5, 1].includes(c.passK))).toBe(true);
  });

  it('exits 1 when a --fail-under gate fails, and lists why', async () => {
    const out = join(tempDir(), 'run');
    const r = await runCli(['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'branch-lookup', '--out', out, '--progress', 'none', '--fail-under', 'recognition=4.99,completeness=4.99']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gate failed: channel api: completeness \d\.\d\d < 4\.99/);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('exits 1 when the run drops against a --baseline beyond --max-drop', async () => {
    const base = join(tempDir(), 'base');
    const plan = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss', '--tag', 'core', '--progress', 'none'];
    const a = await runCli([...plan, '--out', base]);
    expect(a.code).toBe(0);
    const head = join(tempDir(), 'head');
    const [b, same] = await Promise.all([
      // A weaker brain is a regression of the bot under test.
      runCli([...plan, '--out', head, '--set', 'embeddedOptions.brain.quality=poor', '--baseline', base, '--max-drop', '0.1']),
      runCli([...plan, '--out', join(tempDir(), 'same'), '--baseline', join(base, 'summary.json')]),
    ]);
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(/gate failed: channel api: \w+ dropped/);
    expect(same.code).toBe(0);
  });

  it('without preflight or breaker, exits 3 when the bot cannot be reached, with every conversation recorded as an error and the cause named', async () => {
    const out = join(tempDir(), 'run');
    const port = await closedPort();
    const r = await runCli(['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss', '--out', out, '--progress', 'none', '--no-preflight', '--set', 'breaker.consecutiveFaults=0', '--set', `channels.api.url=http://127.0.0.1:${port}/api/chat`, '--set', 'retries.max=1', '--set', 'retries.baseMs=1']);
    expect(r.code).toBe(3);
    const results = lines(join(out, 'results.jsonl'));
    expect(results.length).toBeGreaterThan(1);
    expect(r.stdout).toMatch(new RegExp(`errors by cause:\\n\\s+api\\s+refused\\s+×${results.length}\\s+e\\.g\\. connection refused`));
    expect(results.every((x: any) => x.error?.kind === 'refused')).toBe(true);
    // Refused is a fault of the request, not of the session: resent in it once, then given up without a restart.
    expect(results.every((x: any) => x.attempts === 1 && /sent 2 times in the same session/.test(x.error.message))).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('refused');
  });

  it('runs as many conversations at once as the profile\'s concurrency says, unless --concurrency says otherwise', async () => {
    // Every reply takes 300 ms: conversations that may overlap do.
    const plan = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss', '--limit', '4', '--progress', 'none', '--no-preflight', '--set', 'embeddedOptions.latencyMs=300', '--set', 'concurrency=1'];
    const [one, three] = [join(tempDir(), 'c1'), join(tempDir(), 'c3')];
    const runs = await Promise.all([runCli([...plan, '--out', one]), runCli([...plan, '--concurrency', '3', '--out', three])]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    /** The most conversations that were under way at one moment (ends a few ms short: the clocks round). */
    const widest = (dir: string) => {
      const spans = lines(join(dir, 'results.jsonl')).map((c) => [Date.parse(c.startedAt), Date.parse(c.startedAt) + c.durationMs - 5]);
      return Math.max(...spans.map(([t]) => spans.filter(([a, b]) => a <= t && t < b).length));
    };
    expect(widest(one)).toBe(1);
    expect(widest(three)).toBeGreaterThan(1);
  });

  it('exits 2 on bad usage without a stack trace', async () => {
    const [r1, r2, r3] = await Promise.all([runCli(['run', '--bank', 'nosuchbank']), runCli(['run', '--bank', 'demo', '--channel', 'fax']), runCli(['run', '--bank', 'demo', '--shard', '4/3'])]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('no bank profile "nosuchbank"');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('has no channel "fax"');
    expect(r3.code).toBe(2);
    for (const r of [r1, r2, r3]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

/** A loopback port nobody listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
