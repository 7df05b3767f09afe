import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';
import { journalIds, runScores } from '../helpers/runs.ts';

// Shards merged equal one unsharded run (resuming is in resume.test.ts).

const RUN = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'card-loss,branch-lookup', '--progress', 'none'];

describe('--shard and harness merge', () => {
  it('three shards merged hold the same conversations and scores as one run', async () => {
    const base = tempDir();
    const whole = join(base, 'whole');
    const shards = [1, 2, 3].map((i) => join(base, `s${i}`));
    // The whole run and the shards are independent: all at once.
    const [w, ...results] = await Promise.all([runCli([...RUN, '--out', whole]), ...shards.map((dir, i) => runCli([...RUN, '--shard', `${i + 1}/3`, '--out', dir]))]);
    expect(w.code, w.stderr).toBe(0);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const sizes = shards.map((d) => journalIds(d).length);
    expect(sizes.every((n) => n > 0)).toBe(true);
    const merged = join(base, 'merged');
    const [m, again] = await Promise.all([runCli(['merge', ...shards, '--out', merged]), runCli(['merge', shards[0], shards[0], '--out', join(base, 'bad')])]);
    expect(m.code, m.stderr).toBe(0);
    expect(journalIds(merged).sort()).toEqual(journalIds(whole).sort());
    expect(runScores(merged)).toEqual(runScores(whole));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is in two shards');
  });
});
