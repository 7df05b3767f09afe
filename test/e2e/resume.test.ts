import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, repairJournal } from '../../harness/run/journal.ts';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { journalIds, runScores } from '../helpers/runs.ts';

// A run interrupted at any moment resumes without losing or repeating a
// conversation (the shards' half of this is in shard.test.ts).

// 34 conversations; the bot's delay keeps a run going while the test interrupts it.
const RUN = ['run', '--bank', 'demo', '--channel', 'api', '--variants', '2', '--scenario', 'card-loss,branch-lookup', '--progress', 'none'];
const SLOW = ['--set', 'embeddedOptions.latencyMs=100', '--concurrency', '4'];

/** Complete journal lines so far (a torn last line does not count). */
function journalled(dir: string): number {
  const file = join(dir, 'results.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').length - 1;
}

/**
 * Wait until the run has journalled `lines` conversations — an observable
 * event, so however loaded the machine is, the interrupt falls mid-run.
 */
async function journalHolds(dir: string, child: ChildProcess, lines: number): Promise<void> {
  while (child.exitCode === null && child.signalCode === null && journalled(dir) < lines) await new Promise((r) => setTimeout(r, 10));
  expect(child.exitCode, 'the run finished before the test could interrupt it').toBeNull();
}

describe('resume after a kill', () => {
  it('holds every conversation exactly once and scores like an uninterrupted run', async () => {
    const whole = join(tempDir(), 'whole');
    // The uninterrupted run goes alongside: the two are independent.
    const wholeRun = runCli([...RUN, ...SLOW, '--out', whole], { timeoutMs: 240_000 });

    const killed = join(tempDir(), 'killed');
    const child = spawn(process.execPath, [BIN, ...RUN, ...SLOW, '--out', killed], { cwd: ROOT, stdio: 'ignore' });
    // A random moment in the first half of the run, a write possibly under way.
    await journalHolds(killed, child, 1 + Math.floor(Math.random() * 8));
    await new Promise((r) => setTimeout(r, Math.random() * 30));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const partial = readJournal(killed).records.length;
    expect((await wholeRun).code).toBe(0);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(journalIds(whole).length);

    const resumed = await runCli(['run', '--resume', killed, '--progress', 'none'], { timeoutMs: 240_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = journalIds(killed);
    expect(after.length).toBe(new Set(after).size);
    expect([...after].sort()).toEqual([...journalIds(whole)].sort());
    expect(runScores(killed)).toEqual(runScores(whole));
  });

  it('Ctrl-C leaves a resumable run and prints the resume command', async () => {
    const out = join(tempDir(), 'int');
    // One conversation at a time with a slow bot: after the first is saved, seconds of run remain.
    const plan = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss', '--progress', 'none', '--set', 'embeddedOptions.latencyMs=250', '--concurrency', '1'];
    const child = spawn(process.execPath, [BIN, ...plan, '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise((r) => child.on('close', r));
    await journalHolds(out, child, 1);
    child.kill('SIGINT');
    const code = await closed;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain(`resume with: npx harness run --resume`);
    const saved = readJournal(out).records.length;
    const resumed = await runCli(['run', '--resume', out, '--progress', 'none'], { timeoutMs: 240_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const ids = journalIds(out);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(saved);
  });

  it('drops a torn last line left by a kill mid-write', () => {
    const dir = tempDir();
    const whole = JSON.stringify({ id: 'a', bank: 'b', channel: 'api', kind: 'online', pack: 'p', case: 'c', variant: 0, repeat: 0, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, attempts: 1, turns: [] });
    appendFileSync(join(dir, 'results.jsonl'), whole + '\n' + '{"id":"b","tur');
    expect(readJournal(dir).records.map((r) => r.id)).toEqual(['a']);
    expect(repairJournal(dir)).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe(whole + '\n');
  });
});
