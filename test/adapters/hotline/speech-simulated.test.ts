import { describe, expect, it } from 'vitest';
import { decodeG711, encodeG711 } from '../../../lib/telephony/audio/g711.ts';
import { splitUtterances } from '../../../lib/telephony/audio/vad.ts';
import { applyAsrErrors, characterErrorRate, commonCharacters, homophonesOf, syllable } from '../../../lib/telephony/simulated/asr-errors.ts';
import { demodulate, modulate } from '../../../lib/telephony/simulated/modem.ts';
import { createRecognizer, createSynthesizer } from '../../../adapters/hotline/speech/registry.ts';

const prompt = '欢迎致电示例银行。智能语音服务请按1，人工服务请按0。Card No. 6222-xxxx ✓';
const longText =
  '银行卡丢失请立即通过手机银行、网上银行或拨打客服热线办理临时挂失，挂失后立即生效。正式挂失和补办新卡需要本人携带有效身份证件到任意网点柜台办理，' +
  '开户需要本人持有效身份证件到网点办理，也可以通过手机银行开立二类电子账户。余额可以通过手机银行、短信通知、自助设备和客服热线查询。';

describe('simulated voice (in-band modem)', () => {
  it('carries the exact text through a μ-law round trip', () => {
    const pcm = modulate(prompt);
    expect(demodulate(decodeG711('PCMU', encodeG711('PCMU', pcm)))).toEqual([prompt]);
  });

  it('carries the exact text through an A-law round trip', () => {
    const pcm = modulate(longText);
    expect(demodulate(decodeG711('PCMA', encodeG711('PCMA', pcm)))).toEqual([longText]);
  });

  it('finds the packet after leading silence and at any sample offset', () => {
    const pcm = modulate('余额查询');
    for (const offset of [0, 1, 37, 800]) {
      const padded = new Int16Array(offset + pcm.length + 400);
      padded.set(pcm, offset);
      expect(demodulate(padded)).toEqual(['余额查询']);
    }
  });

  it('survives a frame of silence a jitter buffer inserted mid-packet', () => {
    const pcm = modulate(longText);
    const gapped = new Int16Array(pcm.length + 160);
    gapped.set(pcm.subarray(0, 700));
    gapped.set(pcm.subarray(700), 860);
    expect(demodulate(gapped)).toEqual([longText]);
  });

  it('rejects a corrupted packet instead of hearing wrong words', () => {
    const pcm = modulate('挂失');
    pcm[16 + 9] += 6400; // two levels off inside the payload
    pcm[16 + 8] += 6400;
    expect(demodulate(pcm)).toEqual([]);
  });

  it('is short, and the VAD hears it as one utterance', () => {
    const pcm = modulate('您好，银行卡丢失请立即办理临时挂失。');
    expect(pcm.length / 8).toBeGreaterThanOrEqual(100);
    expect(pcm.length / 8).toBeLessThan(300);
    const withGaps = new Int16Array(pcm.length * 2 + 8000);
    withGaps.set(pcm, 800);
    withGaps.set(pcm, pcm.length + 6000);
    expect(splitUtterances(withGaps, { hangoverMs: 250 })).toHaveLength(2);
  });

  it('a simulated recogniser at CER 0 returns exactly what the simulated synthesiser said', async () => {
    const tts = await createSynthesizer({ engine: 'simulated', minMs: 120 });
    const asr = await createRecognizer({ engine: 'simulated', cer: 0, substitutionShare: 0.7 });
    expect(tts.simulated && asr.simulated).toBe(true);
    expect(await asr.transcribe(await tts.synthesize(prompt))).toBe(prompt);
    expect(await asr.transcribe(new Int16Array(8000))).toBe('');
  });
});

describe('simulated ASR-error channel', () => {
  it('builds its homophone table from the 3755 common characters', () => {
    const chars = commonCharacters();
    expect(chars).toHaveLength(3755);
    expect(chars[0]).toBe('啊');
    expect(chars.at(-1)).toBe('座');
  });

  it('hears 挂失 as a homophone such as 挂湿 or 挂诗 (same pinyin, never the same character)', () => {
    const alts = homophonesOf('失');
    expect(alts).toContain('湿');
    expect(alts).not.toContain('失');
    for (const c of alts) expect(syllable(c)).toBe('shi');
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = applyAsrErrors(longText, { cer: 0.1, seed: 42 });
    expect(applyAsrErrors(longText, { cer: 0.1, seed: 42 })).toBe(a);
    expect(applyAsrErrors(longText, { cer: 0.1, seed: 43 })).not.toBe(a);
    expect(applyAsrErrors(longText, { cer: 0, seed: 42 })).toBe(longText);
  });

  it.each([0.05, 0.1, 0.2])('hits a set CER of %s within tolerance on a long text', (cer) => {
    const text = longText.repeat(12);
    const rates = [1, 2, 3].map((seed) => characterErrorRate(text, applyAsrErrors(text, { cer, seed })));
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(mean).toBeGreaterThan(cer * 0.85);
    expect(mean).toBeLessThan(cer * 1.15);
  });

  it('substitutes homophones: every substituted character keeps its pinyin', () => {
    const out = applyAsrErrors(longText, { cer: 0.3, seed: 9, substitutionShare: 1 });
    const src = [...longText];
    const got = [...out];
    expect(got).toHaveLength(src.length); // substitutions only: nothing dropped
    let changed = 0;
    src.forEach((c, i) => {
      if (c !== got[i]) {
        changed++;
        expect(syllable(got[i])).toBe(syllable(c));
      }
    });
    expect(changed).toBeGreaterThan(src.length * 0.15);
  });
});
