import { z } from 'zod';
import type { AsrEngineDefinition, TtsEngineDefinition } from '../types.ts';

// Any command-line synthesiser or recogniser (code in ../command.ts).

const common = {
  engine: z.literal('command'),
  command: z.array(z.string()).min(1, 'give the program and its arguments as a list'),
  timeoutMs: z.number().int().positive().default(60000),
};

const ttsSchema = z.strictObject({ ...common, inputRate: z.number().int().positive().default(8000) });

const asrSchema = z.strictObject({
  ...common,
  command: common.command.refine((a) => a.some((x) => x.includes('{in}')), 'a recogniser command needs an {in} argument'),
  inputRate: z.number().int().positive().default(16000),
});

export const commandTts: TtsEngineDefinition<'command', typeof ttsSchema> = {
  kind: 'command',
  schema: ttsSchema,
  create: async (c) => (await import('../command.ts')).createCommandSynthesizer(c),
};

export const commandAsr: AsrEngineDefinition<'command', typeof asrSchema> = {
  kind: 'command',
  schema: asrSchema,
  create: async (c) => (await import('../command.ts')).createCommandRecognizer(c),
};
