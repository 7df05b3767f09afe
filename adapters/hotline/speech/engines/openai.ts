import { z } from 'zod';
import type { AsrEngineDefinition, TtsEngineDefinition } from '../types.ts';

// Any OpenAI-compatible audio endpoint (code in ../openai.ts).

const common = {
  baseURL: z.string().url().optional(),
  apiKey: z.string().min(1, 'set apiKey, e.g. ${env:OPENAI_API_KEY}'),
  timeoutMs: z.number().int().positive().default(30000),
  maxRetries: z.number().int().min(0).default(2),
};

const ttsSchema = z.strictObject({
  engine: z.literal('openai'),
  ...common,
  model: z.string().default('gpt-4o-mini-tts'),
  voice: z.string().default('alloy'),
  response_format: z.enum(['wav', 'pcm']).default('wav'),
  pcmRate: z.number().int().positive().default(24000),
  speed: z.number().min(0.25).max(4).optional(),
  instructions: z.string().optional(),
});

const asrSchema = z.strictObject({
  engine: z.literal('openai'),
  ...common,
  model: z.string().default('whisper-1'),
  language: z.string().optional(),
  prompt: z.string().optional(),
  response_format: z.enum(['json', 'text']).default('json'),
  uploadRate: z.number().int().positive().default(16000),
});

export const openaiTts: TtsEngineDefinition<'openai', typeof ttsSchema> = {
  kind: 'openai',
  schema: ttsSchema,
  create: async (c) => (await import('../openai.ts')).createOpenAiSynthesizer(c),
};

export const openaiAsr: AsrEngineDefinition<'openai', typeof asrSchema> = {
  kind: 'openai',
  schema: asrSchema,
  create: async (c) => (await import('../openai.ts')).createOpenAiRecognizer(c),
};
