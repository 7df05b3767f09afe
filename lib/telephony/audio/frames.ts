import { sleep } from '../../sleep.ts';

// The telephone frame model every transport speaks: 8 kHz mono linear PCM
// (Int16Array) in 20-ms frames of 160 samples.
export const FRAME_SAMPLES = 160;
export const SAMPLE_RATE = 8000;

/** Splits PCM into 20-ms frames; the last frame is padded with silence. */
export function toFrames(pcm: Int16Array, frameSamples = FRAME_SAMPLES): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let at = 0; at < pcm.length; at += frameSamples) {
    const frame = new Int16Array(frameSamples);
    frame.set(pcm.subarray(at, Math.min(pcm.length, at + frameSamples)));
    frames.push(frame);
  }
  return frames;
}

export function concatPcm(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function silence(ms: number, rate = 8000): Int16Array {
  return new Int16Array(Math.round((ms * rate) / 1000));
}

/** Root mean square, 0..1 of full scale. */
export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length) / 32768;
}

export function dbfs(pcm: Int16Array): number {
  const r = rms(pcm);
  return r > 0 ? 20 * Math.log10(r) : -120;
}

/**
 * Plays frames at a steady 20-ms pace against the clock (no drift from timer
 * lateness). Resolves after the last frame; rejects with the signal's reason.
 */
export async function paceFrames(frames: Int16Array[], send: (frame: Int16Array, index: number) => void, signal?: AbortSignal, frameMs = 20): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < frames.length; i++) {
    signal?.throwIfAborted();
    const due = start + i * frameMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait, signal);
    send(frames[i], i);
  }
  const tail = start + frames.length * frameMs - performance.now();
  if (tail > 1) await sleep(tail, signal);
}

