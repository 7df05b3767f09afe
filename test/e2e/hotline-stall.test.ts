import { describe, expect, it } from 'vitest';
import { loadBank } from '../../harness/config/load.ts';
import { startChannels } from '../../harness/run/channels.ts';
import { tempDir } from '../helpers/cli.ts';

// The harness's RTP goes out on its own event loop. When that loop is held
// as the caller starts a question (a loaded machine), the question's frames
// go out late, then in a burst with their timestamps in order. The demo
// bank, answering from a thread of its own, must hear the question whole,
// as a jitter buffer would, not a caller who fell silent mid-sentence
// ("抱歉，我没有听清"): that answer would be graded against the bot.

describe('a SIP call whose caller is held as it starts a question', () => {
  it('gets the answer to the whole question', async () => {
    const { profile, file } = loadBank('demo', ['channels.hotline-sip.speech.asr.cer=0', 'embeddedOptions.hotline.cer=0']);
    const started = await startChannels(profile, file, ['hotline-sip'], { runDir: tempDir(), screenshots: false, trace: 'off', turnTimeoutMs: 30_000, debug: false, log: () => undefined });
    const replies: string[] = [];
    try {
      for (const at of [20, 40]) {
        const session = await started.adapters.get('hotline-sip')!.open({ conversationId: `held-${at}`, bank: 'demo', channel: 'hotline-sip', evidenceDir: tempDir(), relative: (p) => p, seed: 1, attempt: 1, signal: new AbortController().signal, log: () => undefined });
        try {
          const sent = session.send({ index: 0, text: '打电话怎么查余额？', attempt: 'first' }, new AbortController().signal);
          await new Promise((r) => setTimeout(r, at));
          const until = Date.now() + 700;
          while (Date.now() < until); // the harness's thread held, as under heavy load
          replies.push((await sent).text);
        } finally {
          await session.close({ failed: false });
        }
      }
    } finally {
      await started.close();
    }
    for (const r of replies) expect(r).toMatch(/^您可以通过手机银行.*余额/);
  }, 120_000);
});
