import type { z } from 'zod';

// A hotline transport carries one phone call. Every transport speaks the same
// internal frame model — 8 kHz mono linear PCM (Int16Array) in 20-ms frames of
// 160 samples — and does its own wire encoding (μ-law/A-law, RTP, WebSocket
// JSON). The hotline adapter, speech engines and IVR logic never see the wire.

export { FRAME_SAMPLES, SAMPLE_RATE } from '../../../lib/telephony/audio/frames.ts';

export interface CallEnd {
  by: 'local' | 'remote';
  reason?: string;
}

export interface Call {
  /** Play PCM to the far end, paced in real time at 20 ms a frame; resolves after the last frame. */
  play(pcm: Int16Array, signal?: AbortSignal): Promise<void>;
  /** Send DTMF digits (0-9 * # A-D) the transport's way (RFC 4733, a `dtmf` event…). */
  sendDtmf(digits: string): Promise<void>;
  /** Every received 20-ms frame, decoded to PCM. Returns an unsubscribe function. */
  onAudio(listener: (frame: Int16Array) => void): () => void;
  hangup(): Promise<void>;
  /** Settles when the call ends, from either side. */
  readonly ended: Promise<CallEnd>;
  /** Codec and timings, for evidence and metrics. */
  readonly info: { codec: 'PCMU' | 'PCMA'; answeredAtMs: number };
}

export interface DialOptions {
  conversationId: string;
  signal: AbortSignal;
  log(message: string): void;
}

export interface Transport {
  /**
   * Place a call. Failures throw TransportFault (harness/types.ts) with the
   * kind that tells them apart: busy, no-answer, declined, not-found,
   * unreachable, refused, timeout, dropped, protocol.
   */
  dial(options: DialOptions): Promise<Call>;
  dispose(): Promise<void>;
}

/**
 * A transport as the registry knows it: the `type:` value a profile names,
 * the strict schema of its config (checked when the profile loads) and a
 * factory that imports the transport's code only when a run dials.
 */
export interface TransportDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K;
  schema: S;
  create(config: z.output<S>): Promise<Transport>;
}
