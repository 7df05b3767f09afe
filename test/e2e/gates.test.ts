import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempDir } from '../helpers/cli.ts';
import { journalIds } from '../helpers/runs.ts';

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
  // Two runs of the plan serve every test: one passing its gates (also the
  // baseline and the finished folder below), one failing them.
  const work = tempDir();
  const passDir = join(work, 'pass');
  let pass: CliResult;
  let fail: CliResult;
  beforeAll(async () => {
    [pass, fail] = await Promise.all([
      // A percentage on the 0–10 effectiveness scale, beside a 0–5 one.
      runCli([...RUN, '--out', passDir, '--fail-under', 'recognition=1,effectiveness=10%']),
      runCli([...RUN, '--out', join(work, 'fail'), '--fail-under', 'completeness=4.9']),
    ]);
  });

  it('a passing --fail-under has no JUnit failures; a failing one fails exactly the cases below it', () => {
    expect(pass.code, pass.stderr).toBe(0);
    const passXml = readFileSync(join(passDir, 'junit.xml'), 'utf8');
    expect(passXml).toContain('failures="0"');
    // Scores ride along as properties, even where nothing failed.
    expect(passXml).toMatch(/<property name="recognition" value="\d\.\d\d"\/>/);

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
  });

  it('refuses a baseline of another plan with exit 2 naming the difference, and compares the overlap when asked', async () => {
    const out = tempDir();
    const plan = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss,branch-lookup', '--progress', 'none', '--baseline', passDir];
    // The plan is checked against the baseline once the run is done: both runs at once.
    const [wider, partial] = await Promise.all([runCli([...plan, '--out', join(out, 'wider')]), runCli([...plan, '--out', join(out, 'partial'), '--baseline-partial'])]);
    expect(wider.code).toBe(2);
    expect(wider.stderr).toMatch(/not comparable with this run:\n\s+\d+ case\(s\) not in the baseline's plan \(e\.g\. api\/branch-lookup\//);
    expect(wider.stderr).toContain('--baseline-partial');
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toContain('--baseline-partial: comparing only what both runs share');
  });

  it('checks --fail-under against each metric scale and takes a percentage', async () => {
    const r = await runCli([...RUN, '--out', join(tempDir(), 'x'), '--fail-under', 'effectiveness=80']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('effectiveness is scored 0–10, 80 is outside it — for the 100-point view write effectiveness=80%');
    // effectiveness=10% passed beside recognition=1 in the passing run.
    expect(pass.code, pass.stderr).toBe(0);
  });

  it('says a finished --out folder holds a run, offers --force, and replaces it with --force', async () => {
    const out = join(tempDir(), 'ci');
    cpSync(passDir, out, { recursive: true });
    const again = await runCli([...RUN, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds a run');
    expect(again.stderr).toContain('--force');
    const forced = await runCli([...RUN, '--case', 'lost-card', '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    // Replaced, not added to: only the forced run's one conversation is there.
    expect(journalIds(out)).toHaveLength(1);
  });

  it('rejects plan flags with --resume, suggests a misspelt tag, and prints its version', async () => {
    const [resume, tag, version] = await Promise.all([
      runCli(['run', '--resume', tempDir(), '--bank', 'other']),
      runCli([...RUN, '--tag', 'qiuck', '--out', join(tempDir(), 't')]),
      runCli(['--version']),
    ]);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('--bank cannot change it');
    expect(tag.code).toBe(2);
    expect(tag.stderr).toMatch(/no case has the tag "qiuck" \(did you mean "quick"\?\) — the tags there are: .*core/);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version);
  });
});
