import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';
import { expectSameScores } from '../helpers/runs.ts';

// All demo channels share one deterministic brain, so a channel that loses
// nothing on the way scores as the API does. This run drives the real CLI
// through a real browser and the WeChat message protocol (the phone lines are
// in channels-hotline.test.ts). The multi-turn cases: each turn leans on what
// the channel kept of the one before, and their single-turn openings are the
// plain questions.

describe('every online demo channel against the API', () => {
  it('web, WeChat H5 and the WeChat official account lose nothing the API has', async () => {
    const out = join(tempDir(), 'online');
    // Two browsers start beside the bots: on a loaded machine a chat may take a minute to open.
    const patient = ['--set', 'preflight.timeoutMs=120000', '--set', 'preflight.openTimeoutMs=120000'];
    const r = await runCli(['run', '--bank', 'demo', '--channel', 'api,web,wechat,wechat-mp', '--scenario', 'card-loss,info-inquiry', '--tag', 'multi-turn', '--out', out, '--progress', 'none', '--concurrency', '4', ...patient], { timeoutMs: 300_000, subprocess: true });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.run.errors).toBe(0);
    for (const ch of ['web', 'wechat', 'wechat-mp']) expectSameScores(s, ch, 'api', 0.2);
  }, 300_000);
});
