import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, repairJournal } from '../harness/run/journal.ts';
import { BIN, ROOT, runCli, tempDir } from './helpers/cli.ts';

// A run interrupted at any moment resumes without losing or repeating a
// conversation; shards merged equal one unsharded run.

const RUN = ['run', '--bank', 'demo', '--channel', 'api', '--variants', '2', '--scenario', 'card-loss,account-opening,branch-lookup', '--progress', 'none'];
const SLOW = ['--set', 'embeddedOptions.latencyMs=60', '--concurrency', '4'];

/** Wait until the run has journalled its first conversations (however loaded the machine), then a random moment more. */
async function midRun(dir: string, child: ChildProcess): Promise<void> {
  while (child.exitCode === null && child.signalCode === null) {
    if (existsSync(join(dir, 'results.jsonl')) && readFileSync(join(dir, 'results.jsonl'), 'utf8').length > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, Math.random() * 600));
}

function scores(dir: string) {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const strip = (c: any) => ({ recognition: c.recognition, completeness: c.completeness, effectiveness: c.effectiveness, scenarios: Object.fromEntries(Object.entries(c.scenarios).map(([k, v]: any) => [k, [v.recognition, v.completeness, v.n]])) });
  return { conversations: s.run.conversations, errors: s.run.errors, channels: Object.fromEntries(Object.entries(s.channels).map(([k, v]) => [k, strip(v)])), cases: s.cases.map((c: any) => [c.channel, c.pack, c.case, c.recognition, c.completeness]) };
}

const ids = (dir: string) => readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id as string);

describe('resume after a kill', () => {
  it('holds every conversation exactly once and scores like an uninterrupted run', async () => {
    const whole = join(tempDir(), 'whole');
    // The uninterrupted run goes alongside: the two are independent.
    const wholeRun = runCli([...RUN, ...SLOW, '--out', whole], { timeoutMs: 240_000 });

    const killed = join(tempDir(), 'killed');
    const child = spawn(process.execPath, [BIN, ...RUN, ...SLOW, '--out', killed], { cwd: ROOT, stdio: 'ignore' });
    await midRun(killed, child);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const partial = readJournal(killed).records.length;
    expect((await wholeRun).code).toBe(0);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(ids(whole).length);

    const resumed = await runCli(['run', '--resume', killed, '--progress', 'none'], { timeoutMs: 240_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = ids(killed);
    expect(after.length).toBe(new Set(after).size);
    expect([...after].sort()).toEqual([...ids(whole)].sort());
    expect(scores(killed)).toEqual(scores(whole));
  });

  it('Ctrl-C leaves a resumable run and prints the resume command', async () => {
    const out = join(tempDir(), 'int');
    const child = spawn(process.execPath, [BIN, ...RUN, ...SLOW, '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await midRun(out, child);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toContain(`resume with: npx harness run --resume`);
    const resumed = await runCli(['run', '--resume', out, '--progress', 'none']);
    expect(resumed.code).toBe(0);
    expect(new Set(ids(out)).size).toBe(ids(out).length);
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

describe('--shard and harness merge', () => {
  it('three shards merged hold the same conversations and scores as one run', async () => {
    const base = tempDir();
    const whole = join(base, 'whole');
    expect((await runCli([...RUN, '--out', whole])).code).toBe(0);
    const shards = [1, 2, 3].map((i) => join(base, `s${i}`));
    const results = await Promise.all(shards.map((dir, i) => runCli([...RUN, '--shard', `${i + 1}/3`, '--out', dir])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const sizes = shards.map((d) => ids(d).length);
    expect(sizes.every((n) => n > 0)).toBe(true);
    const merged = join(base, 'merged');
    const m = await runCli(['merge', ...shards, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(ids(merged).sort()).toEqual(ids(whole).sort());
    expect(scores(merged)).toEqual(scores(whole));
    const again = await runCli(['merge', shards[0], shards[0], '--out', join(base, 'bad')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is in two shards');
  });
});
