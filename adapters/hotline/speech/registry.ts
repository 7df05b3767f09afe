import { z } from 'zod';
import { commandAsr, commandTts } from './engines/command.ts';
import { espeakTts } from './engines/espeak.ts';
import { fileTts } from './engines/file.ts';
import { openaiAsr, openaiTts } from './engines/openai.ts';
import { simulatedAsr, simulatedTts } from './engines/simulated.ts';
import type { AsrEngineDefinition, Recognizer, Synthesizer, TtsEngineDefinition } from './types.ts';

// The speech engines a profile may pick, one per direction:
// `speech: { tts: { engine: espeak-ng, … }, asr: { engine: openai, … } }`.
// Each engine is one definition in ./engines/ (kind, schema, create); the
// config unions and kind types derive from these lists, and engine code loads
// lazily: only the engines a run uses are imported.

export const ttsEngines = [
  openaiTts,
  espeakTts,
  commandTts,
  simulatedTts,
  fileTts,
] as const;

export const asrEngines = [
  openaiAsr,
  commandAsr,
  simulatedAsr,
] as const;

export type TtsEngine = (typeof ttsEngines)[number]['kind'];
export type AsrEngine = (typeof asrEngines)[number]['kind'];

type Schemas<T extends readonly { schema: z.ZodType }[]> = { -readonly [I in keyof T]: T[I]['schema'] };
const schemasOf = <T extends readonly { schema: z.ZodType }[]>(defs: T) => defs.map((d) => d.schema) as Schemas<T>;

export const ttsConfigSchema = z.discriminatedUnion('engine', schemasOf(ttsEngines));
export const asrConfigSchema = z.discriminatedUnion('engine', schemasOf(asrEngines));
export type TtsConfig = z.output<typeof ttsConfigSchema>;
export type AsrConfig = z.output<typeof asrConfigSchema>;

/** Builds the synthesiser a parsed config names. */
export function createSynthesizer(config: TtsConfig): Promise<Synthesizer> {
  const def = ttsEngines.find((e) => e.kind === config.engine) as TtsEngineDefinition | undefined;
  if (!def) throw new Error(`unknown TTS engine "${config.engine}" (known: ${ttsEngines.map((e) => e.kind).join(', ')})`);
  return def.create(config);
}

/** Builds the recogniser a parsed config names. */
export function createRecognizer(config: AsrConfig): Promise<Recognizer> {
  const def = asrEngines.find((e) => e.kind === config.engine) as AsrEngineDefinition | undefined;
  if (!def) throw new Error(`unknown ASR engine "${config.engine}" (known: ${asrEngines.map((e) => e.kind).join(', ')})`);
  return def.create(config);
}
