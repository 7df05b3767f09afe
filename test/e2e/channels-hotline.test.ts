import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';
import { expectSameScores } from '../helpers/runs.ts';

// The demo hotline shares the API's deterministic brain: at a character error
// rate of 0 a call loses nothing, whether over a WebSocket media stream or
// over SIP/RTP (the online channels are in channels-online.test.ts).

describe('the demo hotline against the API', () => {
  it('the hotline at CER 0 scores as the API, over WebSocket and over SIP alike', async () => {
    const out = join(tempDir(), 'hotline');
    const r = await runCli(
      ['run', '--bank', 'demo', '--channel', 'api,hotline,hotline-sip', '--scenario', 'balance-inquiry,branch-lookup', '--tag', 'core', '--out', out, '--progress', 'none',
        '--set', 'channels.hotline.speech.asr.cer=0', '--set', 'channels.hotline-sip.speech.asr.cer=0', '--set', 'embeddedOptions.hotline.cer=0'],
      { timeoutMs: 300_000, subprocess: true },
    );
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.run.errors).toBe(0);
    expect(s.channels.hotline.simulated).toBe(true);
    expectSameScores(s, 'hotline', 'api', 0.2);
    expectSameScores(s, 'hotline-sip', 'hotline', 0.2);
    expect(s.hotline.ivr.ivrDepth).toBe(2);
    expect(s.hotline.ivr.humanInFirstMenu).toBe(1);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/\| 热线AI \| \d\.\d\d \| \d\.\d\d \|/);
    expect(md).toContain('## 热线IVR指标');
  }, 300_000);
});
