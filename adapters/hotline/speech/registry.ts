import { z } from 'zod';
import type { Recognizer, Synthesizer } from './types.ts';

// Closed registry of speech engines. A profile picks one per direction:
// `speech: { tts: { engine: espeak-ng, … }, asr: { engine: openai, … } }`.
// Engine code loads lazily: only the engines a run uses are imported.

export const ttsEngines = ['openai', 'espeak-ng', 'command', 'simulated'] as const;
export const asrEngines = ['openai', 'command', 'simulated'] as const;
export type TtsEngine = (typeof ttsEngines)[number];
export type AsrEngine = (typeof asrEngines)[number];

const openaiCommon = {
  engine: z.literal('openai'),
  baseURL: z.string().url().optional(),
  apiKey: z.string().min(1, 'set apiKey, e.g. ${env:OPENAI_API_KEY}'),
  timeoutMs: z.number().int().positive().default(30000),
  maxRetries: z.number().int().min(0).default(2),
};

const commandCommon = {
  engine: z.literal('command'),
  command: z.array(z.string()).min(1, 'give the program and its arguments as a list'),
  timeoutMs: z.number().int().positive().default(60000),
};

export const ttsConfigSchemas = {
  openai: z.strictObject({
    ...openaiCommon,
    model: z.string().default('gpt-4o-mini-tts'),
    voice: z.string().default('alloy'),
    response_format: z.enum(['wav', 'pcm']).default('wav'),
    pcmRate: z.number().int().positive().default(24000),
    speed: z.number().min(0.25).max(4).optional(),
    instructions: z.string().optional(),
  }),
  'espeak-ng': z.strictObject({
    engine: z.literal('espeak-ng'),
    voice: z.string().default('cmn'),
    rate: z.number().int().min(80).max(450).default(170),
    pitch: z.number().int().min(0).max(99).optional(),
    binary: z.string().default('espeak-ng'),
  }),
  command: z.strictObject({ ...commandCommon, inputRate: z.number().int().positive().default(8000) }),
  simulated: z.strictObject({
    engine: z.literal('simulated'),
    /** Pad each utterance with speech-like noise to at least this long. */
    minMs: z.number().int().min(60).max(2000).default(120),
  }),
} satisfies Record<TtsEngine, z.ZodType>;

export const asrConfigSchemas = {
  openai: z.strictObject({
    ...openaiCommon,
    model: z.string().default('whisper-1'),
    language: z.string().optional(),
    prompt: z.string().optional(),
    response_format: z.enum(['json', 'text']).default('json'),
    uploadRate: z.number().int().positive().default(16000),
  }),
  command: z.strictObject({
    ...commandCommon,
    command: commandCommon.command.refine((a) => a.some((x) => x.includes('{in}')), 'a recogniser command needs an {in} argument'),
    inputRate: z.number().int().positive().default(16000),
  }),
  simulated: z.strictObject({
    engine: z.literal('simulated'),
    /** Character error rate of the simulated recogniser. */
    cer: z.number().min(0).max(1).default(0.08),
    substitutionShare: z.number().min(0).max(1).default(0.7),
  }),
} satisfies Record<AsrEngine, z.ZodType>;

export const ttsConfigSchema = z.discriminatedUnion('engine', [
  ttsConfigSchemas.openai,
  ttsConfigSchemas['espeak-ng'],
  ttsConfigSchemas.command,
  ttsConfigSchemas.simulated,
]);
export const asrConfigSchema = z.discriminatedUnion('engine', [asrConfigSchemas.openai, asrConfigSchemas.command, asrConfigSchemas.simulated]);
export type TtsConfig = z.output<typeof ttsConfigSchema>;
export type AsrConfig = z.output<typeof asrConfigSchema>;

type Of<S, E> = Extract<S, { engine: E }>;

const synthesizers: { [E in TtsEngine]: (c: Of<TtsConfig, E>) => Promise<Synthesizer> } = {
  openai: async (c) => (await import('./openai.ts')).createOpenAiSynthesizer(c),
  'espeak-ng': async (c) => (await import('./espeak.ts')).createEspeakSynthesizer(c),
  command: async (c) => (await import('./command.ts')).createCommandSynthesizer(c),
  simulated: async (c) => (await import('./simulated.ts')).createSimulatedSynthesizer(c),
};

const recognizers: { [E in AsrEngine]: (c: Of<AsrConfig, E>) => Promise<Recognizer> } = {
  openai: async (c) => (await import('./openai.ts')).createOpenAiRecognizer(c),
  command: async (c) => (await import('./command.ts')).createCommandRecognizer(c),
  simulated: async (c) => (await import('./simulated.ts')).createSimulatedRecognizer(c),
};

export function createSynthesizer(config: TtsConfig): Promise<Synthesizer> {
  return (synthesizers[config.engine] as (c: TtsConfig) => Promise<Synthesizer>)(config);
}

export function createRecognizer(config: AsrConfig): Promise<Recognizer> {
  return (recognizers[config.engine] as (c: AsrConfig) => Promise<Recognizer>)(config);
}
