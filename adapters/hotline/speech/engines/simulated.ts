import { z } from 'zod';
import type { AsrEngineDefinition, TtsEngineDefinition } from '../types.ts';

// Simulated speech: text carried in-band in the audio, heard through a seeded
// mishearing channel (code in ../simulated.ts).

const ttsSchema = z.strictObject({
  engine: z.literal('simulated'),
  /** Pad each utterance with speech-like noise to at least this long. */
  minMs: z.number().int().min(60).max(2000).default(120),
});

const asrSchema = z.strictObject({
  engine: z.literal('simulated'),
  /** Character error rate of the simulated recogniser. */
  cer: z.number().min(0).max(1).default(0.08),
  substitutionShare: z.number().min(0).max(1).default(0.7),
});

export const simulatedTts: TtsEngineDefinition<'simulated', typeof ttsSchema> = {
  kind: 'simulated',
  schema: ttsSchema,
  create: async (c) => (await import('../simulated.ts')).createSimulatedSynthesizer(c),
};

export const simulatedAsr: AsrEngineDefinition<'simulated', typeof asrSchema> = {
  kind: 'simulated',
  schema: asrSchema,
  create: async (c) => (await import('../simulated.ts')).createSimulatedRecognizer(c),
};
