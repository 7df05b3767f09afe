import { concatPcm, dbfs, FRAME_SAMPLES } from './frames.ts';

// Energy voice-activity detection with hangover: an utterance starts at the
// first frame above the threshold and ends after `hangoverMs` of frames below
// it; bursts shorter than `minSpeechMs` of voiced audio are clicks, not speech.

export interface VadOptions {
  /** Frame energy (dBFS) above which a frame counts as voiced. */
  thresholdDb: number;
  minSpeechMs: number;
  hangoverMs: number;
}

export const defaultVad: VadOptions = { thresholdDb: -40, minSpeechMs: 60, hangoverMs: 500 };

export interface Utterance {
  pcm: Int16Array;
  /** Clock time (ms, caller's clock) of the first voiced frame. */
  startMs: number;
  /** Clock time of the end of the last voiced frame. */
  endMs: number;
}

export class UtteranceDetector {
  private readonly opts: VadOptions;
  private frames: Int16Array[] = [];
  private startMs = 0;
  private lastVoicedEnd = 0;
  private voicedMs = 0;
  private silentMs = 0;
  private inSpeech = false;

  constructor(opts: Partial<VadOptions> = {}, private readonly frameMs = 20) {
    this.opts = { ...defaultVad, ...opts };
  }

  /** True while an utterance is under way (for barge-in and timeouts). */
  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Feed one frame received at `atMs` (the time its first sample arrived); returns a finished utterance, if any. */
  push(frame: Int16Array, atMs: number): Utterance | null {
    const voiced = dbfs(frame) > this.opts.thresholdDb;
    if (!this.inSpeech) {
      if (!voiced) return null;
      this.inSpeech = true;
      this.frames = [];
      this.startMs = atMs;
      this.voicedMs = 0;
      this.silentMs = 0;
    }
    this.frames.push(frame);
    if (voiced) {
      this.voicedMs += this.frameMs;
      this.silentMs = 0;
      this.lastVoicedEnd = atMs + this.frameMs;
      return null;
    }
    this.silentMs += this.frameMs;
    if (this.silentMs < this.opts.hangoverMs) return null;
    return this.finish();
  }

  /** Closes an utterance in progress (the call ended, say). */
  flush(): Utterance | null {
    return this.inSpeech ? this.finish() : null;
  }

  private finish(): Utterance | null {
    this.inSpeech = false;
    const keep = this.frames.length - Math.round(this.silentMs / this.frameMs);
    const frames = this.frames.slice(0, Math.max(0, keep));
    this.frames = [];
    if (this.voicedMs < this.opts.minSpeechMs) return null;
    return { pcm: concatPcm(frames), startMs: this.startMs, endMs: this.lastVoicedEnd };
  }
}

/** Splits a whole recording (8 kHz) into utterances; times are ms from its start. */
export function splitUtterances(pcm: Int16Array, opts: Partial<VadOptions> = {}, frameSamples = FRAME_SAMPLES, rate = 8000): Utterance[] {
  const frameMs = (frameSamples * 1000) / rate;
  const vad = new UtteranceDetector(opts, frameMs);
  const found: Utterance[] = [];
  for (let at = 0, i = 0; at < pcm.length; at += frameSamples, i++) {
    const frame = new Int16Array(frameSamples);
    frame.set(pcm.subarray(at, Math.min(pcm.length, at + frameSamples)));
    const u = vad.push(frame, i * frameMs);
    if (u) found.push(u);
  }
  const last = vad.flush();
  if (last) found.push(last);
  return found;
}
