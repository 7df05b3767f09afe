// Speech engines turn text into 8 kHz telephone audio and back. Engines are
// chosen per profile through the closed registry in ./registry.ts.

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
