import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { condition } from '../../lib/telephony/audio/condition.ts';
import { rms } from '../../lib/telephony/audio/frames.ts';
import { resample } from '../../lib/telephony/audio/resample.ts';
import { splitUtterances } from '../../lib/telephony/audio/vad.ts';
import { readWav, writeWav } from '../../lib/telephony/audio/wav.ts';

const dir = mkdtempSync(join(tmpdir(), 'audio-vad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sine = (hz: number, ms: number, rate = 8000, amp = 10000) => Int16Array.from({ length: (ms * rate) / 1000 }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate)));

describe('voice activity detection', () => {
  it('splits a recording of three spoken sentences with pauses into three utterances', () => {
    const parts = ['我的银行卡丢了', '怎么查询余额', '附近有没有网点'].map((t, i) => {
      const f = join(dir, `u${i}.wav`);
      execFileSync('espeak-ng', ['-v', 'cmn', '-w', f, t]);
      return f;
    });
    const silence = join(dir, 'gap.wav');
    execFileSync('sox', ['-n', '-r', '22050', '-c', '1', '-b', '16', silence, 'trim', '0', '1.2']);
    const joined = join(dir, 'three.wav');
    execFileSync('sox', [parts[0], silence, parts[1], silence, parts[2], '-r', '8000', '-b', '16', joined]);
    const wav = readWav(readFileSync(joined));
    expect(wav.sampleRate).toBe(8000);
    const found = splitUtterances(wav.samples, { hangoverMs: 600, thresholdDb: -40 });
    expect(found).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect(found[i].startMs - found[i - 1].endMs).toBeGreaterThan(1000);
  });

  it('ignores a click shorter than the minimum speech length', () => {
    const pcm = new Int16Array(8000);
    pcm.set(sine(300, 20), 2000);
    expect(splitUtterances(pcm, { minSpeechMs: 60 })).toHaveLength(0);
    pcm.set(sine(300, 200), 4000);
    expect(splitUtterances(pcm, { minSpeechMs: 60 })).toHaveLength(1);
  });

  it('keeps one utterance through a pause shorter than the hangover', () => {
    const pcm = new Int16Array(16000);
    pcm.set(sine(300, 300), 0);
    pcm.set(sine(300, 300), 2400 + 3200); // 400-ms pause
    expect(splitUtterances(pcm, { hangoverMs: 600 })).toHaveLength(1);
    expect(splitUtterances(pcm, { hangoverMs: 200 })).toHaveLength(2);
  });
});

describe('audio toolkit', () => {
  it('writes and reads back a 16-bit mono WAV that sox accepts', () => {
    const pcm = sine(440, 250);
    const f = join(dir, 'tone.wav');
    writeFileSync(f, writeWav(pcm, 8000));
    const info = execFileSync('sox', ['--i', f]).toString();
    expect(info).toMatch(/Sample Rate\s*: 8000/);
    expect(info).toMatch(/Channels\s*: 1/);
    expect(readWav(readFileSync(f)).samples).toEqual(pcm);
  });

  it('resamples 22050 Hz to 8 kHz without aliasing a 6 kHz tone into the phone band', () => {
    const speech = resample(sine(1000, 500, 22050), 22050, 8000);
    const alias = resample(sine(6000, 500, 22050), 22050, 8000);
    expect(speech.length).toBe(4000);
    expect(rms(speech)).toBeGreaterThan(0.2);
    expect(rms(alias)).toBeLessThan(0.01);
  });

  it('band-limits the caller to 300–3400 Hz and adds noise at the set SNR, reproducibly', () => {
    expect(rms(condition(sine(100, 500), { band: true, seed: 1 }))).toBeLessThan(rms(sine(100, 500)) * 0.2);
    expect(rms(condition(sine(1000, 500), { band: true, seed: 1 }))).toBeGreaterThan(rms(sine(1000, 500)) * 0.85);
    const clean = sine(1000, 1000);
    const noisy = condition(clean, { band: false, snrDb: 10, seed: 7 });
    const noise = noisy.map((v, i) => v - clean[i]);
    const snr = 20 * Math.log10(rms(clean) / rms(noise));
    expect(snr).toBeGreaterThan(9);
    expect(snr).toBeLessThan(11);
    expect(condition(clean, { band: false, snrDb: 10, seed: 7 })).toEqual(noisy);
  });
});
