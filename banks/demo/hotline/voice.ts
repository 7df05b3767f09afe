import { hashSeed } from '../../../lib/telephony/audio/rng.ts';
import { applyAsrErrors } from '../../../lib/telephony/simulated/asr-errors.ts';
import { demodulate, modulate } from '../../../lib/telephony/simulated/modem.ts';

// The demo voice bot's mouth and ears. By default they speak the simulated
// voice (text carried in-band in the audio, lib/telephony/simulated) and hear
// it through the bot's own mishearing channel; a test may hand in real speech
// engines instead.

export interface Mouth {
  synthesize(text: string, opts?: { signal?: AbortSignal }): Promise<Int16Array>;
}

export interface Ears {
  /** `pcm` is 8 kHz mono; '' when nothing was heard. */
  transcribe(pcm: Int16Array, opts?: { signal?: AbortSignal }): Promise<string>;
}

export function simulatedMouth(minMs = 120): Mouth {
  return { synthesize: async (text) => modulate(text, minMs) };
}

/** Hears the simulated voice and mishears it at character error rate `cer`, seeded by what was said. */
export function simulatedEars(cer: number, substitutionShare = 0.7): Ears {
  return {
    transcribe: async (pcm) => {
      const text = demodulate(pcm).join('');
      return text ? applyAsrErrors(text, { cer, seed: hashSeed(text), substitutionShare }) : '';
    },
  };
}
