import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

// All demo channels share one deterministic brain, so a channel that loses
// nothing on the way scores as the API does. These runs drive the real CLI
// through a real browser, the WeChat message protocol, and phone calls over a
// WebSocket media stream and over SIP/RTP.

const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

function expectSameScores(s: any, channel: string, reference: string, tolerance: number) {
  for (const [pack, ref] of Object.entries<any>(s.channels[reference].scenarios)) {
    const got = s.channels[channel].scenarios[pack];
    expect(got, `${channel}/${pack}`).toBeDefined();
    expect(Math.abs(got.recognition - ref.recognition), `${channel}/${pack} recognition ${got.recognition} vs ${reference} ${ref.recognition}`).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(got.completeness - ref.completeness), `${channel}/${pack} completeness ${got.completeness} vs ${reference} ${ref.completeness}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('every demo channel against the API', () => {
  it('web, WeChat H5 and the WeChat official account lose nothing the API has', async () => {
    const out = join(tempDir(), 'online');
    const r = await runCli(['run', '--bank', 'demo', '--channel', 'api,web,wechat,wechat-mp', '--scenario', 'card-loss,info-inquiry', '--tag', 'core,multi-turn', '--out', out, '--progress', 'none', '--concurrency', '4'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const s = summary(out);
    expect(s.run.errors).toBe(0);
    for (const ch of ['web', 'wechat', 'wechat-mp']) expectSameScores(s, ch, 'api', 0.2);
  }, 300_000);

  it('the hotline at CER 0 scores as the API, over WebSocket and over SIP alike', async () => {
    const out = join(tempDir(), 'hotline');
    const r = await runCli(
      ['run', '--bank', 'demo', '--channel', 'api,hotline,hotline-sip', '--scenario', 'balance-inquiry,branch-lookup', '--out', out, '--progress', 'none',
        '--set', 'channels.hotline.speech.asr.cer=0', '--set', 'channels.hotline-sip.speech.asr.cer=0', '--set', 'embeddedOptions.hotline.cer=0'],
      { timeoutMs: 300_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const s = summary(out);
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
