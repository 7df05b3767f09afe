import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext, Session } from '../../../harness/types.ts';
import { hotlineConfigSchema, type HotlineConfigInput } from '../../../adapters/hotline/config.ts';
import { createHotlineAdapter } from '../../../adapters/hotline/index.ts';
import { readWav } from '../../../lib/telephony/audio/wav.ts';
import { createSimulatedRecognizer, createSimulatedSynthesizer } from '../../../adapters/hotline/speech/simulated.ts';
import { UtteranceDetector } from '../../../lib/telephony/audio/vad.ts';
import { createBrain } from '../../../banks/demo/brain/index.ts';
import { createCallHandler, MENU_1 } from '../../../banks/demo/hotline/bot.ts';
import type { CallHandler } from '../../../banks/demo/hotline/leg.ts';
import { createHotlineServer } from '../../../banks/demo/hotline/ws.ts';
import { startDemoBank } from '../../../banks/demo/index.ts';

const runDir = mkdtempSync(join(tmpdir(), 'hotline-run-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const env = { runDir, profileDir: runDir, options: { screenshots: false, trace: 'off' as const, turnTimeoutMs: 20000, debug: false }, log: () => {} };
const demoIvr = [{ waitPrompt: {} }, { expect: ['智能', '人工'] }, { dtmf: '1' }, { waitPrompt: {} }, { dtmf: '1' }, { waitPrompt: {} }];

function ctxFor(id: string): AdapterContext {
  return {
    conversationId: id,
    bank: 'demo',
    channel: 'hotline',
    evidenceDir: join(runDir, 'evidence', id.replace(/[^\w-]/g, '_')),
    relative: (p) => p.slice(runDir.length + 1),
    seed: 7,
    signal: new AbortController().signal,
    log: () => {},
  };
}

async function hotline(handler: CallHandler, extra: Partial<HotlineConfigInput> = {}, cer = 0) {
  const server = await createHotlineServer(handler);
  const config = hotlineConfigSchema.parse({
    transport: { type: 'websocket', url: server.url },
    speech: { tts: { engine: 'simulated' }, asr: { engine: 'simulated', cer } },
    ivr: demoIvr,
    vad: { hangoverMs: 200 },
    ...extra,
  });
  const adapter = await createHotlineAdapter(config, env);
  cleanups.push(() => server.close(), () => adapter.dispose());
  return { adapter, server };
}

const ask = (s: Session, text: string, index = 0) => s.send({ index, text, attempt: 'first' }, new AbortController().signal);

describe('hotline adapter against the demo hotline', () => {
  it('walks the two-level IVR to the voice bot and measures it', async () => {
    const { adapter, server } = await hotline(createCallHandler(createBrain({}), { hotline: { cer: 0 } }));
    const session = await adapter.open(ctxFor('demo/hotline/card-loss/lost#0.0'));
    const m = session.metrics!();
    await session.close({ failed: false });
    expect(server.stats.dtmf).toEqual(['1', '1']);
    expect(m.ivrDepth).toBe(2);
    expect(m.humanInFirstMenu).toBe(true);
    expect(m.timeToFirstAudioMs).toBeGreaterThanOrEqual(0);
    expect(m.timeToBotMs as number).toBeGreaterThan(m.timeToFirstAudioMs as number);
  });

  it('at CER 0 hears exactly what the shared brain answers, with latency and audio evidence', async () => {
    const brain = createBrain({});
    const { adapter } = await hotline(createCallHandler(brain, { hotline: { cer: 0 } }));
    const session = await adapter.open(ctxFor('demo/hotline/card-loss/lost#0.1'));
    const expected = brain.session();
    const questions = ['我的银行卡丢了，怎么挂失？', '附近的网点在哪里？'];
    for (const [i, q] of questions.entries()) {
      const reply = await ask(session, q, i);
      expect(reply.text).toBe(expected.reply(q).text);
      expect(reply.transcribed).toBe(true);
      expect(reply.messages).toEqual([{ text: reply.text, atMs: reply.latency.firstMs, kind: 'voice' }]);
      // The demo bot waits for 200–300 ms of silence before it answers.
      expect(reply.latency.firstMs).toBeGreaterThan(150);
      expect(reply.latency.settledMs!).toBeGreaterThan(reply.latency.firstMs!);
      for (const rel of [reply.evidence!.audio!, reply.evidence!.callerAudio!]) {
        const wav = readWav(readFileSync(join(runDir, rel)));
        expect(wav.sampleRate).toBe(8000);
        expect(wav.samples.length).toBeGreaterThan(800);
      }
    }
    await session.close({ failed: false });
  });

  it('hears the bot through the ASR-error channel at a set CER, the same way on every run', async () => {
    const brain = createBrain({});
    const { adapter } = await hotline(createCallHandler(brain, { hotline: { cer: 0 } }), {}, 0.2);
    const texts: string[] = [];
    for (let run = 0; run < 2; run++) {
      const session = await adapter.open(ctxFor('demo/hotline/balance/q#0.0'));
      texts.push((await ask(session, '怎么查询余额？')).text);
      await session.close({ failed: false });
    }
    const truth = brain.session().reply('怎么查询余额？').text;
    expect(texts[0]).toBe(texts[1]);
    expect(texts[0]).not.toBe(truth);
  });

  it('times how long it takes to reach a human agent with a probe call', async () => {
    const { adapter, server } = await hotline(createCallHandler(createBrain({}), { hotline: { cer: 0 } }), { measureHuman: true });
    const session = await adapter.open(ctxFor('demo/hotline/complaint/c#0.0'));
    expect(server.stats.calls).toBe(2);
    const t = session.metrics!().timeToHumanMs as number;
    await session.close({ failed: false });
    expect(t).toBeGreaterThan(100);
  });

  it('calls once more when the probe call fails on the way, as a customer would call back', async () => {
    const demo = createCallHandler(createBrain({}), { hotline: { cer: 0 } });
    let calls = 0;
    // The first call drops as soon as it is answered; the next ones reach the demo IVR.
    const flaky: CallHandler = async (leg) => (++calls === 1 ? leg.hangup() : demo(leg));
    const { adapter, server } = await hotline(flaky, { measureHuman: true });
    const session = await adapter.open(ctxFor('demo/hotline/complaint/c#0.0'));
    expect(server.stats.calls).toBe(3);
    const t = session.metrics!().timeToHumanMs as number;
    await session.close({ failed: false });
    expect(t).toBeGreaterThan(100);
  });

  it('returns silence as data when the bot never answers', async () => {
    const mute: CallHandler = async (leg) => {
      await leg.play(await createSimulatedSynthesizer({ minMs: 120 }).synthesize('请讲'));
      await leg.ended;
    };
    const { adapter } = await hotline(mute, { ivr: [{ waitPrompt: {} }], replyTimeoutMs: 400 });
    const session = await adapter.open(ctxFor('demo/hotline/x/mute#0.0'));
    const reply = await ask(session, '你好');
    await session.close({ failed: false });
    expect(reply.text).toBe('');
    expect(reply.latency).toEqual({ firstMs: null, settledMs: null });
  });

  it('fails the turn as dropped when the bot hangs up instead of answering', async () => {
    const rude: CallHandler = async (leg) => {
      await leg.play(await createSimulatedSynthesizer({ minMs: 120 }).synthesize('请讲'));
      leg.onAudio((f) => {
        if (f.some((s) => Math.abs(s) > 20000)) void leg.hangup();
      });
      await leg.ended;
    };
    const { adapter } = await hotline(rude, { ivr: [{ waitPrompt: {} }] });
    const session = await adapter.open(ctxFor('demo/hotline/x/rude#0.0'));
    await expect(ask(session, '我的卡丢了')).rejects.toMatchObject({ name: 'TransportFault', kind: 'dropped' });
    await session.close({ failed: true });
  });

  it('stops with a clear protocol fault when the menu is not the one the profile expects', async () => {
    const { adapter } = await hotline(createCallHandler(createBrain({}), { hotline: { cer: 0 } }), { ivr: [{ waitPrompt: {} }, { expect: ['信用卡中心'] }] });
    const err = await adapter.open(ctxFor('demo/hotline/x/menu#0.0')).catch((e) => e);
    expect(err).toMatchObject({ kind: 'protocol' });
    expect(err.message).toContain(MENU_1);
    expect(err.message).toContain('信用卡中心');
  });

  it('pressing 0 in the first menu reaches the simulated agent, who hangs up', async () => {
    // The transfer notice and the agent's greeting are two prompts 400 ms apart; on a loaded
    // machine their audio can arrive in one burst and be heard as one: wait for the notice only.
    const { adapter } = await hotline(createCallHandler(createBrain({}), { hotline: { cer: 0 } }), { ivr: [{ waitPrompt: {} }, { dtmf: '0' }, { waitPrompt: {} }, { expect: ['转接'] }] });
    const session = await adapter.open(ctxFor('demo/hotline/x/agent#0.0'));
    expect(session.metrics!().ivrDepth).toBe(1);
    // Heard apart, the agent's greeting (工号) answers the caller's first words; either way the agent then hangs up.
    const first = await ask(session, '你好').catch((e: unknown) => e);
    if (first instanceof Error) expect(first).toMatchObject({ kind: 'dropped' });
    else {
      expect((first as { text: string }).text).toContain('工号');
      await expect(ask(session, '你好')).rejects.toMatchObject({ kind: 'dropped' });
    }
    await session.close({ failed: true });
  });
});

describe('replies in several sentences', () => {
  const twoSentences: CallHandler = async (leg) => {
    const tts = createSimulatedSynthesizer({ minMs: 120 });
    const vad = new UtteranceDetector({ hangoverMs: 200 });
    leg.onAudio(async (f) => {
      if (!vad.push(f, performance.now())) return;
      try {
        await leg.play(await tts.synthesize('好的。'));
        await new Promise((r) => setTimeout(r, 500));
        await leg.play(await tts.synthesize('挂失请拨打客服热线。'));
      } catch {
        // the caller hung up mid-answer
      }
    });
    await leg.ended;
  };

  it('joins sentences separated by a pause shorter than replyJoinMs into one reply', async () => {
    const { adapter } = await hotline(twoSentences, { ivr: [], replyJoinMs: 1000 });
    const session = await adapter.open(ctxFor('demo/hotline/x/two#0.0'));
    const reply = await ask(session, '我的卡丢了');
    await session.close({ failed: false });
    // Both sentences make the reply. Heard apart they are two messages, the second after the pause; a loaded
    // machine may deliver the audio late enough that the pause is not heard and they come as one.
    expect(reply.messages.map((m) => m.text).join('')).toBe('好的。挂失请拨打客服热线。');
    expect(reply.text).toBe(reply.messages.map((m) => m.text).join('\n'));
    if (reply.messages.length === 2) expect(reply.messages[1].atMs! - reply.messages[0].atMs!).toBeGreaterThan(500);
  });

  it('takes only the first sentence without replyJoinMs', async () => {
    const { adapter } = await hotline(twoSentences, { ivr: [] });
    const session = await adapter.open(ctxFor('demo/hotline/x/one#0.0'));
    const reply = await ask(session, '我的卡丢了');
    await session.close({ failed: false });
    expect(reply.text).toBe('好的。');
  });
});

describe('speech-driven IVR menus', () => {
  it('answers a spoken menu with a `say` step and counts it as a menu level', async () => {
    const tts = createSimulatedSynthesizer({ minMs: 120 });
    const asr = createSimulatedRecognizer({ cer: 0, substitutionShare: 0.7 });
    const heard: string[] = [];
    const menu: CallHandler = async (leg) => {
      await leg.play(await tts.synthesize('请说出您要办理的业务，例如查询余额。'));
      const vad = new UtteranceDetector({ hangoverMs: 200 });
      leg.onAudio(async (f) => {
        const u = vad.push(f, performance.now());
        if (!u) return;
        const text = await asr.transcribe(u.pcm);
        heard.push(text);
        await leg.play(await tts.synthesize(text.includes('余额') ? '好的，正在为您转接余额查询。' : '没有听清。')).catch(() => {});
      });
      await leg.ended;
    };
    const { adapter } = await hotline(menu, { ivr: [{ waitPrompt: {} }, { say: '查询余额' }, { waitPrompt: {} }, { expect: ['余额查询'] }] });
    const session = await adapter.open(ctxFor('demo/hotline/x/spoken#0.0'));
    expect(heard).toEqual(['查询余额']);
    expect(session.metrics!().ivrDepth).toBe(1);
    expect(session.metrics!().humanInFirstMenu).toBe(false);
    await session.close({ failed: false });
  });
});

describe('real caller speech', () => {
  it('speaks espeak-ng audio over a noisy telephone band, and the bot hears it', async () => {
    const tts = createSimulatedSynthesizer({ minMs: 120 });
    const heard: Int16Array[] = [];
    const listener: CallHandler = async (leg) => {
      const vad = new UtteranceDetector({ hangoverMs: 300 });
      leg.onAudio(async (f) => {
        const u = vad.push(f, performance.now());
        if (!u) return;
        heard.push(u.pcm);
        await leg.play(await tts.synthesize('我听到您说话了。')).catch(() => {});
      });
      await leg.ended;
    };
    const { adapter } = await hotline(listener, { ivr: [], speech: { tts: { engine: 'espeak-ng' }, asr: { engine: 'simulated', cer: 0 } }, conditioning: { band: true, snrDb: 20 } });
    const session = await adapter.open(ctxFor('demo/hotline/x/espeak#0.0'));
    const reply = await ask(session, '你好，我想查询余额');
    await session.close({ failed: false });
    expect(reply.text).toBe('我听到您说话了。');
    expect(heard).toHaveLength(1);
    expect(heard[0].length / 8000).toBeGreaterThan(1);
    const sent = readWav(readFileSync(join(runDir, reply.evidence!.callerAudio!))).samples;
    // Line noise at 20 dB SNR: even the pauses inside the sentence are never digital silence.
    expect(sent.filter((v) => v === 0).length / sent.length).toBeLessThan(0.05);
  });
});

describe('demo bank part', () => {
  it('publishes the hotline WebSocket URL', async () => {
    const bank = await startDemoBank({}, ['hotline']);
    try {
      expect(bank.vars.hotline).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/media$/);
    } finally {
      await bank.close();
    }
    expect(existsSync(runDir)).toBe(true);
  });
});
