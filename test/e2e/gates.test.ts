import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

// A bank's CI gates a release on the harness: the exit code, junit.xml and
// summary.json must tell the same story, and a gate must not pass by accident.

const RUN = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss', '--progress', 'none'];
const failuresIn = (xml: string) =>
  xml
    .split('<testcase ')
    .slice(1)
    .filter((t) => t.split('</testcase>')[0].includes('<failure'))
    .map((t) => / name="([^"]+)"/.exec(t)![1]);

describe('CI gates', () => {
  it('a passing --fail-under has no JUnit failures; a failing one fails exactly the cases below it', async () => {
    const work = tempDir();
    const pass = await runCli([...RUN, '--out', join(work, 'pass'), '--fail-under', 'recognition=1']);
    expect(pass.code, pass.stderr).toBe(0);
    const passXml = readFileSync(join(work, 'pass', 'junit.xml'), 'utf8');
    expect(passXml).toContain('failures="0"');
    // Scores ride along as properties, even where nothing failed.
    expect(passXml).toMatch(/<property name="recognition" value="\d\.\d\d"\/>/);

    const fail = await runCli([...RUN, '--out', join(work, 'fail'), '--fail-under', 'completeness=4.9']);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('gate failed: bank: completeness');
    const xml = readFileSync(join(work, 'fail', 'junit.xml'), 'utf8');
    const results = readFileSync(join(work, 'fail', 'results.csv'), 'utf8');
    expect(results.length).toBeGreaterThan(0);
    const summary = JSON.parse(readFileSync(join(work, 'fail', 'summary.json'), 'utf8'));
    const below = summary.cases.filter((c: { completeness: number }) => c.completeness < 4.9).map((c: { pack: string; case: string }) => `${c.pack}/${c.case}#0.0`);
    expect(below.length).toBeGreaterThan(0);
    expect(below.length).toBeLessThan(summary.cases.length);
    expect(failuresIn(xml).sort()).toEqual(below.sort());
  }, 180_000);

  it('refuses a baseline of another plan with exit 2 naming the difference, and compares the overlap when asked', async () => {
    const work = tempDir();
    const base = join(work, 'base');
    expect((await runCli([...RUN, '--out', base])).code).toBe(0);
    const wider = await runCli(['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss,branch-lookup', '--progress', 'none', '--out', join(work, 'wider'), '--baseline', base]);
    expect(wider.code).toBe(2);
    expect(wider.stderr).toMatch(/not comparable with this run:\n\s+\d+ case\(s\) not in the baseline's plan \(e\.g\. api\/branch-lookup\//);
    expect(wider.stderr).toContain('--baseline-partial');
    const partial = await runCli(['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss,branch-lookup', '--progress', 'none', '--out', join(work, 'partial'), '--baseline', base, '--baseline-partial']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toContain('--baseline-partial: comparing only what both runs share');
  }, 180_000);

  it('checks --fail-under against each metric scale and takes a percentage', async () => {
    const r = await runCli([...RUN, '--out', join(tempDir(), 'x'), '--fail-under', 'effectiveness=80']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('effectiveness is scored 0–10, 80 is outside it — for the 100-point view write effectiveness=80%');
    const pct = await runCli([...RUN, '--out', join(tempDir(), 'y'), '--fail-under', 'effectiveness=10%']);
    expect(pct.code, pct.stderr).toBe(0);
  }, 120_000);

  it('says a finished --out folder holds a run, offers --force, and replaces it with --force', async () => {
    const out = join(tempDir(), 'ci');
    expect((await runCli([...RUN, '--case', 'lost-card', '--out', out])).code).toBe(0);
    const again = await runCli([...RUN, '--case', 'lost-card', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds a run');
    expect(again.stderr).toContain('--force');
    const forced = await runCli([...RUN, '--case', 'lost-card', '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
  }, 120_000);

  it('rejects plan flags with --resume, suggests a misspelt tag, and prints its version', async () => {
    const resume = await runCli(['run', '--resume', tempDir(), '--bank', 'other']);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('--bank cannot change it');
    const tag = await runCli([...RUN, '--tag', 'qiuck', '--out', join(tempDir(), 't')]);
    expect(tag.code).toBe(2);
    expect(tag.stderr).toMatch(/no case has the tag "qiuck" \(did you mean "quick"\?\) — the tags there are: .*core/);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version);
  }, 60_000);
});
