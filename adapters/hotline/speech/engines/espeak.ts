import { z } from 'zod';
import type { TtsEngineDefinition } from '../types.ts';

// Local Mandarin TTS through the espeak-ng binary (code in ../espeak.ts).

const schema = z.strictObject({
  engine: z.literal('espeak-ng'),
  voice: z.string().default('cmn'),
  rate: z.number().int().min(80).max(450).default(170),
  pitch: z.number().int().min(0).max(99).optional(),
  binary: z.string().default('espeak-ng'),
});

export const espeakTts: TtsEngineDefinition<'espeak-ng', typeof schema> = {
  kind: 'espeak-ng',
  schema,
  create: async (c) => (await import('../espeak.ts')).createEspeakSynthesizer(c),
};
