import { hashSeed } from '../../../lib/telephony/audio/rng.ts';
import { applyAsrErrors } from '../../../lib/telephony/simulated/asr-errors.ts';
import { demodulate, modulate } from '../../../lib/telephony/simulated/modem.ts';
import type { Recognizer, Synthesizer } from './types.ts';

// Simulated speech: no real audio. The synthesiser modulates the text into
// the PCM; the recogniser demodulates it and passes it through the seeded
// ASR-error channel at the configured character error rate.

export function createSimulatedSynthesizer(config: { minMs: number }): Synthesizer {
  return {
    simulated: true,
    synthesize: async (text) => modulate(text, config.minMs),
  };
}

export function createSimulatedRecognizer(config: { cer: number; substitutionShare: number }): Recognizer {
  return {
    simulated: true,
    transcribe: async (pcm, opts = {}) => {
      const text = demodulate(pcm).join('');
      if (!text) return '';
      const seed = opts.seed ?? hashSeed(text);
      return applyAsrErrors(text, { cer: config.cer, seed, substitutionShare: config.substitutionShare });
    },
  };
}
