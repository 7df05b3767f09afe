import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

// A run folder is self-contained: `harness report` replays it from its own
// snapshot, without the profile file, its secrets, or today's packs. The two
// tests share nothing and go at once.

const REPORTS = ['summary.json', 'report.md', 'index.html', 'junit.xml', 'results.csv'];

describe.concurrent('harness report on a saved run', () => {
  it('re-renders byte-identical reports after the profile is deleted and its secret unset, and renders a renamed case as it was', async () => {
    const work = tempDir();
    const scenarios = join(work, 'scenarios');
    cpSync(join(ROOT, 'scenarios/zh-CN'), scenarios, { recursive: true });
    // The demo profile with a secret header, as a real bank's profile has.
    const profile = join(work, 'secret-bank.yaml');
    const demo = readFileSync(join(ROOT, 'banks/demo.yaml'), 'utf8').replace('id: demo', 'id: secret-bank');
    writeFileSync(profile, demo.replace("    request: { sessionId: '{{sessionId}}', text: '{{text}}' }", "    headers: { Authorization: 'Bearer ${env:REPLAY_TEST_TOKEN}' }\n    request: { sessionId: '{{sessionId}}', text: '{{text}}' }"));
    const out = join(work, 'run');
    const secret = 'tok-5f2c9a7e1d';
    // Graded in a thread of its own, which then paints index.html's charts; `harness report` paints them on its main thread.
    const run = await runCli(['run', '--bank', profile, '--channel', 'api', '--scenario', 'card-loss,branch-lookup', '--tag', 'core', '--scenarios-dir', scenarios, '--out', out, '--progress', 'none', '--debug'], {
      env: { REPLAY_TEST_TOKEN: secret, HARNESS_GRADE_THREAD: '1' },
    });
    expect(run.stderr).toContain('grading: in a thread of its own');
    expect(run.code, run.stderr).toBe(0);
    const before = Object.fromEntries(REPORTS.map((f) => [f, readFileSync(join(out, f))]));
    const snapshot = readFileSync(join(out, 'snapshot/profile.json'), 'utf8');
    expect(snapshot).not.toContain(secret);
    expect(snapshot).toContain('[redacted]');

    rmSync(profile);
    const replay = await runCli(['report', out], { env: { REPLAY_TEST_TOKEN: '' } });
    expect(replay.code, replay.stderr).toBe(0);
    for (const f of REPORTS) expect(readFileSync(join(out, f)).equals(before[f]), `${f} differs after re-rendering`).toBe(true);

    // A researcher renames a case after the run.
    const pack = join(scenarios, 'card-loss.yaml');
    const text = readFileSync(pack, 'utf8');
    const firstCase = /\n  - id: ([a-z0-9-]+)/.exec(text)![1];
    writeFileSync(pack, text.replace(`- id: ${firstCase}\n`, `- id: ${firstCase}-renamed\n`));
    const renamed = await runCli(['report', out]);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stderr).toContain('packs changed since the run: card-loss');
    for (const f of REPORTS) expect(readFileSync(join(out, f)).equals(before[f]), `${f} differs after the case was renamed`).toBe(true);

    // Asked to, it grades against today's packs and says what it left out.
    const regraded = await runCli(['report', out, '--regrade']);
    expect(regraded.code, regraded.stderr).toBe(0);
    expect(regraded.stderr).toMatch(/belong to cases no longer in the packs \(e\.g\. card-loss\/[a-z0-9-]+\)/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.run.conversations).toBeLessThan(JSON.parse(before['summary.json'].toString()).run.conversations);
  }, 120_000);

  it('shows the diff against a baseline run in index.html and names the baseline in summary.json', async () => {
    const work = tempDir();
    const common = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'branch-lookup', '--tag', 'core', '--progress', 'none'];
    const base = join(work, 'base');
    expect((await runCli([...common, '--out', base])).code).toBe(0);
    const head = join(work, 'head');
    const r = await runCli([...common, '--set', 'embeddedOptions.brain.quality=poor', '--out', head, '--baseline', base, '--max-drop', '5']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(head, 'index.html'), 'utf8');
    expect(html).toContain('id="baseline-diff"');
    expect(html).toContain('变差');
    const summary = JSON.parse(readFileSync(join(head, 'summary.json'), 'utf8'));
    expect(summary.baseline).toEqual({ id: 'base', path: base });
  }, 120_000);
});
