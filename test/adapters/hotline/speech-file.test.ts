import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingName } from '../../../adapters/hotline/speech/engines/file.ts';
import { createSynthesizer, ttsConfigSchema } from '../../../adapters/hotline/speech/registry.ts';
import { writeWav } from '../../../lib/telephony/audio/wav.ts';
import { tempDir } from '../../helpers/cli.ts';

// The recorded-speech TTS engine: a profile names a folder of WAV files, one
// per utterance, and the caller plays them at the telephone rate.

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One second of a 440-Hz tone at 16 kHz, the way a recording app saves it. */
function tone(rate: number, seconds: number): Int16Array {
  const pcm = new Int16Array(rate * seconds);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return pcm;
}

describe('file TTS engine', () => {
  it('plays the recording named after the text, resampled to 8 kHz', async () => {
    mkdirSync(join(dir, 'voice'));
    writeFileSync(join(dir, 'voice', '我的信用卡丢了怎么办.wav'), writeWav(tone(16000, 1), 16000));
    const tts = await createSynthesizer(ttsConfigSchema.parse({ engine: 'file', dir: join(dir, 'voice') }));
    const pcm = await tts.synthesize('我的信用卡丢了怎么办');
    expect(tts.simulated).toBe(false);
    expect(pcm.length).toBe(8000);
    // Still a 440-Hz tone: 880 zero crossings a second.
    let crossings = 0;
    for (let i = 1; i < pcm.length; i++) if (Math.sign(pcm[i]) !== Math.sign(pcm[i - 1]) && pcm[i] !== 0) crossings++;
    expect(crossings).toBeGreaterThan(860);
    expect(crossings).toBeLessThan(900);
  });

  it('names the file to record when a text has no recording', async () => {
    const tts = await createSynthesizer(ttsConfigSchema.parse({ engine: 'file', dir }));
    await expect(tts.synthesize('查询余额/明细')).rejects.toThrow(`no recording of "查询余额/明细": record it as ${join(dir, '查询余额_明细.wav')}`);
    expect(recordingName(' 转人工 ')).toBe('转人工.wav');
  });

  it('is checked like any engine config', () => {
    expect(ttsConfigSchema.safeParse({ engine: 'file' }).success).toBe(false);
    expect(ttsConfigSchema.safeParse({ engine: 'file', dir: 'voice', rate: 8000 }).success).toBe(false);
  });
});
