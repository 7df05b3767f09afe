import type { z } from 'zod';

// Speech engines turn text into 8 kHz telephone audio and back. Engines are
// chosen per profile through the registry in ./registry.ts; each engine is
// one definition in ./engines/.

export interface SpeechOptions {
  signal?: AbortSignal;
  /** Seeds anything random an engine does (the simulated ASR-error channel). */
  seed?: number;
}

export interface Synthesizer {
  /** Simulated audio carries text in-band: telephony conditioning must not touch it. */
  readonly simulated: boolean;
  /** 8 kHz mono PCM. */
  synthesize(text: string, opts?: SpeechOptions): Promise<Int16Array>;
}

export interface Recognizer {
  readonly simulated: boolean;
  /** `pcm` is 8 kHz mono; returns the transcript ('' when nothing was heard). */
  transcribe(pcm: Int16Array, opts?: SpeechOptions): Promise<string>;
}

/**
 * A speech engine as the registry knows it: the `engine:` value a profile
 * names, the strict schema of its config (checked when the profile loads) and
 * a factory that imports the engine's code only when a run uses it.
 */
export interface SpeechEngine<K extends string, S extends z.ZodType, T> {
  kind: K;
  schema: S;
  create(config: z.output<S>): Promise<T>;
}

export type TtsEngineDefinition<K extends string = string, S extends z.ZodType = z.ZodType> = SpeechEngine<K, S, Synthesizer>;
export type AsrEngineDefinition<K extends string = string, S extends z.ZodType = z.ZodType> = SpeechEngine<K, S, Recognizer>;
