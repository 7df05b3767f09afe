import { describe, expect, it } from 'vitest';
import { rms } from '../../../lib/telephony/audio/frames.ts';
import { createRecognizer, createSynthesizer, asrConfigSchema, ttsConfigSchema } from '../../../adapters/hotline/speech/registry.ts';
import { modulate } from '../../../lib/telephony/simulated/modem.ts';

describe('espeak-ng engine (real local Mandarin TTS)', () => {
  it('speaks Mandarin as 8 kHz audio of plausible length and loudness', async () => {
    const tts = await createSynthesizer(ttsConfigSchema.parse({ engine: 'espeak-ng' }));
    const short = await tts.synthesize('余额查询');
    const long = await tts.synthesize('我的银行卡丢了，请问怎么办理挂失？需要带身份证去网点吗？');
    expect(tts.simulated).toBe(false);
    // ≈ 0.2–0.5 s per syllable at the default rate; 8 kHz means 8 samples a ms.
    expect(short.length / 8000).toBeGreaterThan(0.6);
    expect(short.length / 8000).toBeLessThan(3);
    expect(long.length / 8000).toBeGreaterThan(3);
    expect(long.length / 8000).toBeLessThan(12);
    expect(rms(long)).toBeGreaterThan(0.02);
  });

  it('speaks slower at a lower rate', async () => {
    const fast = await (await createSynthesizer(ttsConfigSchema.parse({ engine: 'espeak-ng', rate: 260 }))).synthesize('查询附近网点地址');
    const slow = await (await createSynthesizer(ttsConfigSchema.parse({ engine: 'espeak-ng', rate: 110 }))).synthesize('查询附近网点地址');
    expect(slow.length).toBeGreaterThan(fast.length * 1.5);
  });

  it('says a text that starts with a dash instead of reading it as an option', async () => {
    const tts = await createSynthesizer(ttsConfigSchema.parse({ engine: 'espeak-ng' }));
    expect((await tts.synthesize('-v 挂失')).length).toBeGreaterThan(4000);
  });
});

describe('command engine (any CLI synthesiser or recogniser)', () => {
  it('synthesises with a command writing {out}, text passed as one argument', async () => {
    const tts = await createSynthesizer(ttsConfigSchema.parse({ engine: 'command', command: ['espeak-ng', '-v', 'cmn', '-w', '{out}', '{text}'] }));
    const pcm = await tts.synthesize('他说："转人工; rm -rf /"');
    expect(pcm.length / 8000).toBeGreaterThan(1);
    expect(rms(pcm)).toBeGreaterThan(0.02);
  });

  it('transcribes with a command reading {in} and printing the transcript', async () => {
    // A tiny CLI "recogniser": it reports the WAV's sample rate and length in ms.
    const script = "const b=require('fs').readFileSync(process.argv[1]);const r=b.readUInt32LE(24);console.log('rate '+r+' ms '+Math.round((b.length-44)/2/r*1000))";
    const asr = await createRecognizer(asrConfigSchema.parse({ engine: 'command', command: ['node', '-e', script, '{in}'] }));
    expect(await asr.transcribe(modulate('你好', 500))).toBe('rate 16000 ms 500');
  });

  it('reports a failing command with its stderr', async () => {
    const asr = await createRecognizer(asrConfigSchema.parse({ engine: 'command', command: ['node', '-e', "console.error('model not found');process.exit(3)", '{in}'] }));
    await expect(asr.transcribe(new Int16Array(800))).rejects.toThrow(/model not found/);
  });

  it('refuses a recogniser command without {in}', () => {
    expect(asrConfigSchema.safeParse({ engine: 'command', command: ['whisper'] }).success).toBe(false);
  });
});
