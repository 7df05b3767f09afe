// The demo hotline's side of a call, independent of how the call arrived
// (WebSocket media stream or SIP/RTP). Frames are 8 kHz PCM, 20 ms each.

export interface MediaLeg {
  /** Play PCM to the caller, paced at 20 ms a frame. */
  play(pcm: Int16Array, signal?: AbortSignal): Promise<void>;
  onAudio(listener: (frame: Int16Array) => void): () => void;
  onDtmf(listener: (digit: string) => void): () => void;
  hangup(): Promise<void>;
  /** Settles when the call ends from either side. */
  readonly ended: Promise<void>;
}

/** Runs the IVR and the voice bot on one call until it ends. */
export type CallHandler = (leg: MediaLeg) => Promise<void>;
